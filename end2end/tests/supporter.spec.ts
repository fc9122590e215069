import { expect, type Browser, type Page } from '@playwright/test';
import {
  expectNoSeriousA11yViolations as axe,
  logIn,
  openMenu,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
} from './helpers';

// A supporter pledges, tips, sees the fee before giving, saves a test card and a billing day,
// and finds everything in one upcoming charge. The demo pages (loaded for these tests) have
// different currencies: mara-draws and riverside-library are USD, tomas-codes EUR, jiwoo-sounds
// KRW. Every form is a plain post, so the same steps work with or without WebAssembly.

/**
 * axe runs inside the page, which a page without JavaScript cannot do: check the same address
 * in a second tab that has scripts, with the same cookies and screen size.
 */
async function axeWithScripts(browser: Browser, page: Page, testInfo: Parameters<typeof snap>[1], label: string) {
  const context = await browser.newContext({
    javaScriptEnabled: true,
    storageState: await page.context().storageState(),
    viewport: page.viewportSize(),
    baseURL: testInfo.project.use.baseURL,
  });
  try {
    const twin = await context.newPage();
    await twin.goto(page.url());
    await axe(twin, testInfo, label);
  } finally {
    await context.close();
  }
}

/** Signs up, confirms the address, and logs in from a recipient's page ("log in to give"). */
async function arriveLoggedIn(page: Page, testInfo: Parameters<typeof snap>[1], slug: string) {
  const email = uniqueEmail(testInfo, 'fan');
  const password = strongPassword();
  await signUpVerified(page, `Fan ${testInfo.project.name}`, email, password);
  await page.goto(`/c/${slug}`);
  const login = page.getByRole('link', { name: 'Log in to give' });
  await expect(login).toHaveAttribute('href', `/login?next=/c/${slug}`);
  await login.click();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=(/|%2F)c(/|%2F)${slug}$`));
  await logIn(page, email, password);
  await expect(page).toHaveURL(new RegExp(`/c/${slug}$`));
  return email;
}

test('pledge to a tier and tip a cause: one upcoming USD charge, then a test card and a billing day', async ({ page }, testInfo) => {
  await test.step('a visitor is asked to log in to give', async () => {
    await page.goto('/c/mara-draws');
    await expect(page.getByRole('heading', { level: 2, name: 'Support Mara Draws Birds' })).toBeVisible();
    await expect(page.locator('form[action="/api/create_pledge"]')).toHaveCount(0);
    await snap(page, testInfo, '01-recipient-visitor');
    await axe(page, testInfo, 'recipient-visitor');
  });

  await arriveLoggedIn(page, testInfo, 'mara-draws');

  await test.step('the recipient page offers a pledge, a tip and a fee preview', async () => {
    await expect(page.getByRole('heading', { level: 2, name: 'Pledge monthly' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Send a one-off tip' })).toBeVisible();
    await openMenu(page);
    await expect(page.locator('header').getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/account/billing');
    await snap(page, testInfo, '02-recipient-logged-in');
    await axe(page, testInfo, 'recipient-logged-in');
  });

  await test.step('the tip form shows the fee of the amount typed, asked once', async () => {
    await page.getByLabel('Tip amount (USD)').fill('7');
    await page.locator('#tip').getByRole('button', { name: 'Preview fee' }).click();
    await expect(page).toHaveURL(/\/c\/mara-draws#tip$/);
    await expect(page.getByLabel('Tip amount (USD)')).toHaveValue('7');
    const preview = page.locator('#tip-fee .preview');
    await expect(preview).toContainText('This donation');
    await expect(preview).toContainText('$7.00');
    // 2.9% of $7.00 is 20.3¢ → 20¢, plus 30¢; alone it bears all of it.
    await expect(preview.locator('.fee-row')).toContainText('$0.50');
    await snap(page, testInfo, '03-preview');
    await axe(page, testInfo, 'recipient-preview');
  });

  await test.step('once the giving forms are hydrated, the preview follows the amount typed', async () => {
    const url = page.url();
    const tip = page.getByLabel('Tip amount (USD)');
    const preview = page.locator('#tip-fee');
    // The forms become interactive a moment after the page loads; until then typing changes
    // nothing, so type again until the preview follows.
    await expect(async () => {
      await tip.fill('');
      await tip.fill('3');
      await expect(preview).toContainText('$3.00', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    expect(page.url()).toBe(url);
  });

  await test.step('a tier card preselects its tier, and the pledge is made', async () => {
    await page.getByRole('link', { name: 'Choose Songbird' }).click();
    await expect(page).toHaveURL(/[?&]tier=\d+#pledge$/);
    await expect(page.getByRole('radio', { name: /Songbird/ })).toBeChecked();
    await page.getByRole('button', { name: 'Pledge monthly' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=pledge$/);
    await expect(page.getByRole('status')).toContainText('Your monthly pledge of $7.00 to Mara Draws Birds is set up.');
    await snap(page, testInfo, '04-billing-pledge-added');
    await axe(page, testInfo, 'billing-pledge-added');
  });

  await test.step('a tip to a USD cause joins the same charge', async () => {
    await page.goto('/c/riverside-library');
    await page.getByLabel('Tip amount (USD)').fill('2');
    await page.getByLabel('Message (optional)').fill('For the Sunday story hour.');
    await page.getByRole('radio', { name: /Anonymous/ }).last().check();
    await page.getByRole('button', { name: 'Send tip' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=tip$/);
    await expect(page.getByRole('status')).toContainText('Your tip of $2.00 to Keep Riverside Library open on Sundays will be collected on');
  });

  await test.step('the dashboard shows one upcoming USD charge itemising both', async () => {
    const upcoming = page.locator('#upcoming .upcoming');
    await expect(upcoming).toHaveCount(1);
    await expect(upcoming).toHaveAttribute('data-currency', 'USD');
    await expect(upcoming.locator('tbody tr')).toHaveCount(2);
    await expect(upcoming).toContainText('Mara Draws Birds');
    await expect(upcoming).toContainText('Keep Riverside Library open on Sundays');
    await expect(upcoming.locator('tfoot')).toContainText('$9.00');
    const pledges = page.locator('#pledges tbody tr');
    await expect(pledges).toHaveCount(1);
    await expect(pledges).toContainText('Active');
    await expect(page.locator('#past-charges')).toContainText('No charges yet.');
    await snap(page, testInfo, '05-billing-upcoming');
  });

  await test.step('save the test payment method', async () => {
    const section = page.locator('#payment-method');
    await expect(section).toContainText('TEST MODE');
    await expect(section).toContainText('No payment method saved yet.');
    await section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' }).check();
    await section.getByRole('button', { name: 'Save payment method' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?saved=payment_method#payment-method$/);
    await expect(page.getByRole('status')).toHaveText('Your payment method was saved.');
    await expect(section).toContainText('Saved: Visa ending 4242');
    await expect(section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' })).toBeChecked();
  });

  await test.step('the billing day must be 1 to 28', async () => {
    const day = page.getByLabel('Day of the month (1–28)');
    await day.fill('29');
    await page.getByRole('button', { name: 'Save billing day' }).click();
    await expect(page.locator('#billing_day-error')).toHaveText('Choose a day from 1 to 28.');
    await expect(day).toHaveAttribute('aria-invalid', 'true');
    await snap(page, testInfo, '06-billing-day-error');
    await axe(page, testInfo, 'billing-day-error');
    await day.fill('15');
    await page.getByRole('button', { name: 'Save billing day' }).click();
    await expect(page.getByRole('status')).toHaveText('Your billing day was saved.');
    await expect(page.getByLabel('Day of the month (1–28)')).toHaveValue('15');
  });

  await test.step('pause and resume the pledge', async () => {
    await page.getByRole('button', { name: 'Pause pledge to Mara Draws Birds' }).click();
    await expect(page).toHaveURL(/done=paused/);
    await expect(page.locator('#pledges tbody tr')).toContainText('Paused');
    await expect(page.locator('#upcoming tbody tr')).toHaveCount(1);
    await page.getByRole('button', { name: 'Resume pledge to Mara Draws Birds' }).click();
    await expect(page.locator('#pledges tbody tr')).toContainText('Active');
    await snap(page, testInfo, '07-billing');
    await axe(page, testInfo, 'billing');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the pledge and tip forms still work, and bad input comes back with its message', async ({ page, browser }, testInfo) => {
    await arriveLoggedIn(page, testInfo, 'tomas-codes');

    await test.step('a custom pledge in euros', async () => {
      await page.getByLabel('Custom amount', { exact: true }).check();
      await page.getByLabel('Custom monthly amount (EUR)').fill('4.50');
      await page.getByRole('radio', { name: /Private/ }).first().check();
      await page.getByRole('button', { name: 'Pledge monthly' }).click();
      await expect(page).toHaveURL(/\/account\/billing\?added=pledge$/);
      await expect(page.getByRole('status')).toContainText('Your monthly pledge of €4.50 to Tomás builds open-source maps is set up.');
    });

    await test.step('the recipient page now shows the pledge instead of a second form', async () => {
      await page.goto('/c/tomas-codes');
      await expect(page.getByRole('heading', { level: 2, name: 'Your monthly pledge' })).toBeVisible();
      await expect(page.locator('form[action="/api/create_pledge"]')).toHaveCount(0);
    });

    await test.step('an over-precise tip is refused next to its field', async () => {
      await page.goto('/c/jiwoo-sounds');
      await page.getByLabel('Tip amount (KRW)').fill('1000.5');
      await page.getByRole('button', { name: 'Send tip' }).click();
      // The error and what was typed wait on the server: nothing of them is in the address.
      await expect(page).toHaveURL(/\/c\/jiwoo-sounds$/);
      await expect(page.getByLabel('Tip amount (KRW)')).toHaveValue('1000.5');
      await expect(page.getByLabel('Tip amount (KRW)')).toBeFocused();
      await expect(page.locator('#tip-amount-error')).toHaveText('KRW amounts have no decimal places.');
      await expect(page.getByLabel('Tip amount (KRW)')).toHaveAttribute('aria-invalid', 'true');
      await snap(page, testInfo, '01-nojs-tip-error');
      await axeWithScripts(browser, page, testInfo, 'recipient-nojs-tip-error');
    });

    await test.step("the tip form's Preview fee button shows the fee of the amount typed", async () => {
      await page.getByLabel('Tip amount (KRW)').fill('3000');
      await page.locator('#tip').getByRole('button', { name: 'Preview fee' }).click();
      // Nothing typed travels in the address; the amount comes back in its field.
      await expect(page).toHaveURL(/\/c\/jiwoo-sounds#tip$/);
      await expect(page.getByLabel('Tip amount (KRW)')).toHaveValue('3000');
      await expect(page.locator('#tip-fee .preview')).toContainText('₩3,000');
      await expect(page.locator('#tip-fee .preview')).toContainText('This donation');
    });

    await test.step('a tip in won', async () => {
      await page.getByLabel('Tip amount (KRW)').fill('3000');
      await page.getByRole('button', { name: 'Send tip' }).click();
      await expect(page).toHaveURL(/\/account\/billing\?added=tip$/);
      await expect(page.getByRole('status')).toContainText("Your tip of ₩3,000 to Ji-woo's Late-Night Piano will be collected on");
    });

    await test.step('two currencies make two upcoming charges', async () => {
      const upcoming = page.locator('#upcoming .upcoming');
      await expect(upcoming).toHaveCount(2);
      await expect(page.locator('#upcoming .upcoming[data-currency="EUR"]')).toContainText('€4.50');
      await expect(page.locator('#upcoming .upcoming[data-currency="KRW"]')).toContainText('₩3,000');
      await expect(page.locator('.alert-warning')).toContainText('Add a payment method');
      await snap(page, testInfo, '02-nojs-billing');
      await axeWithScripts(browser, page, testInfo, 'billing-nojs');
    });

    await test.step('change the pledge amount, then cancel it', async () => {
      await page.getByLabel('New monthly amount for Tomás builds open-source maps').fill('0');
      await page.getByRole('button', { name: 'Change amount for Tomás builds open-source maps' }).click();
      await expect(page.locator('#pledges .alert-error')).toContainText('The amount must be more than zero.');
      await page.getByLabel('New monthly amount for Tomás builds open-source maps').fill('6');
      await page.getByRole('button', { name: 'Change amount for Tomás builds open-source maps' }).click();
      await expect(page.getByRole('status')).toContainText('Your pledge amount was changed.');
      await expect(page.locator('#pledges tbody tr')).toContainText('€6.00');
      await page.getByRole('button', { name: 'Cancel pledge to Tomás builds open-source maps' }).click();
      // One click does not destroy: a page asks first, and "no" changes nothing.
      await expect(page).toHaveURL(/\/confirm$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Are you sure?' })).toBeVisible();
      await expect(page.locator('#confirm-question')).toContainText('Cancel your monthly pledge of €6.00 to Tomás builds open-source maps?');
      await page.getByRole('link', { name: 'No, go back' }).click();
      await expect(page).toHaveURL(/\/account\/billing/);
      await expect(page.locator('#pledges tbody tr')).toContainText('Active');
      await page.getByRole('button', { name: 'Cancel pledge to Tomás builds open-source maps' }).click();
      await page.getByRole('button', { name: 'Yes, cancel' }).click();
      await expect(page.locator('#pledges tbody tr')).toContainText('Cancelled');
      await expect(page.locator('#upcoming .upcoming')).toHaveCount(1);
    });
  });
});

test('a creator sees their own page as theirs', async ({ page }, testInfo) => {
  await page.goto('/login?next=/c/mara-draws');
  await logIn(page, 'mara@demo.chipin.example', 'chipin-demo-2026');
  await expect(page).toHaveURL(/\/c\/mara-draws$/);
  await expect(page.getByRole('heading', { level: 2, name: 'This is your page' })).toBeVisible();
  await expect(page.locator('form[action="/api/create_tip"]')).toHaveCount(0);
  await snap(page, testInfo, '01-owner');
  await axe(page, testInfo, 'recipient-owner');
});
