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
      if (SHOTS) {
        fs.mkdirSync(SHOTS, { recursive: true });
        const name = `${who}-${shape(next).replace(/[^a-z0-9]+/gi, '_')}-${width}.png`;
        await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
      }
    }
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const h of hrefs) if (followable(h) && !seen.has(shape(h))) queue.push(h.split('#')[0]);
  }
  testInfo.annotations.push({ type: 'pages', description: `${who}: ${visited}` });
  return problems;
}

test.describe('no page scrolls sideways on a phone', () => {
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
    for (const [who, email, seeds] of [
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
