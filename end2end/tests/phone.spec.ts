import { expect, type Page, type TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { logIn, test } from './helpers';

// A fan on a phone: no page may scroll sideways at 320 or 375 px. The test walks every page a
// visitor, a supporter and a page owner can reach by links from where they start (the demo
// data gives each of them charges, trails, posts and expenses), at both widths.

const DEMO_PASSWORD = 'chipin-demo-2026';
const WIDTHS = [320, 375];
/** Screenshots a person reads before calling a page done. */
const SHOTS = process.env.CHIPIN_PHONE_SHOTS ?? '';

/** Links worth following: pages of this site, not downloads, not actions. */
function followable(href: string): boolean {
  if (!href.startsWith('/') || href.startsWith('//')) return false;
  if (/^\/(api|media|pkg|stripe)\//.test(href)) return false;
  if (/\.(csv|zip|pdf|png|jpe?g|webp|json)(\?|$)/.test(href)) return false;
  if (href.startsWith('/account/data')) return false;
  return true;
}

/** One path per route shape, so a list of 200 donations costs one visit, not 200. */
function shape(p: string): string {
  return p.split('#')[0].split('?')[0].replace(/\/\d+/g, '/N');
}

async function overflow(page: Page, width: number): Promise<{ scroll: number; inner: number; culprits: string[] }> {
  return page.evaluate((width) => {
    const inner = Math.min(window.innerWidth, document.documentElement.clientWidth);
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 && r.width > 0 && culprits.length < 8) {
        const cls = (el as HTMLElement).className;
        culprits.push(`${el.tagName.toLowerCase()}${typeof cls === 'string' && cls ? '.' + cls.split(' ').join('.') : ''} right=${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, inner, culprits };
  }, width);
}

async function walk(page: Page, testInfo: TestInfo, who: string, seeds: string[], limit = 45): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...seeds];
  const problems: string[] = [];
  let visited = 0;
  while (queue.length > 0 && visited < limit) {
    const next = queue.shift()!;
    if (seen.has(shape(next))) continue;
    seen.add(shape(next));
    visited++;
    await page.setViewportSize({ width: 375, height: 740 });
    const res = await page.goto(next);
    if (!res || res.status() >= 400) continue;
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 740 });
      const o = await overflow(page, width);
      // A phone browser widens its layout viewport to fit what overflows (so innerWidth can
      // grow past the screen): compare with the screen's width too.
      if (o.scroll > o.inner || o.scroll > width) {
        problems.push(`${who} ${next} at ${width}px: ${o.scroll} > ${o.inner} (${o.culprits.join(', ')})`);
      }
      // The header is one row that keeps Explore; nothing lies below the footer.
      const layout = await page.evaluate(() => {
        const nav = document.querySelector('header nav');
        const items = Array.from(nav?.children ?? []).filter((e) => e.getBoundingClientRect().width > 0);
        const middles = items.map((e) => {
          const r = e.getBoundingClientRect();
          return r.top + r.height / 2;
        });
        const explore = Array.from(nav?.querySelectorAll('a') ?? []).some(
          (a) => ['Explore', '둘러보기'].includes(a.textContent?.trim() ?? '') && a.getBoundingClientRect().width > 0,
        );
        const footer = document.querySelector('footer.site-footer')?.getBoundingClientRect();
        const end = footer ? footer.bottom + window.scrollY : 0;
        return { spread: Math.max(...middles) - Math.min(...middles), explore, below: document.documentElement.scrollHeight - end };
      });
      if (layout.spread > 8) problems.push(`${who} ${next} at ${width}px: the header wraps (${Math.round(layout.spread)} px between its items)`);
      if (!layout.explore) problems.push(`${who} ${next} at ${width}px: the header has no visible Explore link`);
      if (layout.below > 1) problems.push(`${who} ${next} at ${width}px: ${Math.round(layout.below)} px of blank space under the footer`);
      if (SHOTS) {
        fs.mkdirSync(SHOTS, { recursive: true });
        const name = `${who}-${shape(next).replace(/[^a-z0-9]+/gi, '_')}-${width}.png`;
        await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
      }
    }
    // The CSRF token travels in POST bodies only: never in a link, a form's address, or a GET
    // form (whose fields end up in the address).
    const leaks = await page.evaluate(() => {
      const found: string[] = [];
      for (const el of Array.from(document.querySelectorAll('[href], [action], [formaction], [src]'))) {
        for (const attr of ['href', 'action', 'formaction', 'src']) {
          const v = el.getAttribute(attr);
          if (v && /csrf/i.test(v)) found.push(`${el.tagName.toLowerCase()}[${attr}=${v.slice(0, 60)}]`);
        }
      }
      for (const form of Array.from(document.querySelectorAll('form'))) {
        const method = (form.getAttribute('method') ?? 'get').toLowerCase();
        if (method === 'get' && form.querySelector('input[name*="csrf" i]')) found.push(`GET form ${form.getAttribute('action')} carries the token`);
        for (const b of Array.from(form.querySelectorAll('[formmethod]'))) {
          if ((b.getAttribute('formmethod') ?? '').toLowerCase() === 'get' && form.querySelector('input[name*="csrf" i]')) {
            found.push(`a GET button in ${form.getAttribute('action')} would send the token`);
          }
        }
      }
      return found;
    });
    for (const l of leaks) problems.push(`${who} ${next}: ${l}`);
    if (/csrf/i.test(page.url())) problems.push(`${who} ${next}: the address carries the token: ${page.url()}`);
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const h of hrefs) if (followable(h) && !seen.has(shape(h))) queue.push(h.split('#')[0]);
  }
  testInfo.annotations.push({ type: 'pages', description: `${who}: ${visited}` });
  return problems;
}

test.describe('no page scrolls sideways on a phone, and no page puts the CSRF token in an address', () => {
  test.setTimeout(600_000);

  test('as a visitor, a supporter and page owners, at 320 and 375 px', async ({ page, browser }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'sets its own widths');
    const problems: string[] = [];
    problems.push(
      ...(await walk(page, testInfo, 'visitor', [
        '/',
        '/c/riverside-library',
        '/c/harbour-cleanup',
        '/c/mara-draws',
        '/c/tomas-codes',
        '/signup',
        '/login',
        '/forgot-password',
        '/verify-email/failed',
      ])),
    );
    // The same in Korean: a Korean browser on the Korean demo pages, and the Korean supporter.
    const korean = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: 'ko-KR' });
    problems.push(
      ...(await walk(await korean.newPage(), testInfo, 'ko-visitor', ['/', '/c/seoyeon-hanji', '/c/mangwon-library', '/signup', '/login'], 20)),
    );
    await korean.close();
    for (const [who, email, seeds] of [
      ['ko-supporter', 'minjun@demo.chipin.example', ['/account', '/account/billing', '/account/billing/statement', '/c/mangwon-library']],
      ['supporter', 'ana@demo.chipin.example', ['/account', '/account/billing', '/account/billing/statement', '/c/riverside-library']],
      ['creator', 'mara@demo.chipin.example', ['/studio', '/studio/new', '/account']],
      ['organizer', 'library@demo.chipin.example', ['/studio']],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
      const p = await context.newPage();
      await p.goto('/login');
      await logIn(p, email, DEMO_PASSWORD);
      await expect(p).not.toHaveURL(/\/login/);
      problems.push(...(await walk(p, testInfo, who, [...seeds])));
      await context.close();
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

// A fan on a phone whose form fails: the page comes back with what they typed (never a
// password), scrolled to the error and focused on it, with WebAssembly and without.
for (const js of [true, false]) {
  test.describe(js ? 'failed forms, with WebAssembly' : 'failed forms, without WebAssembly', () => {
    test.use({ javaScriptEnabled: js });

    test('tip, pledge, sign-up and log-in keep what was typed and focus the first error', async ({ page }, testInfo) => {
      test.skip(testInfo.project.name !== 'phone', 'a phone-sized journey');
      const tag = js ? 'js' : 'nojs';
      await page.goto('/login');
      await logIn(page, 'ben@demo.chipin.example', DEMO_PASSWORD);
      await expect(page).not.toHaveURL(/\/login/);

      await test.step('a tip of "5.505" (more precise than cents) with a long message', async () => {
        await page.goto('/c/riverside-library');
        const message = 'For Sunday story time: my daughter has now read every dinosaur book on the shelf twice. '.repeat(3).trim();
        await page.locator('#tip-amount').fill('5.505');
        await page.locator('#tip-message').fill(message);
        await page.locator('#tip-visibility-anonymous').check();
        await page.getByRole('button', { name: 'Send tip' }).click();
        await expect(page).toHaveURL(/\/c\/riverside-library$/);
        const amount = page.locator('#tip-amount');
        await expect(amount).toHaveValue('5.505');
        await expect(amount).toBeFocused();
        await expect(amount).toHaveAttribute('aria-invalid', 'true');
        await expect(page.locator('#tip-amount-error')).toBeVisible();
        await expect(amount).toBeInViewport();
        await expect(page.locator('#tip-message')).toHaveValue(message);
        await expect(page.locator('#tip-visibility-anonymous')).toBeChecked();
        await expect(page.locator('#pledge-amount')).toHaveValue('');
        await page.screenshot({ path: testInfo.outputPath(`tip-error-${tag}.png`) });
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `form-tip-error-${tag}.png`) });
        // Once: the next visit starts empty.
        await page.reload();
        await expect(page.locator('#tip-amount')).toHaveValue('');
        await expect(page.locator('#tip-message')).toHaveValue('');
      });

      await test.step('a pledge of "a tenner"', async () => {
        await page.goto('/c/harbour-cleanup');
        await page.locator('#pledge-amount').fill('a tenner');
        await page.locator('#pledge-visibility-private').check();
        await page.getByRole('button', { name: 'Pledge monthly' }).click();
        const amount = page.locator('#pledge-amount');
        await expect(amount).toHaveValue('a tenner');
        await expect(amount).toBeFocused();
        await expect(amount).toBeInViewport();
        await expect(page.locator('#pledge-visibility-private')).toBeChecked();
        await expect(page.locator('#tip-amount')).toHaveValue('');
      });

      await test.step('sign-up keeps the name and email, never the password', async () => {
        await page.context().clearCookies();
        await page.goto('/signup');
        await page.getByLabel('Your name').fill('Chloé Fan');
        await page.getByLabel('Email').fill(`phone-${tag}-${Date.now()}@example.com`);
        await page.getByLabel('Password', { exact: true }).fill('short');
        await page.getByRole('button', { name: 'Create account' }).click();
        await expect(page).toHaveURL(/\/signup$/);
        await expect(page.getByLabel('Your name')).toHaveValue('Chloé Fan');
        await expect(page.getByLabel('Email')).toHaveValue(/^phone-/);
        const password = page.getByLabel('Password', { exact: true });
        await expect(password).toHaveValue('');
        await expect(password).toBeFocused();
      });

      await test.step('log-in keeps the email and focuses the message', async () => {
        await page.goto('/login');
        await page.getByLabel('Email').fill('ben@demo.chipin.example');
        await page.getByLabel('Password', { exact: true }).fill('not-the-password');
        await page.getByRole('button', { name: 'Log in' }).click();
        await expect(page).toHaveURL(/\/login$/);
        await expect(page.getByLabel('Email')).toHaveValue('ben@demo.chipin.example');
        await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
        await expect(page.locator('.alert-error')).toBeFocused();
        await expect(page.locator('.alert-error')).toBeInViewport();
      });
    });
  });
}
