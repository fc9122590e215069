import { expect } from '@playwright/test';
import crypto from 'node:crypto';
import {
  expectNoSeriousA11yViolations as axe,
  axeWithScripts,
  cents,
  isoDate,
  logIn,
  serverCli,
  signUpVerified,
  snap,
  strongPassword,
  test,
  turnOnTwoFactor,
  uniqueEmail,
  usd,
} from './helpers';

// An organizer gives a cause two budget lines; a donor (without JavaScript: the earmark is a
// plain form field) earmarks a tip to one of them; the organizer's expense in that line uses
// it, while an expense without a line is refused because all the money is earmarked; the
// donor's trail shows the earmark and the expense from that line, and the public ledger shows
// each line's money.

test('a donor earmarks a tip to a budget line and sees the expense from that line on the trail', async ({ page, browser }, testInfo) => {
  const project = testInfo.project.name;
  const tag = crypto.randomBytes(3).toString('hex');
  const slug = `hall-${project}-${tag}`;
  const causeName = `Village hall roof ${tag}`;
  const organizerEmail = uniqueEmail(testInfo, 'organizer');
  const organizerPassword = strongPassword();
  let causeId = '';

  await test.step('an organizer creates a cause with two budget lines', async () => {
    await signUpVerified(page, `Organizer ${project}`, organizerEmail, organizerPassword);
    await logIn(page, organizerEmail, organizerPassword);
    // Page owners need two-factor sign-in on before they record expenses.
    await turnOnTwoFactor(page);
    await page.goto('/studio/new');
    await page.getByLabel(/Cause: a campaign/).check();
    await page.getByLabel('Name', { exact: true }).fill(causeName);
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    causeId = /\/studio\/p\/(\d+)/.exec(page.url())![1];

    await page.goto(`/studio/p/${causeId}/expenses`);
    for (const [name, description] of [['Roof tiles', 'Slate for the north side'], ['Events', '']]) {
      await page.getByLabel("New line's name").fill(name);
      await page.getByLabel('Short description (optional)').fill(description);
      await page.getByRole('button', { name: 'Add budget line' }).click();
      await expect(page).toHaveURL(/\?saved=budget_line#budget-lines$/);
    }
    // The same name in another case is refused next to its field.
    await page.getByLabel("New line's name").fill('events');
    await page.getByRole('button', { name: 'Add budget line' }).click();
    await expect(page.locator('#line-name-error')).toContainText('already has a budget line called “events”');
    const lines = page.locator('#budget-lines tbody tr');
    await expect(lines).toHaveCount(3);
    await expect(lines.first()).toContainText('Events');
    await snap(page, testInfo, '01-budget-lines');
    await axe(page, testInfo, 'budget-lines');
  });

  // The donor's browser runs no JavaScript: the tip form with its earmark is a plain post.
  const donorContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    isMobile: testInfo.project.use.isMobile,
    hasTouch: testInfo.project.use.hasTouch,
    javaScriptEnabled: false,
  });
  const donor = await donorContext.newPage();
  try {
    const donorEmail = uniqueEmail(testInfo, 'donor');
    const donorPassword = strongPassword();
    let chargeDay = '';

    await test.step('a donor earmarks a tip for the roof tiles', async () => {
      await signUpVerified(donor, `Donor ${project}`, donorEmail, donorPassword);
      await logIn(donor, donorEmail, donorPassword);
      await donor.goto(`/c/${slug}`);
      const tip = donor.locator('#tip');
      await expect(tip.getByLabel('Earmark it for')).toHaveValue('');
      await tip.getByLabel('Tip amount (USD)').fill('20');
      await tip.getByLabel('Earmark it for').selectOption({ label: 'Roof tiles' });
      await snap(donor, testInfo, '02-earmark-tip');
      await axeWithScripts(browser, donor, testInfo, 'cause-give-earmark');
      await tip.getByRole('button', { name: 'Send tip' }).click();
      await expect(donor).toHaveURL(/\/account\/billing\?added=tip$/);
      const section = donor.locator('#payment-method');
      await section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' }).check();
      await section.getByRole('button', { name: 'Save payment method' }).click();
      const upcoming = donor.locator('#upcoming .upcoming');
      await expect(upcoming).toHaveCount(1);
      chargeDay = isoDate(await upcoming.locator('h3').innerText());
      const out = serverCli(['billing', 'run', '--as-of', chargeDay]);
      expect(out).toContain(`Billing run as of ${chargeDay}`);
    });

    let received = 0;
    await test.step('the organizer spends it in its line; an expense without a line is refused', async () => {
      await page.goto(`/studio/p/${causeId}/expenses`);
      received = cents(await page.locator('#received').innerText());
      expect(received).toBeGreaterThan(0);
      await page.getByLabel(/^Amount/).fill('1.00');
      await page.getByLabel('What it paid for').fill('Chairs');
      await page.getByLabel('Budget line', { exact: true }).selectOption('');
      await page.getByRole('button', { name: 'Record expense' }).click();
      await expect(page.locator('#amount-error')).toContainText(`Only ${usd(0)} is unspent and not earmarked`);

      await page.getByLabel(/^Amount/).fill('12.00');
      await page.getByLabel('What it paid for').fill('Forty slates');
      await page.getByLabel('Budget line', { exact: true }).selectOption({ label: 'Roof tiles' });
      await page.getByRole('button', { name: 'Record expense' }).click();
      await expect(page).toHaveURL(/\?saved=expense$/);
      await expect(page.locator('.expense-list li')).toHaveCount(1);
      await expect(page.locator('.expense-list li')).toContainText('Roof tiles');
      const tiles = page.locator('#budget-lines tbody tr').filter({ hasText: 'Roof tiles' });
      await expect(tiles.locator('td.num')).toHaveText([usd(received), usd(1200), usd(received - 1200)]);
    });

    await test.step("the donor's trail shows the earmark and the expense from that line", async () => {
      await donor.goto('/account/billing');
      await donor.locator('#past-charges').getByRole('link', { name: 'Where it went' }).click();
      await expect(donor).toHaveURL(/\/account\/donations\/\d+$/);
      await expect(donor.locator('#trail-earmark')).toContainText('Roof tiles');
      const net = cents(await donor.locator('#trail-net').innerText());
      expect(net).toBe(received);
      const spent = donor.locator('table[aria-labelledby="spent-title"] tbody tr');
      await expect(spent).toHaveCount(1);
      await expect(spent).toContainText('Forty slates');
      await expect(spent).toContainText('Budget line: Roof tiles');
      await expect(spent.locator('td.num')).toHaveText([usd(1200), usd(1200)]);
      await expect(donor.locator('#trail-unspent')).toHaveText(usd(net - 1200));
      await snap(donor, testInfo, '03-earmarked-trail');
      await axeWithScripts(browser, donor, testInfo, 'earmarked-trail');
    });

    await test.step("the public ledger shows each line's money", async () => {
      await donor.goto(`/c/${slug}`);
      await expect(donor.locator('#budget-lines-title')).toHaveText('Budget lines');
      const rows = donor.locator('table[aria-labelledby="budget-lines-title"] tbody tr');
      await expect(rows).toHaveCount(3);
      await expect(rows.filter({ hasText: 'Roof tiles' }).locator('td.num')).toHaveText([usd(received), usd(1200), usd(received - 1200)]);
      await expect(rows.filter({ hasText: 'Events' }).locator('td.num')).toHaveText([usd(0), usd(0), usd(0)]);
      await expect(rows.filter({ hasText: 'needed most' }).locator('td.num')).toHaveText([usd(0), usd(0), usd(0)]);
      await expect(donor.locator('table[aria-labelledby="money-out-title"] tbody tr')).toContainText('Budget line: Roof tiles');
      await snap(donor, testInfo, '04-public-budget-lines');
      await axeWithScripts(browser, donor, testInfo, 'public-budget-lines');
    });
  } finally {
    await donorContext.close();
  }
});
