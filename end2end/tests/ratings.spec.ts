import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import {
  acceptedCase,
  citizenLogIn,
  expectNoSeriousAxeViolations,
  fitsAPhone,
  staffLogIn,
  staffToken,
  waitForHydration,
} from "./helpers";

// 好差评 on Monday 2026-12-07: a citizen's 户口登记, accepted by demo clerk05 and denied by demo
// approver05 of 公安局 (through the API), is rated 不满意 with a reason on the case page; the
// approver calls back and answers on the workbench; the citizen re-rates the answer; the public
// 好差评 page counts one more 差评. Once with plain pages, once with JavaScript. Then the window's
// rating tablet (provisioned by demo admin03) at demo clerk06's window is used by keyboard only.
// The journeys share the staff's authenticators: serial.

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const HOUSEHOLD_REGISTRATION = "1133010000250002364000400000033";

/** The published number of 差评 of 公安局 this month, as the public page shows it. */
async function publishedBadOfGaj(page: Page) {
  await page.goto("/ratings?period=2026-12");
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "示范市公安局" }) });
  if ((await row.count()) === 0) return 0;
  return Number(await row.getByRole("cell").nth(2).textContent());
}

/** A case of the journey's own citizen, decided 不予许可 by approver05. */
async function deniedCase(page: Page, request: APIRequestContext) {
  const citizen = await acceptedCase(page, request, HOUSEHOLD_REGISTRATION, "clerk05");
  const approver = await staffToken(page, request, "approver05");
  const url = `/api/v1/staff/applications/${citizen.caseNo}`;
  expect((await request.post(`${url}/start-review`, { headers: approver })).status()).toBe(200);
  const decided = await request.post(`${url}/decide`, {
    headers: approver,
    data: { outcome: "deny", reasons: "出生医学证明信息不一致", legal_basis: "《中华人民共和国户口登记条例》第七条" },
  });
  expect(decided.status(), await decided.text()).toBe(200);
  return citizen;
}

async function loop(browser: Browser, request: APIRequestContext, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const citizen = await deniedCase(page, request);
  const before = await publishedBadOfGaj(page);

  // The citizen rates 不满意 from the case page; without a reason the form says so.
  await citizenLogIn(page, citizen);
  await page.goto(`/applications/${citizen.id}`);
  await page.getByRole("link", { name: "评价本次服务" }).click();
  if (javaScriptEnabled) {
    await waitForHydration(page);
    await expectNoSeriousAxeViolations(page);
    await fitsAPhone(page);
  }
  await page.getByRole("radio", { name: "不满意", exact: true }).check();
  for (const [indicator, score] of [["办事效率", "2 分"], ["办事指南精确度", "3 分"], ["办事便捷度", "3 分"], ["平台操作性", "4 分"]]) {
    await page.getByRole("group", { name: indicator, exact: true }).getByRole("radio", { name: score, exact: true }).check();
  }
  await page.getByLabel("意见建议（选填，不超过 500 字）").fill("出生证明的要求没有一次说清");
  await page.getByRole("button", { name: "提交评价" }).click();
  await expect(page.getByRole("alert")).toContainText("差评请至少选择一项原因");
  await expect(page.getByRole("radio", { name: "不满意", exact: true })).toBeChecked();
  await page.getByRole("checkbox", { name: "材料要求表述不清" }).check();
  await page.getByRole("button", { name: "提交评价" }).click();
  await expect(page).toHaveURL(/\/me\/ratings$/);
  await expect(page.getByText("待回访")).toBeVisible();
  if (javaScriptEnabled) {
    await expectNoSeriousAxeViolations(page);
    await fitsAPhone(page);
  }
  expect(await publishedBadOfGaj(page)).toBe(before + 1);

  // approver05 calls back and answers on the workbench.
  const staffContext = await browser.newContext({ javaScriptEnabled });
  const staff = await staffContext.newPage();
  await staffLogIn(staff, "approver05");
  await staff.goto("/staff/rectifications");
  if (javaScriptEnabled) await expectNoSeriousAxeViolations(staff);
  await staff.getByRole("link", { name: new RegExp(citizen.caseNo) }).click();
  if (javaScriptEnabled) {
    await waitForHydration(staff);
    await expectNoSeriousAxeViolations(staff);
    await fitsAPhone(staff);
  }
  await expect(staff.getByText("郑*", { exact: true })).toBeVisible();
  await staff.getByRole("button", { name: "查看评价人电话（回访用，留痕）" }).click();
  await expect(staff.getByText(new RegExp(`评价人电话：${citizen.phone}`))).toBeVisible();
  await staff.getByRole("button", { name: "提交回访结果" }).click();
  await expect(staff.getByText("请填写回访核实结果").first()).toBeVisible();
  await staff.getByLabel("回访核实结果").fill("已电话联系，反映属实");
  await staff.getByRole("button", { name: "提交回访结果" }).click();
  await staff.getByLabel("整改情况及答复（评价人会看到）").fill("已在办事指南中写明出生医学证明的要求");
  await staff.getByRole("button", { name: "提交整改答复" }).click();
  await expect(staff.getByText("整改答复已发送给评价人。")).toBeVisible();
  await expect(staff.getByRole("region", { name: "办理过程" })).toContainText("整改答复");
  if (javaScriptEnabled) {
    await staff.goto("/staff/rectifications?state=all");
    await fitsAPhone(staff);
  }

  // The citizen reads the answer and is satisfied: the loop closes.
  await page.goto("/me/ratings");
  await expect(page.getByText("已在办事指南中写明出生医学证明的要求")).toBeVisible();
  await page.getByRole("group", { name: "您对整改答复是否满意？" }).getByLabel("满意", { exact: true }).check();
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page.getByText("已收到您对整改答复的评价。")).toBeVisible();
  await expect(page.getByText("已办结")).toBeVisible();
  await Promise.all([context.close(), staffContext.close()]);
}

test("a 差评 of a decided case is called back, answered and re-rated — without JavaScript", async ({ browser, request }) => {
  await loop(browser, request, false);
});

test("the same loop with JavaScript, and the public page", async ({ browser, request }) => {
  await loop(browser, request, true);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: "好差评" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("好差评");
  await expect(page.getByRole("img", { name: /满意率/ })).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await fitsAPhone(page);
  const csv = await page.request.get((await page.getByRole("link", { name: "下载 CSV 数据" }).getAttribute("href"))!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain("示范市公安局");
  await context.close();
});

test("the window's rating tablet, by keyboard only", async ({ browser, page, request }) => {
  const admin = await staffToken(page, request, "admin03");
  const provision = async (kind: string, window?: number) => {
    const created = await request.post("/api/v1/staff/devices", {
      headers: admin,
      data: { hall_id: "city", kind, label: "经济类 12 号窗口", window },
    });
    expect(created.status(), await created.text()).toBe(201);
    return (await created.json()).token as string;
  };
  const [kiosk, tablet] = [await provision("kiosk"), await provision("rater", 12)];
  const context = await browser.newContext();
  const rater = await context.newPage();
  await rater.goto("/devices/activate");
  await rater.getByLabel("设备令牌").fill(tablet);
  await rater.getByRole("button", { name: "启用" }).click();
  await expect(rater).toHaveURL(/\/rater$/);
  await expect(rater.getByText("请在窗口办结业务后，对本次服务作出评价。")).toBeVisible();
  await expect(rater.getByRole("navigation")).toHaveCount(0);

  // A walk-in is served at window 12 of the economic zone, which no other journey calls to.
  const ticket = await request.post("/api/v1/halls/city/tickets", {
    headers: { "X-Device-Token": kiosk },
    data: { zone: "economic" },
  });
  expect(ticket.status()).toBe(201);
  const clerk = await staffToken(page, request, "clerk06");
  const called = await request.post("/api/v1/staff/queue/call-next", { headers: clerk, data: { window: 12 } });
  expect(called.status(), await called.text()).toBe(200);
  const id = (await called.json()).id;
  expect((await request.post(`/api/v1/staff/queue/tickets/${id}/serve`, { headers: clerk, data: {} })).status()).toBe(200);

  await rater.goto("/rater");
  await waitForHydration(rater);
  await expectNoSeriousAxeViolations(rater);
  // Tab to 非常满意 and press Enter; then Tab on to 提交评价.
  for (let i = 0; i < 30; i++) {
    await rater.keyboard.press("Tab");
    if (((await rater.evaluate(() => document.activeElement?.textContent)) ?? "").includes("非常满意")) break;
  }
  await rater.keyboard.press("Enter");
  await expect(rater).toHaveURL(/level=5/);
  await expectNoSeriousAxeViolations(rater);
  for (let i = 0; i < 80; i++) {
    await rater.keyboard.press("Tab");
    if ((await rater.evaluate(() => document.activeElement?.textContent)) === "提交评价") break;
  }
  await rater.keyboard.press("Enter");
  await expect(rater.getByText("感谢您的评价！")).toBeVisible();
  await fitsAPhone(rater);
  await context.close();
});
