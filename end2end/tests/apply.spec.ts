import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, portalDate } from "./helpers";

const BIRTH_CERTIFICATE = "1133010000250005004000400000031";

/** Registers a fresh citizen through the API and logs in through the page. */
async function freshCitizenLoggedIn(page: Page) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `330106198${Math.floor(Math.random() * 10)}0101${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const idNumber = body + "10X98765432"[sum % 11];
  const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const response = await page.request.post("/api/v1/auth/register", {
    data: { kind: "citizen", id_number: idNumber, name: "钱七", phone, password: "meadow2026" },
  });
  expect(response.status()).toBe(201);
  await page.goto("/login?next=/items/" + BIRTH_CERTIFICATE);
  await page.getByLabel("公民身份号码或手机号码").fill(phone);
  await page.getByLabel("密码").fill("meadow2026");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(new RegExp(`/items/${BIRTH_CERTIFICATE}$`));
}

/** `audit`: run axe-core on each step (it needs JavaScript in the page, so not in no-JS runs). */
async function applyWithAMissingMaterialThenFixIt(page: Page, audit: boolean) {
  // The whole journey, from login to 撤回, with an accessibility audit at every step.
  test.setTimeout(120_000);
  await freshCitizenLoggedIn(page);
  await page.getByRole("link", { name: "在线办理" }).first().click();
  await page.getByRole("button", { name: "开始填写" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("申请：出生医学证明");
  await expect(page.getByLabel("申请人姓名")).toHaveValue("钱七");
  if (audit) await expectNoSeriousAxeViolations(page);

  // First attempt: almost nothing filled in, no material — every problem at once.
  await page.getByLabel("新生儿性别").selectOption("女");
  await page.getByRole("button", { name: "提交申请" }).click();
  const summary = page.getByRole("alert");
  await expect(summary).toContainText("预审发现 5 个问题");
  await expect(summary).toContainText("请填写出生日期");
  await expect(summary).toContainText("缺少“父母双方身份证件”");
  await expect(page.getByLabel("新生儿性别")).toHaveValue("女");
  // The problems have focus and the title says so first, with or without JavaScript.
  await expect(page.locator(".error-summary").first()).toBeFocused();
  await expect(page).toHaveTitle(/^错误：/);
  if (audit) await expectNoSeriousAxeViolations(page);

  // 在线办理 again offers this draft instead of starting a second one.
  const draftUrl = page.url();
  await page.goto(`/apply/${BIRTH_CERTIFICATE}`);
  await expect(page.getByRole("heading", { name: "您已有 1 份未提交的草稿" })).toBeVisible();
  await page.getByRole("link", { name: "继续填写这份草稿" }).click();
  await expect(page).toHaveURL(draftUrl);
  await expect(page.getByLabel("新生儿性别")).toHaveValue("女");

  // A file of the wrong kind is one more problem, named with its material; the others stay.
  await page.locator('input[name="material.parents_id.file"]').setInputFiles({
    name: "说明.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("not a scan"),
  });
  const refused = "“父母双方身份证件”的文件“说明.txt”未能上传";
  if (audit) {
    await expect(page.locator(".live-form__status")).toContainText(refused);
  } else {
    await page.getByRole("button", { name: "预审检查" }).click();
    await expect(page.getByRole("alert").first()).toContainText(refused);
    await expect(page.getByRole("alert").first()).toContainText("请填写出生日期");
  }

  await page.getByLabel("联系地址").fill("示范市人民大道1号3幢201室");
  await page.getByLabel("新生儿姓名").fill("钱小禾");
  const live = page.locator(".live-form__status");
  if (audit) {
    // With WASM the pre-review answers as the reader types, before any submit.
    await expect(live).toContainText(/实时预审：还有 \d+ 个问题/);
    await expect(live).toContainText("请填写出生日期");
  }
  await page.getByLabel("出生日期").fill("2026-11-01");
  await page.getByLabel("出生医院").selectOption("示范市妇幼保健院");
  await page.locator('input[name="material.parents_id.file"]').setInputFiles({
    name: "父母身份证.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7\n% parents' ID cards\n%%EOF\n"),
  });
  if (audit) {
    // The file went up at once and the draft saved itself: nothing is left to fix.
    await expect(live).toContainText("实时预审：暂未发现问题，可以提交。");
    await expect(live).toContainText("草稿已自动保存");
    await expectNoSeriousAxeViolations(page);
    // Opening the page again (a GET, not a repeat of the earlier post) shows what was saved.
    await page.goto(page.url());
    await expect(page.getByLabel("新生儿姓名")).toHaveValue("钱小禾");
    await expect(page.getByText(/已上传：父母身份证\.pdf（\d+ KB）/)).toBeVisible();
  }
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.getByRole("heading", { name: "申请已提交" })).toBeVisible();
  await expect(page.locator(".case-no")).toHaveText(new RegExp(`^${BIRTH_CERTIFICATE}\\d{12}$`));
  // The case is dated by the portal's clock, which the test command stood on a working morning.
  if (portalDate) {
    await expect(page.locator(".case-no")).toContainText(portalDate.replaceAll("-", ""));
  }
  await expect(page.getByText("受理回执")).toBeVisible();
  await expect(page.getByRole("img", { name: "办件进度查询二维码" })).toBeVisible();
  if (audit) await expectNoSeriousAxeViolations(page);

  // The receipt's link opens the public lookup with the number filled in.
  const caseNo = (await page.locator(".case-no").textContent())!.trim();
  await page.locator(`a[href="/progress?case_no=${caseNo}"]`).click();
  await expect(page.getByLabel("办件编号")).toHaveValue(caseNo);
  await page.getByLabel("申请人姓名或单位名称").fill("钱七");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.locator("section[role=status]")).toContainText("钱*");
  await expect(page.locator("section[role=status]")).toContainText("已提交，待受理");
  if (audit) await expectNoSeriousAxeViolations(page);

  await page.goto("/applications");
  await expect(page.getByRole("cell", { name: "已提交，待受理" })).toBeVisible();

  // 撤回 asks first, on a page of its own.
  await page.getByRole("link", { name: "出生医学证明" }).first().click();
  await page.getByRole("link", { name: "撤回申请" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("确认撤回申请");
  if (audit) await expectNoSeriousAxeViolations(page);
  await page.getByRole("button", { name: "确认撤回" }).click();
  await expect(page.getByText("已撤回").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "撤回申请" })).toHaveCount(0);
}

test("a citizen applies, hears every problem at once, fixes them and gets the receipt", async ({ page }) => {
  await applyWithAMissingMaterialThenFixIt(page, true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same application works with plain forms", async ({ page }) => {
    await applyWithAMissingMaterialThenFixIt(page, false);
  });
});
