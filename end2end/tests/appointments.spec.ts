import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import {
  citizenLogIn,
  expectNoSeriousAxeViolations,
  fitsAPhone,
  idNumber,
  staffLogIn,
  staffToken,
  waitForHydration,
} from "./helpers";

// 预约 and 取号叫号 on Monday 2026-12-07 at 10:00: a citizen books the city hall's social zone
// step by step, sees the booking in 我的预约, checks in at the hall's kiosk, demo clerk04 calls
// the ticket to window 5, and the hall display and the citizen's ticket page say so — once with
// plain pages, once with JavaScript (the display then updates live). The kiosk and the display
// are devices demo admin02 provisions. The journeys share clerk04's authenticator: serial.

test.describe.configure({ mode: "serial" });
// Staff log in with one-time codes: a second login of the same person waits for the next step.
test.setTimeout(180_000);


async function newCitizen(request: APIRequestContext) {
  const phone = `135${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const password = "harbour2026";
  const registered = await request.post("/api/v1/auth/register", {
    data: { kind: "citizen", id_number: idNumber(), name: "钱八", phone, password },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  return { phone, password };
}

/** A kiosk or display token of the city hall, provisioned by admin02 through the API. */
async function provision(request: APIRequestContext, admin: Record<string, string>, kind: "kiosk" | "display") {
  const created = await request.post("/api/v1/staff/devices", {
    headers: admin,
    data: { hall_id: "city", kind, label: kind === "kiosk" ? "一楼东门自助区 1 号机" : "一楼大厅叫号屏" },
  });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()).token as string;
}

/** A browser context that is a hall device: the token entered once on /devices/activate. */
async function deviceBrowser(browser: Browser, token: string, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/devices/activate");
  await page.getByLabel("设备令牌").fill(token);
  await page.getByRole("button", { name: "启用" }).click();
  return page;
}

/**
 * Books the social zone of the city hall today, the next slot to begin (its check-in is open
 * already: it opens 30 minutes before), on 我要预约; returns the booking code.
 */
async function bookToday(page: Page) {
  await page.goto("/appointments/new");
  await page.getByRole("link", { name: /示范市民中心/ }).click();
  await page.getByRole("link", { name: "社会类窗口" }).click();
  await page.getByRole("link", { name: /^12-07 周一/ }).click();
  await page.locator(".slot input[type=radio]").first().check();
  await page.getByRole("button", { name: "确认预约" }).click();
  await expect(page.getByRole("heading", { name: "预约详情" })).toBeVisible();
  await expect(page.locator("dd").filter({ hasText: "已预约" })).toBeVisible();
  const code = (await page.locator(".booking-code__text").first().textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{8}$/);
  return code;
}

test("without JavaScript: book, check in at the kiosk, be called, see it on the display", async ({ browser, request }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const citizen = await newCitizen(request);
  await citizenLogIn(page, citizen);
  const code = await bookToday(page);
  await fitsAPhone(page);

  // 我的预约 lists it; a past slot is not offered.
  await page.goto("/appointments");
  await expect(page.locator(".booking-code__text").filter({ hasText: code })).toBeVisible();
  await page.goto("/appointments/new?hall=city&zone=social&date=2026-12-07");
  await expect(page.locator(".slot").filter({ hasText: "09:00–09:30" })).toContainText("已过预约时间");

  // The kiosk, provisioned and activated; 预约签到 with the booking code.
  const staffPage = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  const admin = await staffToken(staffPage, request, "admin02");
  const kiosk = await deviceBrowser(browser, await provision(request, admin, "kiosk"), false);
  await expect(kiosk).toHaveURL(/\/kiosk\/city$/);
  await kiosk.getByRole("link", { name: /预约签到/ }).click();
  await kiosk.getByLabel("预约码").fill(code.toLowerCase());
  await kiosk.getByRole("button", { name: "签到取号" }).click();
  const number = (await kiosk.locator(".ticket__number").textContent())!.replace("排队号", "").trim();
  expect(number).toMatch(/^SB\d{3}$/);
  const ticketUrl = kiosk.url().replace(/\?.*$/, "");
  await fitsAPhone(kiosk);

  // The citizen's booking now shows the ticket.
  await page.goto("/appointments");
  await expect(page.getByRole("link", { name: number })).toBeVisible();

  // clerk04 calls the next person to window 5: booked people come first.
  await staffLogIn(staffPage, "clerk04");
  await staffPage.getByLabel(/窗口号/).fill("5");
  await staffPage.getByRole("button", { name: "叫下一位" }).click();
  await expect(staffPage.getByText(`已叫 ${number} 号到 5 号窗口。`)).toBeVisible();
  await page.goto(ticketUrl);
  await expect(page.locator(".ticket__message")).toHaveText("请到 5 号窗口办理");

  // The display, without JavaScript, shows it after its refresh.
  const display = await deviceBrowser(browser, await provision(request, admin, "display"), false);
  await expect(display).toHaveURL(/\/halls\/city\/display$/);
  await expect(display.locator(".board__call").filter({ hasText: number })).toContainText("请到 5 号窗口");
  await expect(display.locator(".board__code")).toHaveText(/^\d{6}$/);

  // The clerk finishes the visit.
  await staffPage.getByRole("button", { name: "办结" }).click();
  await expect(staffPage.getByText(`${number} 号：已办结`)).toBeVisible();
});

test("with JavaScript: a walk-in ticket, check-in on the phone, the display updates live", async ({ browser, page, request }) => {
  const citizen = await newCitizen(request);
  await citizenLogIn(page, citizen);
  await bookToday(page);
  await expectNoSeriousAxeViolations(page);

  const adminPage = await (await browser.newContext()).newPage();
  const admin = await staffToken(adminPage, request, "admin02");
  const kiosk = await deviceBrowser(browser, await provision(request, admin, "kiosk"), true);
  await waitForHydration(kiosk);
  await expectNoSeriousAxeViolations(kiosk);
  await kiosk.getByRole("link", { name: /^取号/ }).click();
  await expectNoSeriousAxeViolations(kiosk);
  await kiosk.getByRole("button", { name: "社会类业务" }).click();
  const walkIn = (await kiosk.locator(".ticket__number").textContent())!.replace("排队号", "").trim();
  expect(walkIn).toMatch(/^SA\d{3}$/);
  await expect(kiosk.getByRole("button", { name: /打印/ })).toBeVisible();
  await expectNoSeriousAxeViolations(kiosk);

  // The display is on the wall, live.
  const display = await deviceBrowser(browser, await provision(request, admin, "display"), true);
  await waitForHydration(display);
  await expectNoSeriousAxeViolations(display);
  await fitsAPhone(display);
  await waitForHydration(display);

  // The citizen scans the entrance code the display shows: 我的预约 opens with it filled in.
  const entrance = (await display.locator(".board__code").textContent())!.trim();
  await page.goto(`/appointments?code=${entrance}`);
  await expectNoSeriousAxeViolations(page);
  await page.getByRole("button", { name: "签到取号" }).click();
  await expect(page.locator(".ticket__number")).toContainText(/SB\d{3}/);
  await expectNoSeriousAxeViolations(page);

  // clerk04 calls through the API (the walk-in has waited longest: the slot has not begun), and
  // the display shows it without a reload.
  const clerk = await staffToken(adminPage, request, "clerk04");
  const called = await request.post("/api/v1/staff/queue/call-next", { headers: clerk, data: { window: 7 } });
  expect(called.status(), await called.text()).toBe(200);
  const ticket = await called.json();
  expect(ticket.number).toBe(walkIn);
  await expect(display.locator(".board__call").filter({ hasText: walkIn })).toContainText("请到 7 号窗口", { timeout: 10_000 });
  const served = await request.post(`/api/v1/staff/queue/tickets/${ticket.id}/serve`, { headers: clerk, data: {} });
  expect(served.status(), await served.text()).toBe(200);
});
