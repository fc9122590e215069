import { expect } from '@playwright/test';
import crypto from 'node:crypto';
import {
  expectNoSeriousA11yViolations as axe,
  expectNotFound,
  logIn,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
} from './helpers';

// The pages no other flow stops on, each checked with axe: the 404 page, an expired
// confirmation link, the empty studio, and a post opened again for editing. (Every other route
// is checked in the flow that reaches it.)

test('the not-found and expired-link pages look like the site and pass axe', async ({ page }, testInfo) => {
  expectNotFound('/no/such/page');
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Explore creators and causes' })).toHaveAttribute('href', '/');
  await snap(page, testInfo, '01-not-found');
  await axe(page, testInfo, 'not-found');

  await page.goto('/verify-email/failed');
  await expect(page.getByRole('heading', { level: 1, name: 'This link no longer works' })).toBeVisible();
  await axe(page, testInfo, 'verify-failed');
});

test('the empty studio and a post opened for editing pass axe', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'pages');
  const password = strongPassword();
  const slug = `pages-${testInfo.project.name}-${crypto.randomBytes(3).toString('hex')}`;
  await signUpVerified(page, `Pages ${testInfo.project.name}`, email, password);
  await logIn(page, email, password);

  await page.goto('/studio');
  await expect(page.getByText('You have no pages yet.')).toBeVisible();
  await snap(page, testInfo, '01-studio-empty');
  await axe(page, testInfo, 'studio-empty');

  await page.goto('/studio/new');
  await page.getByLabel('Name', { exact: true }).fill('Ada Bakes Bread');
  await page.getByLabel('Page address').fill(slug);
  await page.getByLabel('Category').selectOption('Other');
  await page.getByLabel('Currency').selectOption('USD');
  await page.getByRole('button', { name: 'Create page' }).click();
  await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);

  await page.getByRole('link', { name: 'Write a post' }).click();
  await page.getByLabel('Title').fill('Sourdough notes');
  await page.getByLabel('Post (Markdown)').fill('Feed the starter **twice**.');
  await page.getByRole('button', { name: 'Publish post' }).click();
  await expect(page).toHaveURL(/\?saved=post#posts$/);
  await page.getByRole('link', { name: 'Edit Sourdough notes' }).click();
  await expect(page).toHaveURL(/\/studio\/p\/\d+\/posts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit post' })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue('Sourdough notes');
  await snap(page, testInfo, '02-edit-post');
  await axe(page, testInfo, 'studio-edit-post');

  await page.goto('/studio');
  await expect(page.getByRole('link', { name: /Ada Bakes Bread/ })).toBeVisible();
  await axe(page, testInfo, 'studio-with-page');
});
