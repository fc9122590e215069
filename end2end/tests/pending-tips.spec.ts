import { expect, type Page, type TestInfo } from '@playwright/test';
import { logIn, signUpVerified, snap, strongPassword, test, uniqueEmail } from './helpers';

// A fan on a phone tips a cause: the fee of the amount typed shows in the tip form (the amount
// is asked once), a large amount asks before it is given, and the tip can be changed or
// removed from the billing page until it is charged. Every form is a plain post, so the same
// steps run with and without JavaScript, at 375 px, with screenshots at 320 and 375 px.

const CAUSE = 'Keep Riverside Library open on Sundays';

async function noSidewaysScroll(page: Page, testInfo: TestInfo, label: string) {
  for (const width of [320, 375]) {
    await page.setViewportSize({ width, height: 740 });
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(fits, `${label} scrolls sideways at ${width} px`).toBe(true);
    await snap(page, testInfo, `${label}-${width}`);
  }
  await page.setViewportSize({ width: 375, height: 740 });
}

async function journey(page: Page, testInfo: TestInfo) {
  await page.setViewportSize({ width: 375, height: 740 });
  const email = uniqueEmail(testInfo, 'tipper');
  const password = strongPassword();
  await signUpVerified(page, `Tipper ${testInfo.project.name}`, email, password);
  await logIn(page, email, password);
  await page.goto('/c/riverside-library');

  await test.step('the tip form shows the fee of the amount typed', async () => {
    const tip = page.locator('#tip');
    await tip.getByLabel('Tip amount (USD)').fill('7');
    await tip.getByRole('button', { name: 'Preview fee' }).click();
    await expect(page.locator('#tip-fee')).toContainText('Fee: $0.50 of $7.00');
    await expect(tip.getByLabel('Tip amount (USD)')).toHaveValue('7');
    await noSidewaysScroll(page, testInfo, '01-tip-fee');
  });

  await test.step('a large tip asks first, at the field, keeping what was typed', async () => {
    const tip = page.locator('#tip');
    await tip.getByLabel('Tip amount (USD)').fill('250');
    await tip.getByLabel('Message (optional)').fill('For the Sunday story hour.');
    await tip.getByRole('button', { name: 'Send tip' }).click();
    const ask = page.locator('#tip-confirm_large');
    await expect(ask).toContainText(`Give $250.00 to ${CAUSE}?`);
    await expect(page.locator('#tip').getByLabel('Tip amount (USD)')).toHaveValue('250');
    await expect(page.locator('#tip').getByLabel('Message (optional)')).toHaveValue('For the Sunday story hour.');
    await expect(page.locator('#tip-fee')).toContainText('$250.00');
    await noSidewaysScroll(page, testInfo, '02-confirm-large');
    await ask.getByRole('button', { name: 'Yes, give $250.00' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=tip$/);
    await expect(page.getByRole('status')).toContainText(`Your tip of $250.00 to ${CAUSE}`);
    await expect(page.locator('#upcoming')).toContainText('the card fee is not added on top');
  });

  await test.step('the pending tip is changed on the billing page', async () => {
    const manage = page.locator('#upcoming details.tip-manage');
    await manage.locator('summary').click();
    await manage.getByLabel('Tip amount (USD)').fill('3');
    await manage.getByLabel('Message (optional)').fill('Changed my mind: a smaller one.');
    await noSidewaysScroll(page, testInfo, '03-tip-change-form');
    await manage.getByRole('button', { name: 'Change tip' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?done=tip_changed#upcoming$/);
    await expect(page.getByRole('status')).toContainText('Your tip was changed.');
    await expect(page.locator('#upcoming tbody')).toContainText('$3.00');
    await expect(page.locator('#upcoming tbody')).not.toContainText('$250.00');
    await noSidewaysScroll(page, testInfo, '03-tip-changed');
  });

  await test.step('and removed, after saying yes', async () => {
    const manage = page.locator('#upcoming details.tip-manage');
    await manage.locator('summary').click();
    await manage.getByRole('button', { name: /Remove tip of \$3\.00/ }).click();
    await expect(page).toHaveURL(/\/confirm$/);
    await expect(page.locator('#confirm-question')).toContainText(`Remove your tip of $3.00 to ${CAUSE}?`);
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?done=tip_removed#upcoming$/);
    await expect(page.getByRole('status')).toContainText('Your tip was removed.');
    await expect(page.locator('#upcoming details.tip-manage')).toHaveCount(0);
    await noSidewaysScroll(page, testInfo, '04-tip-removed');
  });
}

test.describe('with JavaScript', () => {
  test('a fan previews the fee, confirms a large tip, changes it and removes it', async ({ page }, testInfo) => {
    await journey(page, testInfo);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('a fan previews the fee, confirms a large tip, changes it and removes it', async ({ page }, testInfo) => {
    await journey(page, testInfo);
  });
});
