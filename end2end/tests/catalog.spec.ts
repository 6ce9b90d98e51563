import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, waitForHydration } from "./helpers";

const GUIDE = "/items/11330100002500010U4000100000001";

async function searchFromHomeToGuide(page: Page) {
  await page.goto("/");
  await page.getByLabel("搜索办事事项").fill("营业执照");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("“营业执照”的搜索结果");
  const first = page.locator(".item-card").first();
  await expect(first.getByRole("heading")).toHaveText("企业设立登记");
  await expect(first.getByRole("link", { name: /在线办理\s*：企业设立登记/ })).toBeVisible();
  await first.getByRole("link", { name: /查看指南\s*：企业设立登记/ }).click();
  await expect(page).toHaveURL(new RegExp(`${GUIDE}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("企业设立登记");
  await expect(page).toHaveTitle(/企业设立登记办事指南/);
  await expect(page.locator(".estimate")).toContainText(/今天申请，承诺 1 个工作日，预计 \d{4}年\d{1,2}月\d{1,2}日 前办结/);
  for (const section of ["基本信息", "申请条件", "申请材料（5 项）", "办理流程", "设定依据", "办理地点和时间", "常见问题"]) {
    await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
  }
  await expect(page.getByText("告知承诺：可签署承诺书代替本材料")).toBeVisible();
}

test("search from the home page to a guide, with JavaScript", async ({ page }) => {
  await searchFromHomeToGuide(page);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search from the home page to a guide", async ({ page }) => {
    await searchFromHomeToGuide(page);
  });

  test("the catalog filters are plain links", async ({ page }) => {
    await page.goto("/items");
    await page.getByRole("navigation", { name: "服务对象" }).getByRole("link", { name: "法人办事" }).click();
    await expect(page).toHaveURL(/applicant_type=business/);
    await page.getByRole("navigation", { name: "主题" }).getByRole("link", { name: "开办企业" }).click();
    await expect(page).toHaveURL(/applicant_type=business&topic=/);
    await expect(page.locator(".item-card h3")).toContainText(["企业设立登记", "食品经营许可"]);
    await expect(page.locator(".item-card h3", { hasText: "结婚登记" })).toHaveCount(0);
  });

  test("施工 finds the construction permit", async ({ page }) => {
    await page.goto("/items?q=施工");
    await expect(page.locator(".item-card h3").first()).toHaveText("建筑工程施工许可");
  });

  test("a package lists its stages and one merged set of materials", async ({ page }) => {
    await page.goto("/packages/gongcheng-jianshe");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("工程建设项目审批一件事");
    for (const stage of ["立项", "用地规划", "施工许可", "竣工验收"]) {
      await expect(page.getByRole("heading", { level: 3, name: stage, exact: true })).toBeVisible();
    }
    await page.goto("/packages/kaiban-qiye");
    await expect(page.getByRole("rowheader", { name: "营业执照" })).toHaveCount(1);
  });

  test("the halls page shows noon and weekend hours", async ({ page }) => {
    await page.goto("/halls");
    await expect(page.getByRole("heading", { level: 2 })).toHaveText([
      "示范市民中心（市政务服务中心）",
      "东湖区政务服务中心",
      "东湖区青山街道便民服务中心",
    ]);
    await expect(page.getByText("12:00-13:30").first()).toBeVisible();
    await expect(page.getByText(/5\+X/).first()).toBeVisible();
  });
});

test("the guide prints cleanly on A4", async ({ page }) => {
  await page.goto(GUIDE);
  await waitForHydration(page);
  await expect(page.getByRole("button", { name: "打印指南" })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 718, height: 1000 }); // A4 minus the page margins at 96 dpi
  await expect(page.getByRole("banner")).toBeHidden();
  await expect(page.getByRole("contentinfo")).toBeHidden();
  await expect(page.getByRole("link", { name: "在线办理" })).toBeHidden();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "设定依据" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  expect(pdf.byteLength).toBeGreaterThan(10_000);
});

test.describe("accessibility of catalog pages (axe-core)", () => {
  for (const mode of ["standard", "elder"]) {
    for (const path of ["/items", "/items?q=营业执照", GUIDE, "/packages/kaiban-qiye", "/halls"]) {
      test(`${path} in ${mode} mode`, async ({ page, baseURL }) => {
        await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
        await page.goto(path);
        await expectNoSeriousAxeViolations(page);
      });
    }
  }
});
