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

export const PHONE_SCREEN = { width: 360, height: 740 };

/** A valid, made-up 公民身份号码: `prefix` (area code and decade), then `monthDay`. */
export function idNumber(prefix = "330106197", monthDay = "0815") {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `${prefix}${Math.floor(Math.random() * 10)}${monthDay}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

/** A plausible answer for every required question, read off the form schema as a client would. */
export function answersFor(form: { fields: any[] }, prefilled: Record<string, unknown>) {
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

/** A new citizen's case of `item`, submitted and accepted by `clerk` with every manual point. */
export async function acceptedCase(page: Page, request: APIRequestContext, item: string, clerk = "clerk03") {
  const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const password = "lantern2026";
  expect(
    (await request.post("/api/v1/auth/register", {
      data: { kind: "citizen", id_number: idNumber("350102196", "0404"), name: "郑七", phone, password },
    })).status(),
  ).toBe(201);
  const login = await request.post("/api/v1/auth/login", { data: { account: phone, password } });
  expect(login.status(), await login.text()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const created = await request.post("/api/v1/applications", { headers, data: { item_code: item } });
  expect(created.status(), await created.text()).toBe(201);
  const draft = await created.json();
  const materials: Record<string, unknown> = {};
  for (const material of draft.materials) {
    if (!material.required) continue;
    const upload = await request.post("/api/v1/documents", {
      headers,
      multipart: { file: { name: `${material.name}.pdf`, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% scan\n%%EOF\n") } },
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
  const caseNo = (await submitted.json()).case_no as string;
  const clerkHeaders = await staffToken(page, request, clerk);
  const shown = await (await request.get(`/api/v1/staff/applications/${caseNo}`, { headers: clerkHeaders })).json();
  const accepted = await request.post(`/api/v1/staff/applications/${caseNo}/accept`, {
    headers: clerkHeaders,
    data: { checked: shown.manual_points.map((p: { id: string }) => p.id) },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  return { phone, password, id: draft.id as string, caseNo };
}

/** The page as it is, reloaded on a 360 px screen in both display modes, fits without sideways scrolling. */
export async function fitsAPhone(page: Page) {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE_SCREEN);
  for (const mode of ["standard", "elder"]) {
    await page.context().addCookies([{ name: "display_mode", value: mode, url: page.url() }]);
    await page.reload();
    const by = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(by, `${page.url()} in ${mode} mode is ${by}px too wide`).toBeLessThanOrEqual(0);
  }
  await page.context().addCookies([{ name: "display_mode", value: "standard", url: page.url() }]);
  if (before) await page.setViewportSize(before);
}

export async function citizenLogIn(page: Page, citizen: { phone: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("公民身份号码或手机号码").fill(citizen.phone);
  await page.getByLabel("密码").fill(citizen.password);
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
}
