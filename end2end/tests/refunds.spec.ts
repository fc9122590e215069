import { expect, type Page, type TestInfo } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  expectNoSeriousA11yViolations as axe,
  isoDate,
  logIn,
  serverCli,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
  usd,
} from './helpers';

// On a phone: a creator refunds one donation from the studio, seeing what it costs first; the
// supporter asks for the other one back from its trail page, and the creator approves it from
// the studio's refund requests. Each page is checked at 320, 375 and 1280 px for sideways
// scrolling (screenshots also go to CHIPIN_SHOTS_DIR when it is set).

/** At each width the page does not scroll sideways; a screenshot at each. */
async function fitsEveryScreen(page: Page, testInfo: TestInfo, step: string) {
  const before = page.viewportSize()!;
  try {
    for (const width of [320, 375, 1280]) {
      await page.setViewportSize({ width, height: before.height });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(scrollWidth, `${step} at ${width} px: page width ${scrollWidth} > ${innerWidth}`).toBeLessThanOrEqual(innerWidth);
      await snap(page, testInfo, `${step}-${width}`);
      const dir = process.env.CHIPIN_SHOTS_DIR;
      if (dir) {
        fs.mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: path.join(dir, `${step}-${width}.png`), fullPage: true });
      }
    }
  } finally {
    await page.setViewportSize(before);
  }
}

test('an owner refunds a donation from the studio, and approves a supporter\'s request from the trail page', async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone-size flow');
  const tag = crypto.randomBytes(3).toString('hex');
  const slug = `refunds-${tag}`;
  const ownerEmail = uniqueEmail(testInfo, 'owner');
  const ownerPassword = strongPassword();
  let pageId = '';

  await test.step('a creator makes a page', async () => {
    await signUpVerified(page, 'Refund Owner', ownerEmail, ownerPassword);
    await logIn(page, ownerEmail, ownerPassword);
    await page.goto('/studio/new');
    await page.getByLabel('Name', { exact: true }).fill(`Harbour Prints ${tag}`);
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('About (Markdown)').fill('Prints of harbours.');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    pageId = /\/studio\/p\/(\d+)/.exec(page.url())![1];
  });

  const supporterContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    isMobile: testInfo.project.use.isMobile,
    hasTouch: testInfo.project.use.hasTouch,
  });
  const fan = await supporterContext.newPage();
  try {
    await test.step('a supporter tips twice and is charged once', async () => {
      const email = uniqueEmail(testInfo, 'fan');
      const password = strongPassword();
      await signUpVerified(fan, 'Refund Fan', email, password);
      await logIn(fan, email, password);
      for (const amount of ['10', '6']) {
        await fan.goto(`/c/${slug}`);
        await fan.getByLabel('Tip amount (USD)').fill(amount);
        await fan.getByRole('button', { name: 'Send tip' }).click();
        await expect(fan).toHaveURL(/\/account\/billing\?added=tip$/);
      }
      const section = fan.locator('#payment-method');
      await section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' }).check();
      await section.getByRole('button', { name: 'Save payment method' }).click();
      await expect(fan.getByRole('status')).toHaveText('Your payment method was saved.');
      const day = isoDate(await fan.locator('#upcoming .upcoming h3').first().innerText());
      serverCli(['billing', 'run', '--as-of', day]);
    });

    let refundedId = '';
    let askedId = '';
    await test.step('the owner refunds the $10 donation from the supporters page', async () => {
      await page.goto(`/studio/p/${pageId}/supporters`);
      const rows = page.locator('table.page-donations tbody tr');
      await expect(rows).toHaveCount(2);
      const ten = rows.filter({ hasText: usd(1000) });
      const six = rows.filter({ hasText: usd(600) });
      refundedId = (await ten.getAttribute('id'))!.replace('donation-', '');
      askedId = (await six.getAttribute('id'))!.replace('donation-', '');
      await ten.getByRole('link', { name: `Refund donation #${refundedId}` }).click();
      await expect(page).toHaveURL(new RegExp(`/studio/p/${pageId}/refund/${refundedId}$`));
      await expect(page.locator('#refund-supporter-gets')).toHaveText(`The supporter gets back ${usd(1000)}.`);
      await expect(page.locator('#refund-fee')).toContainText('Chipin bears it, not you');
      await fitsEveryScreen(page, testInfo, '01-refund-page');
      await axe(page, testInfo, 'refund-page');
      await page.getByLabel('Why').selectOption('duplicate');
      await page.getByRole('button', { name: `Refund ${usd(1000)}` }).click();
      await expect(page).toHaveURL(new RegExp(`/supporters\\?refunded=${refundedId}$`));
      await expect(page.locator('#refunded')).toContainText(`Donation #${refundedId} refunded`);
      const row = page.locator(`#donation-${refundedId}`);
      await expect(row).toContainText(`Refunded: ${usd(1000)}`);
      await expect(row.getByRole('link')).toHaveCount(0);
    });

    await test.step('the supporter sees the refund and asks for the other donation back', async () => {
      await fan.goto(`/account/donations/${refundedId}`);
      await expect(fan.locator('#trail-refunds')).toContainText(`${usd(1000)} refunded on`);
      await expect(fan.locator('#trail-refunds')).toContainText('A duplicate donation');
      await expect(fan.locator('#refund-ask')).toHaveCount(0);
      await expect(fan.locator('#trail-paid-out')).toHaveText('Nothing of it is paid out: it was refunded.');
      await fitsEveryScreen(fan, testInfo, '02-trail-with-refund');
      await axe(fan, testInfo, 'trail-with-refund');

      await fan.goto(`/account/donations/${askedId}`);
      await fan.getByLabel('Why do you want it back?').fill('I meant to give $1, not $6.');
      await fan.getByRole('button', { name: 'Ask for a refund' }).click();
      await expect(fan).toHaveURL(new RegExp(`/account/donations/${askedId}\\?asked=1$`));
      await expect(fan.getByRole('status')).toContainText('Your request is sent');
      await expect(fan.locator('#refund-request-status')).toContainText('has not answered yet');
    });

    await test.step('the owner approves the request in the studio', async () => {
      await page.goto(`/studio/p/${pageId}`);
      await page.getByRole('link', { name: 'Refunds (1 to answer)' }).click();
      await expect(page).toHaveURL(new RegExp(`/studio/p/${pageId}/refunds$`));
      const request = page.locator('.request').filter({ hasText: 'I meant to give $1, not $6.' });
      await expect(request).toContainText('Waiting for you');
      await fitsEveryScreen(page, testInfo, '03-studio-requests');
      await axe(page, testInfo, 'studio-requests');
      await request.getByRole('button', { name: `Approve and refund ${usd(600)}` }).click();
      await expect(page).toHaveURL(/\/refunds\?done=approved$/);
      await expect(page.locator('#request-done')).toContainText('Refunded');
      await expect(page.locator('.request').first()).toContainText('Refunded');
      await expect(page.locator(`#donation-${askedId}`)).toContainText(`Refunded: ${usd(600)}`);
      await snap(page, testInfo, '04-request-approved');
    });

    await test.step('the supporter sees it refunded in place', async () => {
      await fan.goto(`/account/donations/${askedId}`);
      await expect(fan.locator('#trail-refunds')).toContainText(`${usd(600)} refunded on`);
      await expect(fan.locator('#refund-request-status')).toContainText('it was refunded');
    });
    expect(serverCli(['refunds', 'requests'])).toContain('I meant to give $1, not $6.');
  } finally {
    await supporterContext.close();
  }
});
