import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import {
  PHONE_SCREEN,
  acceptedCase,
  citizenLogIn,
  expectNoSeriousAxeViolations,
  fitsAPhone,
  portalNow,
  staffLogIn,
  staffToken,
  waitForHydration,
} from "./helpers";

// 后台分类审批: a citizen's 退休审批 is accepted at the front desk (demo clerk03, through the API),
// then demo approver02 of 人社局 starts the review, stops the clock for a 现场勘验, resumes and
// approves — once with plain forms, once with JavaScript — and the citizen sees each step, the
// working days left and the 准予行政许可决定书. Then 电子监察: a 户口登记 case due tomorrow is in
// warning; demo supervisor02 sends 催办 and demo approver03 of 公安局 finds it on the desk. The
// journeys share the staff members' authenticators, so they run in order.

test.describe.configure({ mode: "serial" });

const RETIREMENT = "1133010000250007024000400000038";
const HOUSEHOLD_REGISTRATION = "1133010000250002364000400000033";

/** The portal's date `days` on, as a date input takes it. */
function daysOn(days: number) {
  return new Date(portalNow() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The approver's whole review of one case, on the workbench. */
async function reviewAndApprove(page: Page, caseNo: string, hydrated: boolean) {
  await staffLogIn(page, "approver02");
  // The department's queue opens on 审查中, and holds the case.
  await expect(page.getByRole("link", { name: "审查中" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText(caseNo)).toBeVisible();
  await page.goto(`/staff/cases/${caseNo}`);
  if (hydrated) await waitForHydration(page);
  await page.getByRole("button", { name: "开始审查" }).click();
  await expect(page.locator("dd").filter({ hasText: "审查中" }).first()).toBeVisible();

  // 特别程序: a bad date is named; then a 现场勘验 until the day after tomorrow.
  const suspend = page.getByRole("region", { name: "进入特别程序（暂停计时）" });
  await suspend.getByLabel("特别程序种类").selectOption("inspection");
  await suspend.getByLabel("原因").fill("核实参加工作时间的原始档案");
  await suspend.getByLabel("预计结束日期").fill("2026-01-01");
  await suspend.getByRole("button", { name: "进入特别程序" }).click();
  await expect(suspend.getByText("预计结束日期须在今天至一年之内").first()).toBeVisible();
  await expect(suspend.getByLabel("原因")).toHaveValue("核实参加工作时间的原始档案");
  await suspend.getByLabel("预计结束日期").fill(daysOn(2));
  await suspend.getByRole("button", { name: "进入特别程序" }).click();
  await expect(page.getByText("（特别程序中，计时暂停）").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "特别程序", exact: true })).toContainText("现场勘验：核实参加工作时间的原始档案");
  // axe runs inside the page, so only where JavaScript runs; the markup is the same without it.
  if (hydrated) {
    await expectNoSeriousAxeViolations(page);
    await fitsAPhone(page);
  }

  await page.getByRole("button", { name: "结束特别程序，恢复计时" }).click();
  await expect(page.getByRole("region", { name: "特别程序", exact: true })).toContainText("已于");

  // The decision needs reasons and a basis; then 准予许可.
  const decide = page.getByRole("region", { name: "作出决定" });
  await decide.getByRole("button", { name: "作出决定" }).click();
  await expect(decide.getByText("请写明准予许可的理由").first()).toBeVisible();
  await decide.getByLabel("理由", { exact: true }).fill("符合法定退休条件");
  await decide.getByLabel("法律依据").fill("《国务院关于工人退休、退职的暂行办法》第一条");
  await decide.getByRole("button", { name: "作出决定" }).click();
  await expect(page.locator("dd").filter({ hasText: "准予许可" }).first()).toBeVisible();
  await expect(page.getByText("已出具受理通知书、准予行政许可决定书。")).toBeVisible();
}

/** The citizen's side: every step of the review, the days left and the decision. */
async function citizenSeesTheReview(page: Page, citizen: { phone: string; password: string; id: string }, hydrated: boolean) {
  await citizenLogIn(page, citizen);
  await page.goto(`/applications/${citizen.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("准予许可");
  const timeline = page.getByRole("region", { name: "办理进度" });
  for (const step of ["承办部门已开始审查", "进入特别程序（现场勘验）", "特别程序结束，恢复计时", "审查完毕，决定准予许可"]) {
    await expect(timeline).toContainText(step);
  }
  // Accepted today, suspended and resumed today: one day stood still, none counted.
  await expect(page.getByText(/承诺剩余 8 个工作日/)).toBeVisible();
  await expect(page.getByRole("region", { name: "特别程序", exact: true })).toContainText("现场勘验");
  if (hydrated) {
    await expectNoSeriousAxeViolations(page);
    await fitsAPhone(page);
  }
  await page.getByRole("link", { name: "查看并打印" }).click();
  await expect(page.getByRole("article", { name: "准予行政许可决定书" })).toContainText("决定准予行政许可");
  await page.goto("/messages");
  await expect(page.getByText("办件进入特别程序（现场勘验）")).toBeVisible();
  await expect(page.getByText("办件已作出决定：准予许可")).toBeVisible();
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the approver suspends for an inspection, resumes and approves; the citizen sees each step", async ({ page, browser, request }) => {
    test.setTimeout(180_000);
    const citizen = await acceptedCase(page, request, RETIREMENT);
    await reviewAndApprove(page, citizen.caseNo, false);
    const context = await browser.newContext({ javaScriptEnabled: false });
    await citizenSeesTheReview(await context.newPage(), citizen, false);
    await context.close();
  });
});

test.describe("with JavaScript", () => {
  test("the same review with the page hydrated", async ({ page, browser, request }) => {
    test.setTimeout(180_000);
    const citizen = await acceptedCase(page, request, RETIREMENT);
    await reviewAndApprove(page, citizen.caseNo, true);
    const context = await browser.newContext();
    await citizenSeesTheReview(await context.newPage(), citizen, true);
    await context.close();
  });

  test("a supervisor sends 催办 and the responsible approver sees it", async ({ page, browser, request }) => {
    test.setTimeout(180_000);
    // 户口登记 promises one working day: accepted today, it is in warning at once.
    const citizen = await acceptedCase(page, request, HOUSEHOLD_REGISTRATION);
    const context = await browser.newContext({ viewport: PHONE_SCREEN });
    const supervisor = await context.newPage();
    await staffLogIn(supervisor, "supervisor02");
    await supervisor.goto("/staff/supervision");
    const line = supervisor.getByRole("listitem").filter({ hasText: citizen.caseNo });
    await expect(line).toContainText("【预警】户口登记（出生登记）");
    await expect(line).toContainText("示范市公安局");
    await expect(line).toContainText("郑*");
    await expectNoSeriousAxeViolations(supervisor);
    await line.getByLabel(`催办要求（${citizen.caseNo}）`).fill("明日到期，请今日内办结");
    await line.getByRole("button", { name: "催办" }).click();
    await expect(supervisor.getByText(`已催办办件 ${citizen.caseNo}`)).toBeVisible();
    await context.close();

    await staffLogIn(page, "approver03");
    const reminders = page.getByRole("region", { name: /督办提醒/ });
    await expect(reminders).toContainText(citizen.caseNo);
    await reminders.getByRole("link", { name: "户口登记（出生登记）" }).first().click();
    await expect(page.getByRole("alert").filter({ hasText: "督办提醒：明日到期，请今日内办结" })).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await fitsAPhone(page);
  });
});
