import { expect } from '@playwright/test';
import {
  expectNoSeriousA11yViolations as axe,
  logIn,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
} from './helpers';

// Plain links and posts: passes with or without the WebAssembly bundle.

test('download your data, then delete your account', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'leaver');
  const name = `Leaver ${testInfo.project.name}`;
  const password = strongPassword();
  await signUpVerified(page, name, email, password);
  await logIn(page, email, password);
  await page.goto('/account');

  await test.step('the account page offers the download', async () => {
    await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download your data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^chipin-data-\d{4}-\d{2}-\d{2}\.zip$/);
    await snap(page, testInfo, '01-account-your-data');
  });

  await test.step('the delete page says what happens; a wrong confirmation keeps the account', async () => {
    await page.getByRole('link', { name: 'Delete your account…' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Delete your account' })).toBeVisible();
    await axe(page, testInfo, 'delete-account');
    await page.getByLabel('Your password').fill(password);
    await page.getByLabel('Type delete to confirm').fill('nope');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const error = page.locator('#confirm-error');
    await expect(error).toHaveText('Type the word delete to confirm.');
    await expect(page.getByLabel('Type delete to confirm')).toHaveAttribute('aria-invalid', 'true');
    await snap(page, testInfo, '02-delete-refused');
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(width[0]).toBeLessThanOrEqual(width[1]);
  });

  await test.step('deleting logs out everywhere and the old login stops working', async () => {
    await page.goto('/account/delete');
    await page.getByLabel('Your password').fill(password);
    await page.getByLabel('Type delete to confirm').fill('delete');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expect(page).toHaveURL(/\/account\/deleted$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account was deleted' })).toBeVisible();
    await snap(page, testInfo, '03-deleted');
    await page.goto('/login');
    await logIn(page, email, password);
    await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  });
});
