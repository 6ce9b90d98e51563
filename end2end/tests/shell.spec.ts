import { expect, test } from "@playwright/test";
import { expectNoSeriousAxeViolations, waitForHydration } from "./helpers";

test.describe("with JavaScript", () => {
  test("the home page loads and hydrates; the 适老化 switch works in place", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("一网通办，最多跑一次");
    await waitForHydration(page);

    // A marker on window survives only if the click does not reload the page.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const toggle = page.getByRole("banner").getByRole("link", { name: "适老化模式" });
    await toggle.click();
    await expect(page.locator("html")).toHaveClass(/mode-elder/);
    await expect(page.getByRole("banner").getByRole("link", { name: "退出适老化" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    // The choice is kept in a cookie and rendered by the server on the next visit.
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/mode-elder/);
    await waitForHydration(page);
    await page.getByRole("banner").getByRole("link", { name: "退出适老化" }).click();
    await expect(page.locator("html")).toHaveClass(/mode-standard/);
  });

  test("the skip link is the first stop and moves focus to the content", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "跳到主要内容" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
  });

  test("a 360 px phone needs no sideways scrolling", async ({ page, baseURL }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const mode of ["standard", "elder"]) {
      await page.context().addCookies([
        { name: "display_mode", value: mode, url: baseURL! },
      ]);
      await page.goto("/");
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `mode ${mode}`).toBeLessThanOrEqual(0);
    }
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the home page is complete and the 适老化 switch works as a link", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("一网通办，最多跑一次");
    await expect(page.getByRole("navigation", { name: "主导航" }).getByRole("link")).toHaveText([
      "办事服务",
      "我要预约",
      "办件查询",
      "好差评",
      "我的",
    ]);
    await expect(page.getByRole("link", { name: /个人办事/ })).toBeVisible();
    await expect(page.getByRole("link", { name: /法人办事/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "开办企业一件事" })).toBeVisible();
    await expect(page.getByRole("contentinfo")).toContainText("网站标识码");
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");

    await page.getByRole("banner").getByRole("link", { name: "适老化模式" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator("html")).toHaveClass(/mode-elder/);
    await expect(page.getByRole("banner").getByRole("link", { name: "退出适老化" })).toBeVisible();
  });

  test("the search box submits as a plain form", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("搜索办事事项").fill("营业执照");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect(page).toHaveURL(/\/items\?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7/);
  });
});

test.describe("accessibility (axe-core)", () => {
  for (const mode of ["standard", "elder"]) {
    for (const path of ["/", "/accessibility", "/no-such-page"]) {
      test(`${path} in ${mode} mode has no serious violations`, async ({ page, baseURL }) => {
        await page.context().addCookies([{ name: "display_mode", value: mode, url: baseURL! }]);
        await page.goto(path);
        await expectNoSeriousAxeViolations(page);
      });
    }
  }
});
