import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, totp } from "./helpers";

// Phone first, elder first: every page on a 360 px screen in both display modes, signed out,
// as a citizen with a draft and a receipt, and as staff.

const BIRTH_CERTIFICATE = "1133010000250005004000400000031";
const MODES = ["standard", "elder"] as const;
const PHONE_SCREEN = { width: 360, height: 740 };

const PUBLIC_PAGES = [
  "/",
  "/accessibility",
  "/items",
  "/items?q=营业执照",
  `/items/${BIRTH_CERTIFICATE}`,
  "/packages/kaiban-qiye",
  "/halls",
  `/apply/${BIRTH_CERTIFICATE}`,
  "/apply/package/kaiban-qiye",
  "/progress",
  "/login",
  "/login?as=business",
  "/register",
  "/register?as=business",
  "/staff/login",
  "/no-such-page",
];

/** A fresh citizen with a draft (a form with every kind of field) and a submitted case. */
async function citizenWithCases(request: APIRequestContext) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `320106198${Math.floor(Math.random() * 10)}0303${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const idNumber = body + "10X98765432"[sum % 11];
  const phone = `136${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const password = "orchard2026";
  const registered = await request.post("/api/v1/auth/register", {
    data: { kind: "citizen", id_number: idNumber, name: "孙八", phone, password },
  });
  expect(registered.status()).toBe(201);
  const login = await request.post("/api/v1/auth/login", { data: { account: phone, password } });
  const token = (await login.json()).token as string;
  const headers = { Authorization: `Bearer ${token}` };
  const start = async (data: object) => {
    const response = await request.post("/api/v1/applications", { headers, data });
    expect(response.status()).toBe(201);
    return response.json();
  };
  const draft = await start({ item_code: BIRTH_CERTIFICATE });
  const packageDraft = await start({ package_id: "ershoufang-guohu" });
  const sent = await start({ item_code: BIRTH_CERTIFICATE });
  const upload = await request.post("/api/v1/documents", {
    headers,
    multipart: {
      file: { name: "父母身份证.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% ids\n%%EOF\n") },
    },
  });
  const document = await upload.json();
  const saved = await request.put(`/api/v1/applications/${sent.id}`, {
    headers,
    data: {
      answers: {
        contact_address: "示范市人民大道1号3幢201室",
        newborn_name: "孙小满",
        newborn_sex: "女",
        birth_date: "2026-11-01",
        birth_hospital: "示范市妇幼保健院",
      },
      materials: { parents_id: { kind: "document", document_id: document.id } },
    },
  });
  expect(saved.status()).toBe(200);
  const submitted = await request.post(`/api/v1/applications/${sent.id}/submit`, { headers });
  expect(submitted.status()).toBe(201);
  const caseNo = (await submitted.json()).case_no as string;
  return { phone, password, caseNo, pages: [`/applications/${draft.id}`, `/applications/${packageDraft.id}`, `/applications/${sent.id}`, `/applications/${sent.id}/withdraw`, `/applications/${sent.id}/notices`] };
}

async function logIn(page: Page, account: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("公民身份号码或手机号码").fill(account);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/me$/);
}

/** How far the page reaches past the screen's right edge, and what sticks out. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
    return { by: document.documentElement.scrollWidth - width, wide };
  });
}

async function expectToFit(page: Page, path: string, mode: string) {
  await page.goto(path);
  const { by, wide } = await overflow(page);
  expect(by, `${path} in ${mode} mode is ${by}px too wide: ${wide.join(", ")}`).toBeLessThanOrEqual(0);
}

test.describe("on a 360 px phone", () => {
  test.use({ viewport: PHONE_SCREEN });

  for (const mode of MODES) {
    test(`every public page fits in ${mode} mode`, async ({ page, baseURL }) => {
      await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
      for (const path of PUBLIC_PAGES) await expectToFit(page, path, mode);
    });

    test(`every page of a signed-in citizen fits in ${mode} mode`, async ({ page, baseURL, request }) => {
      test.setTimeout(90_000);
      const citizen = await citizenWithCases(request);
      await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
      await logIn(page, citizen.phone, citizen.password);
      for (const path of ["/me", "/messages", "/applications", ...citizen.pages, ...PUBLIC_PAGES.slice(0, 3)]) {
        await expectToFit(page, path, mode);
      }
      for (const path of ["/me", "/messages", "/applications", citizen.pages[1]]) {
        await page.goto(path);
        await expectNoSeriousAxeViolations(page);
      }
      await page.goto("/applications");
      // 我的办件 shows each case as a card: the item's name is not squeezed to a column.
      const name = page.locator("td[data-label=事项]").first();
      expect((await name.boundingBox())!.width).toBeGreaterThan(150);
    });
  }

  test("the header menu opens without JavaScript and 退出登录 sits apart from the mode switch", async ({ browser, request }) => {
    const citizen = await citizenWithCases(request);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_SCREEN });
    const page = await context.newPage();
    await logIn(page, citizen.phone, citizen.password);
    const banner = page.getByRole("banner");
    // Closed, the header is one row; the menu holds the navigation and the person's own links.
    expect((await banner.boundingBox())!.height).toBeLessThan(120);
    await expect(banner.getByRole("link", { name: "我的办件" })).toBeHidden();
    await banner.getByText("菜单").click();
    await expect(banner.getByRole("link", { name: "我的办件" })).toBeVisible();
    await expect(banner.getByText("孙八", { exact: true })).toBeVisible();
    const logout = await banner.getByRole("button", { name: "退出登录" }).boundingBox();
    const toggle = await banner.getByRole("link", { name: "适老化模式" }).boundingBox();
    expect(logout!.y - (toggle!.y + toggle!.height), "apart by more than a finger").toBeGreaterThan(48);
    await context.close();
  });

  test("the staff pages fit too, with their own navigation and the enrolment's QR code", async ({ page, baseURL, request }) => {
    test.setTimeout(90_000);
    const citizen = await citizenWithCases(request);
    await page.goto("/staff/login");
    await page.getByLabel("用户名").fill("supervisor01");
    await page.getByLabel("密码").fill("Demo-Staff-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/staff\/totp$/);
    await expect(page.getByRole("img", { name: /动态口令绑定二维码/ })).toBeVisible();
    await expectToFit(page, "/staff/totp", "standard");
    const secret = (await page.locator("code.secret").first().textContent())!.trim();
    await page.getByLabel("动态口令").fill(totp(secret));
    await page.getByRole("button", { name: "完成绑定" }).click();
    await expect(page).toHaveURL(/\/staff$/);
    for (const mode of MODES) {
      await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
      for (const path of ["/staff", "/staff?queue=all", `/staff/cases/${citizen.caseNo}`, `/staff/cases/${citizen.caseNo}/notices`, "/staff/window", "/staff/supervision"]) {
        await expectToFit(page, path, mode);
        await expectNoSeriousAxeViolations(page);
      }
    }
    // The supervisor reads every case, and the case page names the applicant masked.
    await page.goto(`/staff/cases/${citizen.caseNo}`);
    await expect(page.getByText("孙*")).toBeVisible();
    const banner = page.getByRole("banner");
    await banner.getByText("菜单").click();
    await expect(banner.getByRole("link", { name: "工作台" })).toBeVisible();
    await expect(banner.getByRole("link", { name: "办事服务" })).toHaveCount(0);
    await expect(page.getByText("大厅 city")).toHaveCount(0);
  });

  test("the catalog shows its results before the filters", async ({ page }) => {
    await page.goto("/items");
    const firstResult = await page.locator(".item-card").first().boundingBox();
    expect(firstResult!.y).toBeLessThan(PHONE_SCREEN.height);
    await expect(page.getByRole("navigation", { name: "部门" })).toBeHidden();
    await page.getByText("筛选条件").click();
    await expect(page.getByRole("navigation", { name: "部门" })).toBeVisible();
  });
});

test.describe("适老化", () => {
  test.use({ viewport: PHONE_SCREEN });

  test("every link, button and field is at least 48 px high", async ({ page, baseURL }) => {
    await page.context().addCookies([{ name: "display_mode", value: "elder", url: baseURL! }]);
    for (const path of ["/", "/items", `/items/${BIRTH_CERTIFICATE}`, "/progress", "/login", "/register", "/halls"]) {
      await page.goto(path);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll("a, button, input, select, textarea, summary")]
          .filter((e) => {
            const box = e.getBoundingClientRect();
            const style = getComputedStyle(e);
            const shown = box.width > 0 && style.visibility !== "hidden" && !e.closest("[hidden]");
            const skipLink = e.classList.contains("skip-link");
            return shown && !skipLink && (e as HTMLInputElement).type !== "hidden" && box.height < 48;
          })
          .map((e) => `${e.tagName.toLowerCase()} “${(e.textContent || (e as HTMLInputElement).name || "").trim().slice(0, 20)}” ${Math.round(e.getBoundingClientRect().height)}px`),
      );
      expect(small, path).toEqual([]);
    }
  });

  test("a guide's first screen shows no internal codes", async ({ page, baseURL }) => {
    await page.context().addCookies([{ name: "display_mode", value: "elder", url: baseURL! }]);
    await page.goto(`/items/${BIRTH_CERTIFICATE}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const codes = page.getByText("实施编码");
    await expect(codes).toHaveCount(1);
    expect((await codes.boundingBox())!.y, "the codes sit below the first screen").toBeGreaterThan(PHONE_SCREEN.height);
    await expect(page.getByRole("heading", { name: "更多信息" })).toBeAttached();
  });

  test("the mode survives logging in and out", async ({ page, baseURL, request }) => {
    const citizen = await citizenWithCases(request);
    await page.context().addCookies([{ name: "display_mode", value: "elder", url: baseURL! }]);
    await logIn(page, citizen.phone, citizen.password);
    await expect(page.locator("html")).toHaveClass(/mode-elder/);
    await page.getByRole("banner").getByText("菜单").click();
    await page.getByRole("banner").getByRole("button", { name: "退出登录" }).click();
    await expect(page.locator("html")).toHaveClass(/mode-elder/);
  });

  for (const mode of MODES) {
    test(`the forms' pages have no serious accessibility violations in ${mode} mode`, async ({ page, baseURL }) => {
      await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
      for (const path of ["/login", "/login?as=business", "/register", "/register?as=business", "/progress", "/staff/login", `/apply/${BIRTH_CERTIFICATE}`]) {
        await page.goto(path);
        await expectNoSeriousAxeViolations(page);
      }
    });
  }
});

test.describe("朗读", () => {
  test("the button reads the guide aloud with JavaScript", async ({ page }) => {
    await page.goto(`/items/${BIRTH_CERTIFICATE}`);
    await expect(page.getByRole("button", { name: "朗读" })).toBeVisible();
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("there is no button that could not work", async ({ page }) => {
      await page.goto(`/items/${BIRTH_CERTIFICATE}`);
      await expect(page.getByRole("button", { name: "朗读" })).toBeHidden();
    });
  });
});
