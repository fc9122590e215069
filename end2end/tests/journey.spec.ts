import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import crypto from 'node:crypto';
import {
  expectNoSeriousA11yViolations as axe,
  axeWithScripts,
  cents,
  logIn,
  serverCli,
  signUpVerified,
  snap,
  strongPassword,
  test,
  todayUtc,
  uniqueEmail,
  waitForEmail,
} from './helpers';

// The whole journey once: a creator sets up a page with a tier; a new visitor signs up, saves
// the test card, pledges to that tier, tips a second creator and a cause (those two with
// JavaScript off), the billing cycle runs from the command line, and the supporter finds ONE
// charge carrying all three donations with fee shares that add up to the cent; the creator
// then sees the new supporter and the income. Every page visited is checked with axe.

type Info = Parameters<typeof snap>[1];

/** A second person in their own browser, at the same screen size. */
async function otherBrowser(browser: Browser, page: Page, testInfo: Info, javaScriptEnabled = true): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled,
    viewport: page.viewportSize(),
    baseURL: testInfo.project.use.baseURL,
  });
}

test('sign up, give to three pages, one charge split to the cent, and the creator sees it', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const slug = `journey-${testInfo.project.name}-${crypto.randomBytes(3).toString('hex')}`;
  const creatorName = `Journey Pottery ${testInfo.project.name}`;
  const fanName = `Journey Fan ${testInfo.project.name}`;
  const creator = await otherBrowser(browser, page, testInfo);
  const studio = await creator.newPage();
  let studioPath = '';

  await test.step('a creator makes a USD page with a $5 tier', async () => {
    const email = uniqueEmail(testInfo, 'potter');
    const password = strongPassword();
    await signUpVerified(studio, `Potter ${testInfo.project.name}`, email, password);
    await logIn(studio, email, password);
    await studio.goto('/studio/new');
    await studio.getByLabel('Name', { exact: true }).fill(creatorName);
    await studio.getByLabel('Page address').fill(slug);
    await studio.getByLabel('Category').selectOption('Art');
    await studio.getByLabel('Goal (optional)').fill('100');
    await studio.getByLabel('Currency').selectOption('USD');
    await studio.getByRole('button', { name: 'Create page' }).click();
    await expect(studio).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    studioPath = new URL(studio.url()).pathname;
    await studio.getByLabel('Tier name').fill('Clay club');
    await studio.getByLabel('Monthly price (USD)').fill('5');
    await studio.getByRole('button', { name: 'Add tier' }).click();
    await expect(studio).toHaveURL(/\?saved=tier#tiers$/);
    await studio.getByRole('link', { name: 'Edit Clay club' }).click();
    await expect(studio).toHaveURL(/\/studio\/p\/\d+\/tiers\/\d+$/);
    await expect(studio.getByRole('heading', { level: 1, name: 'Edit tier: Clay club' })).toBeVisible();
    await snap(studio, testInfo, '01-creator-tier');
    await axe(studio, testInfo, 'journey-studio-tier');
  });

  await test.step('a new visitor signs up and confirms the address', async () => {
    const email = uniqueEmail(testInfo, 'journey');
    const password = strongPassword();
    await signUpVerified(page, fanName, email, password);
    await logIn(page, email, password);
    await page.goto('/account/billing');
    await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
    await axe(page, testInfo, 'journey-billing-new');
  });

  await test.step('the visitor saves the simulated test card', async () => {
    const section = page.locator('#payment-method');
    await expect(section).toContainText('TEST MODE');
    await section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' }).check();
    await section.getByRole('button', { name: 'Save payment method' }).click();
    await expect(page.getByRole('status')).toHaveText('Your payment method was saved.');
  });

  await test.step('the visitor pledges to the tier', async () => {
    await page.goto(`/c/${slug}`);
    await expect(page.getByRole('heading', { level: 1, name: creatorName })).toBeVisible();
    // The tier's own button preselects it (a plain link, so it works before the page hydrates).
    await page.getByRole('link', { name: 'Choose Clay club' }).click();
    await expect(page).toHaveURL(/[?&]tier=\d+#pledge$/);
    await expect(page.getByRole('radio', { name: /Clay club/ })).toBeChecked();
    await snap(page, testInfo, '02-pledge-form');
    await axe(page, testInfo, 'journey-creator-page');
    await page.getByRole('button', { name: 'Pledge monthly' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=pledge$/);
    await expect(page.getByRole('status')).toContainText(`Your monthly pledge of $5.00 to ${creatorName} is set up.`);
  });

  await test.step('with JavaScript off, the visitor tips another creator and a cause', async () => {
    const nojs = await browser.newContext({
      javaScriptEnabled: false,
      storageState: await page.context().storageState(),
      viewport: page.viewportSize(),
      baseURL: testInfo.project.use.baseURL,
    });
    try {
      const plain = await nojs.newPage();
      await plain.goto('/c/mara-draws');
      await plain.getByLabel('Tip amount (USD)').fill('3');
      await plain.getByLabel('Message (optional)').fill('For the heron series.');
      await snap(plain, testInfo, '03-nojs-tip-form');
      await axeWithScripts(browser, plain, testInfo, 'journey-nojs-tip-creator');
      await plain.getByRole('button', { name: 'Send tip' }).click();
      await expect(plain).toHaveURL(/\/account\/billing\?added=tip$/);
      await expect(plain.getByRole('status')).toContainText('Your tip of $3.00 to Mara Draws Birds will be collected on');

      await plain.goto('/c/riverside-library');
      await plain.getByLabel('Tip amount (USD)').fill('2');
      await axeWithScripts(browser, plain, testInfo, 'journey-nojs-tip-cause');
      await plain.getByRole('button', { name: 'Send tip' }).click();
      await expect(plain).toHaveURL(/\/account\/billing\?added=tip$/);
      await expect(plain.getByRole('status')).toContainText('Your tip of $2.00 to Keep Riverside Library open on Sundays');
      const upcoming = plain.locator('#upcoming .upcoming');
      await expect(upcoming).toHaveCount(1);
      await expect(upcoming.locator('tbody tr')).toHaveCount(3);
      await expect(upcoming.locator('tfoot')).toContainText('$10.00');
      await snap(plain, testInfo, '04-nojs-billing-upcoming');
      await axeWithScripts(browser, plain, testInfo, 'journey-nojs-billing');
    } finally {
      await nojs.close();
    }
  });

  await test.step('the billing cycle runs', async () => {
    const out = serverCli(['billing', 'run', '--as-of', todayUtc()]);
    expect(out).toMatch(/charges succeeded\s+[1-9]/);
  });

  await test.step('the dashboard shows ONE charge carrying all three donations, split to the cent', async () => {
    await page.goto('/account/billing');
    const charges = page.locator('#past-charges article.charge');
    await expect(charges).toHaveCount(1);
    const charge = charges.first();
    await expect(charge).toHaveAttribute('data-status', 'Succeeded');
    const rows = charge.locator('table.donations tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(charge).toContainText(creatorName);
    await expect(charge).toContainText('Mara Draws Birds');
    await expect(charge).toContainText('Keep Riverside Library open on Sundays');

    const amount = cents(await charge.locator('.charge-amount').innerText());
    const note = await charge.locator('.charge-note').innerText();
    const fee = cents(/Card fee (\S+),/.exec(note)?.[1] ?? 'missing');
    expect(amount).toBe(1000);
    // 2.9% of $10.00 plus 30¢.
    expect(fee).toBe(59);
    let gross = 0;
    let shares = 0;
    for (const row of await rows.all()) {
      const g = cents(await row.locator('td[data-label="Gross"]').innerText());
      const f = cents(await row.locator('td[data-label="Fee share"]').innerText());
      const p = cents(await row.locator('td[data-label="Platform"]').innerText());
      const n = cents(await row.locator('td[data-label="Net"]').innerText());
      expect(g, 'gross = fee share + platform fee + net').toBe(f + p + n);
      await expect(row).toContainText('Paid');
      gross += g;
      shares += f;
    }
    expect(gross, 'the donations add up to the charge').toBe(amount);
    expect(shares, 'the fee shares add up to the card fee').toBe(fee);
    await snap(page, testInfo, '05-billing-one-charge');
    await axe(page, testInfo, 'journey-billing-charged');
  });

  await test.step('the yearly statement lists the three paid donations', async () => {
    await page.goto('/account/billing/statement');
    await expect(page.locator('table.statement tbody tr')).toHaveCount(3);
    await expect(page.locator('table.statement-totals')).toContainText('$10.00');
    await snap(page, testInfo, '06-statement');
    await axe(page, testInfo, 'journey-statement');
  });

  await test.step('the creator sees the new supporter and the income', async () => {
    await studio.goto(`${studioPath}/supporters`);
    const row = studio.locator('table tbody tr', { hasText: fanName });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Clay club');
    await expect(row).toContainText('$5.00');
    await expect(row).toContainText('Active');
    await snap(studio, testInfo, '07-creator-supporters');
    await axe(studio, testInfo, 'journey-studio-supporters');

    await studio.goto(`${studioPath}/income`);
    await expect(studio.getByRole('img', { name: 'Net income per month' })).toBeVisible();
    // $5.00 less its share of the 59¢ fee (500/1000 of it: 29.5¢, which rounds to 29¢ or 30¢).
    const net = cents(await studio.locator('#this-month').innerText());
    expect([470, 471]).toContain(net);
    await snap(studio, testInfo, '08-creator-income');
    await axe(studio, testInfo, 'journey-studio-income');
  });

  // test.step('the organizer records an expense and the public ledger shows it'): the cause's
  // expenses page is not part of this build yet; this step is added with it.

  await creator.close();
});

test('a charge the bank wants confirmed is paid from the emailed link', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'confirm');
  const password = strongPassword();

  await test.step('a supporter with a card that asks for authentication tips a cause', async () => {
    await signUpVerified(page, `Confirm ${testInfo.project.name}`, email, password);
    await logIn(page, email, password);
    await page.goto('/account/billing');
    const section = page.locator('#payment-method');
    await section.getByRole('radio', { name: 'Requires authentication (3-D Secure)' }).check();
    await section.getByRole('button', { name: 'Save payment method' }).click();
    await expect(page.getByRole('status')).toHaveText('Your payment method was saved.');
    await page.goto('/c/riverside-library');
    await page.getByLabel('Tip amount (USD)').fill('4');
    await page.getByRole('button', { name: 'Send tip' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=tip$/);
  });

  let link = '';
  await test.step('the run asks for authentication and the email links to the charge', async () => {
    serverCli(['billing', 'run', '--as-of', todayUtc()]);
    const mail = await waitForEmail(email, 'Please confirm your Chipin payment of $4.00');
    const m = /https?:\/\/[^\s"'<>]+(\/account\/billing\/authenticate\/\d+)/.exec(mail.text);
    expect(m, mail.text).not.toBeNull();
    link = m![1];
    await page.goto('/account/billing');
    await expect(page.getByRole('alert')).toContainText('Your bank asked you to confirm the payment of $4.00');
    await page.getByRole('link', { name: 'Confirm the payment' }).click();
    await expect(page).toHaveURL(new RegExp(`${link}$`));
  });

  await test.step('the page shows the waiting charge; paying settles it', async () => {
    await expect(page.getByRole('heading', { level: 1, name: 'Confirm your payment' })).toBeVisible();
    await expect(page.locator('article.charge')).toContainText('Keep Riverside Library open on Sundays');
    await expect(page.locator('article.charge')).toContainText('$4.00');
    await snap(page, testInfo, '01-authenticate');
    await axe(page, testInfo, 'authenticate-waiting');
    await page.getByRole('button', { name: 'Authenticate and pay' }).click();
    await expect(page).toHaveURL(new RegExp(`${link}\\?result=paid$`));
    await expect(page.getByRole('status')).toContainText('your payment of $4.00 went through');
    await expect(page.locator('article.charge')).toHaveAttribute('data-status', 'Succeeded');
    await expect(page.getByRole('button', { name: 'Authenticate and pay' })).toHaveCount(0);
    await snap(page, testInfo, '02-authenticate-paid');
    await axe(page, testInfo, 'authenticate-paid');
  });
});
