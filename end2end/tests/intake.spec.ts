import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectNoSeriousAxeViolations, totp } from "./helpers";

// 一窗受理: a citizen submits online, the clerk of the item's hall and zone (demo clerk02, 市民中心
// 社会类分区) accepts it on the workbench with plain forms, and the citizen sees 已受理, the working
// days left and the message.

const HOUSEHOLD_REGISTRATION = "1133010000250002364000400000033";

/** A plausible answer for every required question, read off the form schema as a client would. */
function answersFor(form: { fields: any[] }, prefilled: Record<string, unknown>) {
  const answers: Record<string, unknown> = {};
  for (const field of form.fields) {
    if (field.required === false || prefilled[field.key] != null) continue;
    answers[field.key] = {
      number: String(Math.max(1, field.min ?? 1)),
      date: "2026-11-02",
      select: field.options?.[0],
      checkboxes: [field.options?.[0]],
      address: "示范市人民大道1号3幢201室",
      phone: "13800138000",
      id_number: "440304198503150028",
      group: [],
    }[field.type as string] ?? "测试填写内容";
  }
  return answers;
}

async function submittedCase(request: APIRequestContext) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `350102198${Math.floor(Math.random() * 10)}0404${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const idNumber = body + "10X98765432"[sum % 11];
  const phone = `135${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const password = "lantern2026";
  expect(
    (await request.post("/api/v1/auth/register", {
      data: { kind: "citizen", id_number: idNumber, name: "吴九", phone, password },
    })).status(),
  ).toBe(201);
  const login = await request.post("/api/v1/auth/login", { data: { account: phone, password } });
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const draft = await (await request.post("/api/v1/applications", { headers, data: { item_code: HOUSEHOLD_REGISTRATION } })).json();
  const materials: Record<string, unknown> = {};
  for (const material of draft.materials) {
    if (!material.required) continue;
    const upload = await request.post("/api/v1/documents", {
      headers,
      multipart: { file: { name: `${material.name}.pdf`, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% scan\n") } },
    });
    materials[material.code] = { kind: "document", document_id: (await upload.json()).id };
  }
  const saved = await request.put(`/api/v1/applications/${draft.id}`, {
    headers,
    data: { answers: answersFor(draft.form, draft.answers), materials },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  const submitted = await request.post(`/api/v1/applications/${draft.id}/submit`, { headers });
  expect(submitted.status(), await submitted.text()).toBe(201);
  return { phone, password, id: draft.id as string, caseNo: (await submitted.json()).case_no as string };
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the clerk accepts an online case and the citizen sees it accepted", async ({ page, browser, request }) => {
    test.setTimeout(90_000);
    const citizen = await submittedCase(request);

    await page.goto("/staff/login");
    await page.getByLabel("用户名").fill("clerk02");
    await page.getByLabel("密码").fill("Demo-Staff-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/staff\/totp$/);
    const secret = (await page.locator("code.secret").first().textContent())!.trim();
    await page.getByLabel("动态口令").fill(totp(secret));
    await page.getByRole("button", { name: "完成绑定" }).click();
    await expect(page).toHaveURL(/\/staff$/);

    // The queue holds the case, the applicant masked.
    const row = page.getByRole("row").filter({ hasText: citizen.caseNo });
    await expect(row).toContainText("吴*");
    await expect(row).toContainText("受理后开始计时");
    await row.getByRole("link", { name: "户口登记（出生登记）" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(citizen.caseNo);

    // Accepting without ticking the review point is refused, naming the point.
    await page.getByRole("button", { name: "受理", exact: true }).click();
    await expect(page.locator(".error-summary")).toContainText("请核对“落户方户口簿”");
    await expect(page.locator(".error-summary")).toBeFocused();
    await page.getByLabel(/户口簿户主页与本人页齐全/).check();
    await page.getByRole("button", { name: "受理", exact: true }).click();
    await expect(page.getByText("已受理").first()).toBeVisible();
    await expect(page.getByText(/承诺剩余 1 个工作日/)).toBeVisible();
    await expect(page.getByRole("button", { name: "受理", exact: true })).toHaveCount(0);

    // The citizen sees the acceptance, the time left, and the message.
    const context = await browser.newContext({ javaScriptEnabled: true });
    const mine = await context.newPage();
    await mine.goto("/login");
    await mine.getByLabel("公民身份号码或手机号码").fill(citizen.phone);
    await mine.getByLabel("密码").fill(citizen.password);
    await mine.getByRole("button", { name: "登录" }).click();
    await mine.goto(`/applications/${citizen.id}`);
    await expect(mine.getByRole("heading", { level: 1 })).toContainText("已受理");
    await expect(mine.getByText(/承诺剩余 1 个工作日/)).toBeVisible();
    await expectNoSeriousAxeViolations(mine);
    await mine.goto("/messages");
    await expect(mine.getByText("申请已受理")).toBeVisible();
    await mine.goto("/me");
    await expect(mine.getByRole("cell", { name: "查看办件" }).first()).toBeAttached();
    await context.close();
  });
});
