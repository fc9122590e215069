import { expect, type Locator } from '@playwright/test';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  expectNoSeriousA11yViolations as axe,
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

// A donor follows a tip to a cause from the card charge to the organizer's payout and the two
// expenses it paid for, and every amount matches to the cent. The organizer works in the
// studio (one receipt is an uploaded PDF), the operator runs billing and records the payout on
// the command line, and the public cause page lists both expenses under "Money out".

/** The one-page PDF the server's own tests use as a receipt (tests run from end2end/). */
const RECEIPT_PDF = path.resolve('../server/tests/fixtures/receipt.pdf');

async function amountOf(locator: Locator): Promise<number> {
  return cents(await locator.innerText());
}

test('a donor follows a tip to a cause through its charge, payout and two expenses, to the cent', async ({ page, browser }, testInfo) => {
  const project = testInfo.project.name;
  const tag = crypto.randomBytes(3).toString('hex');
  const slug = `wells-${project}-${tag}`;
  const causeName = `Clean water for Pine Street ${tag}`;
  const reference = `E2E-${project}-${tag}`.toUpperCase();
  const organizerEmail = uniqueEmail(testInfo, 'organizer');
  const organizerPassword = strongPassword();
  let causeId = '';

  await test.step('an organizer creates a cause in the studio', async () => {
    await signUpVerified(page, `Organizer ${project}`, organizerEmail, organizerPassword);
    await logIn(page, organizerEmail, organizerPassword);
    // Page owners need two-factor sign-in on before they record expenses.
    await turnOnTwoFactor(page);
    await page.goto('/studio/new');
    await page.getByLabel(/Cause: a campaign/).check();
    await page.getByLabel('Name', { exact: true }).fill(causeName);
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('About (Markdown)').fill('New pipes for the **Pine Street** well.');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    causeId = /\/studio\/p\/(\d+)/.exec(page.url())![1];
  });

  // The donor uses a second browser with the same screen.
  const donorContext = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport: page.viewportSize(),
    isMobile: testInfo.project.use.isMobile,
    hasTouch: testInfo.project.use.hasTouch,
  });
  const donor = await donorContext.newPage();
  try {
    const donorEmail = uniqueEmail(testInfo, 'donor');
    const donorPassword = strongPassword();
    let chargeDay = '';

    await test.step('a donor tips the cause and saves a test card', async () => {
      await signUpVerified(donor, `Donor ${project}`, donorEmail, donorPassword);
      await logIn(donor, donorEmail, donorPassword);
      await donor.goto(`/c/${slug}`);
      await donor.getByLabel('Tip amount (USD)').fill('20');
      await donor.getByRole('button', { name: 'Send tip' }).click();
      await expect(donor).toHaveURL(/\/account\/billing\?added=tip$/);
      const section = donor.locator('#payment-method');
      await section.getByRole('radio', { name: 'Visa ending 4242 — always succeeds' }).check();
      await section.getByRole('button', { name: 'Save payment method' }).click();
      await expect(donor.getByRole('status')).toHaveText('Your payment method was saved.');
      const upcoming = donor.locator('#upcoming .upcoming');
      await expect(upcoming).toHaveCount(1);
      await expect(upcoming).toContainText(causeName);
      chargeDay = isoDate(await upcoming.locator('h3').innerText());
    });

    await test.step('the billing run charges it', async () => {
      const out = serverCli(['billing', 'run', '--as-of', chargeDay]);
      expect(out).toContain(`Billing run as of ${chargeDay}`);
      await donor.goto('/account/billing');
      const charge = donor.locator('#past-charges');
      await expect(charge).toContainText(causeName);
      await expect(charge.getByRole('link', { name: 'Where it went' })).toHaveCount(1);
      await snap(donor, testInfo, '01-donor-charged');
      await axe(donor, testInfo, 'billing-charged');
    });

    let received = 0;
    let receiptHref = '';
    await test.step('the organizer records two expenses, one with an uploaded PDF receipt', async () => {
      await page.goto(`/studio/p/${causeId}/expenses`);
      received = await amountOf(page.locator('#received'));
      expect(received).toBeGreaterThan(825);
      expect(received).toBeLessThan(2000);

      // A text file named .pdf is refused next to its field, and nothing is attached.
      await page.getByLabel('Receipt file').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not really a pdf') });
      await page.getByRole('button', { name: 'Upload receipt' }).click();
      await expect(page).toHaveURL(/\?receipt_error=receipt_type#new-expense$/);
      await expect(page.locator('#receipt-file-error')).toHaveText('That file is not a PDF, PNG, JPEG or WebP file.');
      await expect(page.getByLabel('Receipt file')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.locator('#expense-receipt')).toHaveValue('');
      await snap(page, testInfo, '02-receipt-refused');
      await axe(page, testInfo, 'expenses-receipt-refused');

      await page.getByLabel('Receipt file').setInputFiles(RECEIPT_PDF);
      await page.getByRole('button', { name: 'Upload receipt' }).click();
      await expect(page).toHaveURL(/\?receipt=[0-9a-f]{64}\.pdf#new-expense$/);
      await expect(page.getByRole('status')).toContainText('Receipt uploaded');
      receiptHref = await page.locator('#expense-receipt').inputValue();
      expect(receiptHref).toMatch(/^\/media\/[0-9a-f]{64}\.pdf$/);
      const served = await page.request.get(receiptHref);
      expect(served.status()).toBe(200);
      expect(served.headers()['content-type']).toBe('application/pdf');
      expect(served.headers()['content-disposition']).toMatch(/^inline; filename="receipt-[0-9a-f]{12}\.pdf"$/);

      await page.getByLabel(/^Amount/).fill('5.00');
      await page.getByLabel('What it paid for').fill('Water pipes');
      await page.getByRole('button', { name: 'Record expense' }).click();
      await expect(page).toHaveURL(/\?saved=expense$/);

      await page.getByLabel(/^Amount/).fill('3.25');
      await page.getByLabel('What it paid for').fill('Pipe fittings');
      await page.getByLabel('Receipt link (optional)').fill('https://example.org/invoices/42');
      await page.getByRole('button', { name: 'Record expense' }).click();
      await expect(page).toHaveURL(/\?saved=expense$/);
      await expect(page.locator('#spent')).toHaveText(usd(825));
      await expect(page.locator('#unspent')).toHaveText(usd(received - 825));
      await expect(page.locator('.expense-list li')).toHaveCount(2);
      await snap(page, testInfo, '03-expenses');
      await axe(page, testInfo, 'expenses');
    });

    await test.step('the operator records the payout of the spent money and marks it paid', async () => {
      const out = serverCli(['payouts', 'record', '--page', slug, '--amount', '8.25', '--reference', reference]);
      const id = /payout (\d+) of \$8\.25/.exec(out)?.[1];
      expect(id, out).toBeTruthy();
      expect(serverCli(['payouts', 'mark-paid', id!])).toContain(`payout ${id} marked paid`);
    });

    await test.step("the donor's trail shows the charge, the split, the payout and both expenses", async () => {
      await donor.goto('/account/billing');
      await donor.locator('#past-charges').getByRole('link', { name: 'Where it went' }).click();
      await expect(donor).toHaveURL(/\/account\/donations\/\d+$/);
      await expect(donor.getByRole('heading', { level: 1, name: 'Where your donation went' })).toBeVisible();
      await expect(donor.locator('#charged')).toContainText(/Charged on .* as part of charge CH-\d{6}/);

      const gross = await amountOf(donor.locator('#trail-gross'));
      const fee = await amountOf(donor.locator('#trail-fee'));
      const platform = await amountOf(donor.locator('#trail-platform'));
      const net = await amountOf(donor.locator('#trail-net'));
      expect(gross).toBe(2000);
      expect(fee).toBeGreaterThan(0);
      expect(platform).toBeGreaterThanOrEqual(0);
      expect(fee + platform + net).toBe(gross);
      // The only donation to this cause: the organizer's "received" is exactly its net.
      expect(net).toBe(received);

      const spent = donor.locator('table[aria-labelledby="spent-title"] tbody tr');
      await expect(spent).toHaveCount(2);
      const pipes = spent.filter({ hasText: 'Water pipes' });
      const fittings = spent.filter({ hasText: 'Pipe fittings' });
      await expect(pipes.locator('td.num')).toHaveText([usd(500), usd(500)]);
      await expect(fittings.locator('td.num')).toHaveText([usd(325), usd(325)]);
      await expect(pipes.getByRole('link', { name: 'Receipt' })).toHaveAttribute('href', receiptHref);
      await expect(fittings.getByRole('link', { name: 'Receipt' })).toHaveAttribute('href', 'https://example.org/invoices/42');
      const parts = (await amountOf(pipes.locator('td.num').last())) + (await amountOf(fittings.locator('td.num').last()));
      expect(parts).toBe(825);
      await expect(donor.locator('#trail-unspent')).toHaveText(usd(net - parts));

      const paid = donor.locator('table[aria-labelledby="paid-title"] tbody tr');
      await expect(paid).toHaveCount(1);
      await expect(paid).toContainText(reference);
      await expect(paid).toContainText('arrived');
      await expect(paid.locator('td.num')).toHaveText(usd(parts));
      // A cause's payout pays out spent money: all of this donation's spent part is paid out.
      const paidOut = await amountOf(paid.locator('td.num'));
      expect(parts - paidOut).toBe(0);
      // Nothing is left to pay out: the page says so rather than "Not paid out yet: $0.00".
      await expect(donor.locator('#trail-unpaid')).toHaveCount(0);
      await expect(donor.locator('#trail-paid-out')).toContainText('All of it has been paid out');
      await snap(donor, testInfo, '04-donation-trail');
      await axe(donor, testInfo, 'donation-trail');
    });

    await test.step("the cause's public page lists both expenses under Money out", async () => {
      await donor.goto(`/c/${slug}`);
      await expect(donor.locator('#money-out-title')).toHaveText('Money out');
      await expect(donor.locator('#total-in')).toHaveText(usd(2000));
      await expect(donor.locator('#total-net')).toHaveText(usd(received));
      await expect(donor.locator('#total-spent')).toHaveText(usd(825));
      await expect(donor.locator('#total-unspent')).toHaveText(usd(received - 825));
      const rows = donor.locator('table[aria-labelledby="money-out-title"] tbody tr');
      await expect(rows).toHaveCount(2);
      await expect(rows.filter({ hasText: 'Water pipes' })).toContainText(usd(500));
      await expect(rows.filter({ hasText: 'Water pipes' }).getByRole('link', { name: 'Receipt' })).toHaveAttribute('href', receiptHref);
      await expect(rows.filter({ hasText: 'Pipe fittings' })).toContainText(usd(325));
      await snap(donor, testInfo, '05-cause-money-out');
      await axe(donor, testInfo, 'cause-money-out');
    });
  } finally {
    await donorContext.close();
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the receipt upload is a plain form: a bad file is refused, a PDF is attached to the next expense', async ({ page }, testInfo) => {
    const project = testInfo.project.name;
    const slug = `receipts-${project}-${crypto.randomBytes(3).toString('hex')}`;
    const email = uniqueEmail(testInfo, 'organizer');
    const password = strongPassword();
    await signUpVerified(page, `Organizer ${project}`, email, password);
    await logIn(page, email, password);
    await page.goto('/studio/new');
    await page.getByLabel(/Cause: a campaign/).check();
    await page.getByLabel('Name', { exact: true }).fill('Receipts without scripts');
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    const id = /\/studio\/p\/(\d+)/.exec(page.url())![1];

    await page.goto(`/studio/p/${id}/expenses`);
    await page.getByLabel('Receipt file').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('GIF89a pretending') });
    await page.getByRole('button', { name: 'Upload receipt' }).click();
    await expect(page.locator('#receipt-file-error')).toHaveText('That file is not a PDF, PNG, JPEG or WebP file.');

    await page.getByLabel('Receipt file').setInputFiles(RECEIPT_PDF);
    await page.getByRole('button', { name: 'Upload receipt' }).click();
    await expect(page).toHaveURL(/\?receipt=[0-9a-f]{64}\.pdf#new-expense$/);
    await expect(page.locator('#expense-receipt')).toHaveValue(/^\/media\/[0-9a-f]{64}\.pdf$/);
    await expect(page.locator('#receipt-file-error')).toHaveCount(0);
    await snap(page, testInfo, '01-nojs-receipt-attached');
  });
});
