import { createHmac } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/**
 * The portal's "now": the test command moves the portal's clock to a working morning
 * (PORTAL_CLOCK_OFFSET_SECS), and journeys that compute time-based codes move theirs with it.
 */
export function portalNow(): number {
  return Date.now() + Number(process.env.PORTAL_CLOCK_OFFSET_SECS ?? 0) * 1000;
}

/** The portal's date (YYYY-MM-DD) as the test command set it, if it did. */
export const portalDate: string | undefined = process.env.PORTAL_CLOCK_DATE;

/** Waits until the WASM bundle has hydrated the server-rendered page. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
}

/** Fails on any serious or critical accessibility violation, listing each one. */
export async function expectNoSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(", ")}`),
  ).toEqual([]);
}

/** The authenticator's six digits (RFC 6238, SHA-1, 30 s) for a base32 secret. */
export function totp(base32: string, at = portalNow()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

// Each staff member's authenticator, enrolled once; a code is used once per person, so a later
// login of the same person waits for the next step.
const secrets: Record<string, string> = {};
const lastStep: Record<string, number> = {};

export async function nextCode(page: Page, username: string) {
  while (Math.floor(portalNow() / 30_000) <= (lastStep[username] ?? 0)) await page.waitForTimeout(1_000);
  lastStep[username] = Math.floor(portalNow() / 30_000);
  return totp(secrets[username]);
}

/** Signs a staff member in on `page`, enrolling the authenticator the first time. */
export async function staffLogIn(page: Page, username: string) {
  await page.goto("/staff/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("Demo-Staff-2026");
  if (secrets[username]) await page.getByLabel("动态口令").fill(await nextCode(page, username));
  await page.getByRole("button", { name: "登录", exact: true }).click();
  if (!secrets[username]) {
    await expect(page).toHaveURL(/\/staff\/totp$/);
    secrets[username] = (await page.locator("code.secret").first().textContent())!.trim();
    await page.getByLabel("动态口令").fill(await nextCode(page, username));
    await page.getByRole("button", { name: "完成绑定" }).click();
  }
  await expect(page).toHaveURL(/\/staff$/);
}

/** A staff member's Bearer token (enrolled on the web first). */
export async function staffToken(page: Page, request: APIRequestContext, username: string) {
  if (!secrets[username]) await staffLogIn(page, username);
  const login = await request.post("/api/v1/auth/login", {
    data: { account: username, password: "Demo-Staff-2026", totp: await nextCode(page, username) },
  });
  expect(login.status(), await login.text()).toBe(200);
  return { Authorization: `Bearer ${(await login.json()).token}` };
}

