import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';

// ---------------------------------------------------------------------------------------------
// Script errors
// ---------------------------------------------------------------------------------------------

/**
 * A missing WebAssembly bundle is fine (every page works without it), so failing to fetch it
 * is not an error here. Anything else the page's scripts throw or log as an error (a
 * hydration panic, for one) fails the test after it ran, with the messages.
 */
const MISSING_BUNDLE =
  /failed to fetch Wasm: 404|Failed to fetch dynamically imported module|Failed to load module script|error loading dynamically imported module/i;

/**
 * Paths a test opens on purpose knowing they answer 404 (the not-found page): the browser logs
 * the document's status as an error, which is expected there.
 */
const expectedNotFound = new Set<string>();

/** Declares that opening `path` is expected to answer 404. */
export function expectNotFound(path: string): void {
  expectedNotFound.add(path);
}

export const test = base.extend<{ scriptErrors: string[] }>({
  scriptErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => {
        if (!MISSING_BUNDLE.test(e.message)) errors.push(`uncaught on ${page.url()}: ${e.message}`);
      });
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const text = m.text();
        // "Failed to load resource" carries no URL in its text: allow it only for /pkg/ files.
        if (/Failed to load resource/.test(text) && m.location().url.includes('/pkg/')) return;
        // A server function refusing bad input answers 4xx on purpose; the page shows why.
        if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text) && m.location().url.includes('/api/')) return;
        if (/status of 404/.test(text) && expectedNotFound.has(new URL(m.location().url || page.url()).pathname)) return;
        if (MISSING_BUNDLE.test(text)) return;
        errors.push(`console.error on ${page.url()}: ${text.split('\n').slice(0, 3).join(' ')}`);
      });
      await use(errors);
      if (errors.length > 0) {
        await testInfo.attach('script-errors.txt', { body: errors.join('\n\n'), contentType: 'text/plain' });
      }
      expect(errors, `the pages' scripts failed:\n${[...new Set(errors)].join('\n')}`).toEqual([]);
    },
    { auto: true },
  ],
});

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

/** A fresh address for this run, this project (desktop/phone) and this test. */
export function uniqueEmail(testInfo: TestInfo, label = 'user'): string {
  const rand = crypto.randomBytes(4).toString('hex');
  return `${label}-${testInfo.project.name}-${Date.now()}-${rand}@example.com`.toLowerCase();
}

/** A password that passes the site's length and strength rules. */
export function strongPassword(): string {
  return `violet-kettle-harbour-${crypto.randomBytes(4).toString('hex')}`;
}

/** Saves a full-page screenshot named after the step into the test's output folder. */
export async function snap(page: Page, testInfo: TestInfo, step: string): Promise<void> {
  const file = testInfo.outputPath(`${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(step, { path: file, contentType: 'image/png' });
}

// ---------------------------------------------------------------------------------------------
// Accessibility
// ---------------------------------------------------------------------------------------------

/**
 * Runs axe on the page as it is now and asserts that no violation has impact "serious" or
 * "critical". The assertion is soft so that one run reports the findings of every page in a
 * flow; the test still fails. The full axe result is attached to the test for inspection.
 */
export async function expectNoSeriousA11yViolations(
  page: Page,
  testInfo: TestInfo,
  pageLabel: string,
): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const file = testInfo.outputPath(`axe-${pageLabel}.json`);
  fs.writeFileSync(file, JSON.stringify(results.violations, null, 2));
  await testInfo.attach(`axe-${pageLabel}.json`, { path: file, contentType: 'application/json' });
  const serious = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  const report = serious
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
  expect
    .soft(serious, `axe found serious/critical violations on ${pageLabel} (${page.url()}):\n${report}`)
    .toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Mail outbox (.eml files written by the server's mail worker)
// ---------------------------------------------------------------------------------------------

export function outboxDir(): string {
  const data = process.env.CHIPIN_E2E_DATA;
  if (!data) throw new Error('CHIPIN_E2E_DATA is not set (it is set by playwright.config.ts)');
  return path.join(data, 'outbox');
}

export interface Email {
  file: string;
  mtimeMs: number;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Decodes RFC 2047 encoded words (=?utf-8?B?...?= / =?utf-8?Q?...?=) in a header value. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
      const bytes = data
        .replace(/_/g, ' ')
        .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

function decodeQuotedPrintable(body: string): string {
  const soft = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  // Unfold continuation lines, then split "Name: value".
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const cte = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(part.body);
  if (cte === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return part.body;
}

/** Collects the text/plain and text/html bodies of a (possibly nested multipart) part. */
function collectBodies(part: Part, out: { text: string; html: string }): void {
  const type = part.headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const m = /boundary="?([^";]+)"?/i.exec(type);
    if (!m) return;
    const boundary = `--${m[1]}`;
    const chunks = part.body.split(boundary).slice(1);
    for (const chunk of chunks) {
      if (chunk.startsWith('--')) break; // closing boundary
      collectBodies(parsePart(chunk.replace(/^\r?\n/, '')), out);
    }
  } else if (/^text\/html/i.test(type)) {
    out.html += decodeBody(part);
  } else if (/^text\/plain/i.test(type)) {
    out.text += decodeBody(part);
  }
}

export function parseEml(file: string): Email {
  const raw = fs.readFileSync(file, 'utf8');
  const top = parsePart(raw);
  const out = { text: '', html: '' };
  collectBodies(top, out);
  return {
    file,
    mtimeMs: fs.statSync(file).mtimeMs,
    to: decodeEncodedWords(top.headers.get('to') ?? ''),
    subject: decodeEncodedWords(top.headers.get('subject') ?? ''),
    text: out.text,
    html: out.html,
  };
}

/** Every email in the outbox addressed to `to`, oldest first. */
export function emailsTo(to: string): Email[] {
  const dir = outboxDir();
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => parseEml(path.join(dir, f)))
    .filter((e) => e.to.toLowerCase().includes(to.toLowerCase()))
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
}

/**
 * Waits until at least `count` emails with `subject` have arrived for `to` and returns the
 * newest of them.
 */
export async function waitForEmail(
  to: string,
  subject: string,
  { count = 1, timeout = 15_000 }: { count?: number; timeout?: number } = {},
): Promise<Email> {
  let found: Email[] = [];
  await expect
    .poll(
      () => {
        found = emailsTo(to).filter((e) => e.subject === subject);
        return found.length;
      },
      { message: `email "${subject}" #${count} to ${to} in ${outboxDir()}`, timeout, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(count);
  return found[found.length - 1];
}

/**
 * The link in an email's plain-text body whose path is `pathname`, as a path + query relative
 * to the site (so it works whatever host the test reaches the server on). Also checks that the
 * HTML body carries the same link.
 */
export function linkIn(email: Email, pathname: string): string {
  const re = new RegExp(`https?://[^\\s"'<>]+${pathname.replace(/[/.]/g, '\\$&')}\\?[^\\s"'<>]+`);
  const m = re.exec(email.text);
  if (!m) throw new Error(`no ${pathname} link in ${email.file}:\n${email.text}`);
  const url = new URL(m[0]);
  const htmlHref = /href="([^"]+)"/.exec(email.html)?.[1]?.replace(/&amp;/g, '&');
  expect(htmlHref, `HTML part of ${email.file} links to the same address`).toBe(m[0]);
  return `${url.pathname}${url.search}`;
}

// ---------------------------------------------------------------------------------------------
// Flows a person goes through
// ---------------------------------------------------------------------------------------------

export async function fillSignUp(page: Page, name: string, email: string, password: string) {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

export async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Opens the header's "Menu" where a phone folds the person's links (Billing, the account, Log
 * out); on a wide screen they are in the row already and nothing is clicked.
 */
export async function openMenu(page: Page) {
  const menu = page.locator('header details.nav-menu');
  if ((await menu.count()) > 0 && (await menu.isVisible()) && (await menu.getAttribute('open')) === null) {
    await menu.locator('summary').click();
  }
}

/** Logs out through the header, on any screen. */
export async function logOut(page: Page) {
  await openMenu(page);
  await page.locator('header').getByRole('button', { name: 'Log out' }).click();
}

/** Signs up and confirms the address through the emailed link, without checks on the way. */
export async function signUpVerified(page: Page, name: string, email: string, password: string) {
  await page.goto('/signup');
  await fillSignUp(page, name, email, password);
  await expect(page).toHaveURL(/\/signup\/check-email$/);
  const mail = await waitForEmail(email, 'Confirm your Chipin account');
  await page.goto(linkIn(mail, '/verify-email'));
  await expect(page).toHaveURL(/\/login\?verified=1$/);
}

// ---------------------------------------------------------------------------------------------
// Two-factor sign-in (TOTP: SHA-1, 6 digits, 30-second steps, as authenticator apps use)
// ---------------------------------------------------------------------------------------------

const TOTP_STEP_SECONDS = 30;

/** The six-digit code an authenticator app shows for `key` (base32, as the set-up page shows it) at `atMs`. */
export function totpCode(key: string, atMs = Date.now()): string {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(key.replace(/[\s-]/g, '').toUpperCase()),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_STEP_SECONDS,
  });
  return totp.generate({ timestamp: atMs });
}

/** The newest time step each key's code was sent for in this worker (the server refuses a step used before). */
const lastStepSent = new Map<string, number>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A code for `key` that the server has not seen yet, and records its step as used. The server
 * accepts the current step and the ones either side of it, but refuses a step at or before the
 * last one it accepted (replays): when the current step was used, the next step's code is sent;
 * when that was used too, this waits for the next step. Like the API tests' `steady_step`, it
 * also avoids the last 3 seconds of a step so the page load does not carry the code into the
 * step after the next.
 */
export async function freshTotpCode(key: string): Promise<string> {
  for (;;) {
    const into = Math.floor(Date.now() / 1000) % TOTP_STEP_SECONDS;
    if (into >= TOTP_STEP_SECONDS - 3) {
      await sleep((TOTP_STEP_SECONDS + 1 - into) * 1000);
      continue;
    }
    const now = Date.now();
    const step = Math.floor(now / 1000 / TOTP_STEP_SECONDS);
    const last = lastStepSent.get(key) ?? -1;
    if (step > last) {
      lastStepSent.set(key, step);
      return totpCode(key, now);
    }
    if (step + 1 > last) {
      lastStepSent.set(key, step + 1);
      return totpCode(key, now + TOTP_STEP_SECONDS * 1000);
    }
    // Both were used: wait until the step `last` begins, then send the one after it.
    await sleep(Math.max(1000, last * TOTP_STEP_SECONDS * 1000 + 1000 - now));
  }
}

/**
 * Turns on two-factor sign-in for the user logged in on `page`, the way a person does: the
 * account page's link, "Set up", the key shown under the QR code typed into an app (here:
 * `totpCode`), the app's code confirmed, then the recovery codes page. Returns the key.
 */
export async function turnOnTwoFactor(page: Page): Promise<string> {
  await page.goto('/account');
  await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = page.locator('#two-factor-secret');
  await expect(secret).toBeVisible();
  const key = (await secret.innerText()).replace(/\s+/g, '');
  expect(key, 'the key is base32').toMatch(/^[A-Z2-7]+=*$/);
  await page.getByLabel('Code from the app').fill(await freshTotpCode(key));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page).toHaveURL(/\/account\/two-factor\/recovery-codes$/);
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  return key;
}

// ---------------------------------------------------------------------------------------------
// The operator's command line, against the test server's database
// ---------------------------------------------------------------------------------------------

/**
 * Runs `${CHIPIN_SERVER_BIN} <args>` (e.g. `billing run --as-of 2027-01-15`) with the same
 * database, outbox and uploads as the server the tests talk to, and returns what it printed.
 * Fails the test with the command's output if it exits non-zero.
 */
export function serverCli(args: string[]): string {
  const data = process.env.CHIPIN_E2E_DATA;
  if (!data) throw new Error('CHIPIN_E2E_DATA is not set (it is set by playwright.config.ts)');
  const bin = process.env.CHIPIN_SERVER_BIN ?? '../target/debug/server';
  try {
    return execFileSync(bin, args, {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${data}/chipin.db`,
        MAIL_OUTBOX_DIR: `${data}/outbox`,
        UPLOADS_DIR: `${data}/uploads`,
        BASE_URL: 'http://127.0.0.1:3300',
        DEMO_DATA: 'false',
        RUST_LOG: 'warn',
      },
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`server ${args.join(' ')} exited with ${err.status}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as the site writes it ("15 Dec 2026") in ISO form ("2026-12-15"). */
export function isoDate(label: string): string {
  const m = /(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})/.exec(label);
  const month = m ? MONTHS.indexOf(m[2]) + 1 : 0;
  if (!m || month === 0) throw new Error(`not a date: ${label}`);
  return `${m[3]}-${String(month).padStart(2, '0')}-${m[1].padStart(2, '0')}`;
}

/** An amount as the site writes it ("$1,234.56", "-$0.30") in minor units. */
export function cents(text: string): number {
  const m = /(-?)\D*([\d,]+)\.(\d{2})/.exec(text.trim());
  if (!m) throw new Error(`not an amount: ${text}`);
  const value = Number(m[2].replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] === '-' ? -value : value;
}

/** `cents` the other way round, in US dollars ("$8.25"). */
export function usd(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Today's date in UTC, written YYYY-MM-DD (what `--as-of` takes). */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * axe runs inside the page, which a page without JavaScript cannot do: checks the same address
 * in a second tab that has scripts, with the same cookies and screen size.
 */
export async function axeWithScripts(browser: Browser, page: Page, testInfo: TestInfo, label: string) {
  const context = await browser.newContext({
    javaScriptEnabled: true,
    storageState: await page.context().storageState(),
    viewport: page.viewportSize(),
    baseURL: testInfo.project.use.baseURL,
  });
  try {
    const twin = await context.newPage();
    await twin.goto(page.url());
    await expectNoSeriousA11yViolations(twin, testInfo, label);
  } finally {
    await context.close();
  }
}
