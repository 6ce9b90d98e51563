import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, totp, waitForHydration } from "./helpers";

/** A fresh, valid resident ID number (GB 11643) and phone, so runs never collide. */
function freshCitizen() {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const checks = "10X98765432";
  const serial = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
  const body = `110105199${Math.floor(Math.random() * 10)}0615${serial}`;
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  return { idNumber: body + checks[sum % 11], phone };
}

async function logIn(page: Page, account: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("公民身份号码或手机号码").fill(account);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

test.describe("with JavaScript", () => {
  test("register, log in, see the masked ID, reveal it on purpose, log out", async ({ page }) => {
    const { idNumber, phone } = freshCitizen();
    await page.goto("/register");
    await waitForHydration(page);
    await expectNoSeriousAxeViolations(page);

    // The ID field checks itself while typing, with the same rule the server applies.
    const idField = page.getByLabel("公民身份号码");
    const wrongCheckDigit = idNumber.slice(0, 17) + (idNumber[17] === "0" ? "1" : "0");
    await idField.fill(wrongCheckDigit);
    await expect(page.getByText("校验位错误，请核对号码是否输入正确")).toBeVisible();
    await idField.fill(idNumber.toLowerCase());
    await expect(page.getByText("校验位错误，请核对号码是否输入正确")).toHaveCount(0);

    await page.getByLabel("姓名").fill("赵六");
    await page.getByLabel("手机号码").fill(phone);
    await page.getByLabel("设置密码").fill("harbour2026");
    await page.getByRole("button", { name: "注册" }).click();
    // Registration signs the person in.
    await expect(page).toHaveURL(/\/me\?registered=citizen$/);
    await expect(page.getByText("注册成功，已为您登录。")).toBeVisible();
    await waitForHydration(page);

    const masked = `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
    await expect(page.getByText(masked)).toBeVisible();
    expect(await page.content()).not.toContain(idNumber);
    // One's own name, in full, in one's own header.
    await expect(page.getByRole("banner").getByText("赵六", { exact: true })).toBeVisible();
    await expectNoSeriousAxeViolations(page);

    await page.getByRole("button", { name: "显示完整号码" }).click();
    await expect(page.getByText(idNumber)).toBeVisible();
    await expect(page.getByRole("cell", { name: "查看完整证件号码" }).first()).toBeVisible();

    await page.getByRole("banner").getByRole("button", { name: "退出登录" }).click();
    await expect(page.getByRole("banner").getByRole("link", { name: "登录" })).toBeVisible();
    await page.goto("/me");
    await expect(page.getByText("请先登录后查看个人档案。")).toBeVisible();

    await logIn(page, phone, "harbour2026");
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByText(masked)).toBeVisible();
  });

  test("a staff member enrols the authenticator at first login", async ({ page }) => {
    await page.goto("/staff/login");
    await expectNoSeriousAxeViolations(page);
    await page.getByLabel("用户名").fill("admin01");
    await page.getByLabel("密码").fill("Demo-Staff-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/staff\/totp$/);
    await expectNoSeriousAxeViolations(page);
    const secret = (await page.locator("code.secret").first().textContent())!.trim();
    await page.getByLabel("动态口令").fill(totp(secret));
    await page.getByRole("button", { name: "完成绑定" }).click();
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.getByRole("heading", { name: "工作人员账号" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "clerk01" })).toBeVisible();
    await expectNoSeriousAxeViolations(page);

    // The account admin01 creates has a one-time password: its first login replaces it before
    // the authenticator can be bound.
    const username = `clerk${Date.now() % 100000}`;
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("姓名").fill("陈晓燕");
    await page.getByLabel("大厅编号（窗口、出件人员）").fill("city");
    await page.getByLabel(/^分区/).fill("economic");
    await page.getByLabel("初始密码").fill("Given-By-Admin-2026");
    await page.getByRole("button", { name: "创建" }).click();
    await expect(page.getByRole("cell", { name: username })).toBeVisible();
    await page.getByRole("banner").getByRole("button", { name: "退出登录" }).click();

    await page.goto("/staff/login");
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("密码").fill("Given-By-Admin-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/staff\/totp$/);
    await expect(page.getByText("首次登录须先将管理员设置的初始密码改为只有您知道的密码")).toBeVisible();
    await expect(page.locator("code.secret")).toHaveCount(0);
    await expectNoSeriousAxeViolations(page);
    await page.getByLabel("初始密码").fill("Given-By-Admin-2026");
    await page.getByLabel("新密码").fill("Only-I-Know-2026");
    await page.getByRole("button", { name: "修改密码" }).click();
    await expect(page.getByRole("img", { name: /动态口令绑定二维码/ })).toBeVisible();
    const ownSecret = (await page.locator("code.secret").first().textContent())!.trim();
    await page.getByLabel("动态口令").fill(totp(ownSecret));
    await page.getByRole("button", { name: "完成绑定" }).click();
    await expect(page).toHaveURL(/\/staff$/);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the demo citizen logs in, sees only masked numbers and logs out", async ({ page }) => {
    await logIn(page, "13900139000", "Demo2026pass");
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByText("440304********0028")).toBeVisible();
    expect(await page.content()).not.toContain("440304198503150028");
    await page.getByRole("banner").getByRole("button", { name: "退出登录" }).click();
    await expect(page.getByRole("banner").getByRole("link", { name: "登录" })).toBeVisible();
  });

  test("a wrong password is named without losing the account typed", async ({ page }) => {
    await logIn(page, "13900139000", "not-the-password1");
    await expect(page.getByRole("alert")).toContainText("账号或密码错误");
    // The summary has focus and the title says it first, without any script.
    await expect(page.locator(".error-summary")).toBeFocused();
    await expect(page).toHaveTitle(/^错误：登录/);
    await expect(page.getByLabel("公民身份号码或手机号码")).toHaveValue("13900139000");
  });
});
