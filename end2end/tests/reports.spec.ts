import { expect } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import {
  expectNoSeriousA11yViolations as axe,
  logIn,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
} from './helpers';

// The reports a person reaches from their pages: a supporter's yearly statement (and its CSV)
// from the billing page, and a creator's supporters list and income chart from the studio.

test('a supporter finds the yearly statement and downloads it as CSV', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'statement');
  const password = strongPassword();
  const year = new Date().getUTCFullYear();
  await signUpVerified(page, `Statement ${testInfo.project.name}`, email, password);
  await logIn(page, email, password);
  await page.goto('/account/billing');
  await page.getByRole('link', { name: 'Yearly statement and CSV download' }).click();
  await expect(page).toHaveURL(/\/account\/billing\/statement$/);
  await expect(page.getByRole('heading', { level: 1, name: `Statement for ${year}` })).toBeVisible();
  await expect(page.getByText(`No donations were paid in ${year}.`)).toBeVisible();
  await snap(page, testInfo, '01-statement');
  await axe(page, testInfo, 'statement');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv.startsWith('Date,Recipient,Donation,Currency,Gross,Fee share,Platform fee,Net,Charge reference\r\n')).toBe(true);

  await page.getByLabel('Year').fill('2025');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/year=2025/);
  await expect(page.getByRole('heading', { level: 1, name: 'Statement for 2025' })).toBeVisible();
});

test('a creator opens the supporters list, filters it, and sees the income chart', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'reports');
  const password = strongPassword();
  const slug = `reports-${testInfo.project.name}-${crypto.randomBytes(3).toString('hex')}`;
  await signUpVerified(page, `Reports ${testInfo.project.name}`, email, password);
  await logIn(page, email, password);
  await page.goto('/studio/new');
  await page.getByLabel('Name', { exact: true }).fill('Ada Paints Harbours');
  await page.getByLabel('Page address').fill(slug);
  await page.getByLabel('Category').selectOption('Art');
  await page.getByLabel('Goal (optional)').fill('300');
  await page.getByLabel('Currency').selectOption('USD');
  await page.getByRole('button', { name: 'Create page' }).click();
  await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);

  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Supporters' }).click();
  await expect(page).toHaveURL(/\/studio\/p\/\d+\/supporters$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Supporters' })).toBeVisible();
  await expect(page.getByText('No supporters to show yet.')).toBeVisible();
  await page.getByLabel('Status').selectOption('paused');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/\/supporters\?status=paused$/);
  await expect(page.getByLabel('Status')).toHaveValue('paused');
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /supporters\.csv\?status=paused$/);
  await snap(page, testInfo, '01-supporters');
  await axe(page, testInfo, 'supporters');

  await page.getByRole('link', { name: '← Ada Paints Harbours' }).click();
  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Income' }).click();
  await expect(page).toHaveURL(/\/studio\/p\/\d+\/income$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Income' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Net income per month' })).toBeVisible();
  await expect(page.locator('#this-month')).toHaveText('$0.00');
  await expect(page.getByText('$0.00 of $300.00 a month pledged (0%)')).toBeVisible();
  await snap(page, testInfo, '02-income');
  await axe(page, testInfo, 'income');
});
