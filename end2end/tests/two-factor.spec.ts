import { expect, type Page, type TestInfo } from '@playwright/test';
import {
  expectNoSeriousA11yViolations as axe,
  freshTotpCode,
  logIn,
  logOut,
  openMenu,
  signUpVerified,
  snap,
  strongPassword,
  test,
  totpCode,
  uniqueEmail,
} from './helpers';

// A person turns on two-factor sign-in from their account (QR code and key, a wrong code
// refused next to its field, then the app's code), sees the recovery codes once, logs out and
// logs back in with password then code (a wrong code refused first), and once more with a
// recovery code instead of the app.

/** A six-digit code that is none of the codes the server accepts around now. */
function wrongCode(key: string): string {
  const now = Date.now();
  const valid = new Set([-60, -30, 0, 30, 60].map((s) => totpCode(key, now + s * 1000)));
  let n = 123456;
  while (valid.has(String(n))) n += 1;
  return String(n);
}

/** At 320 px wide the page does not scroll sideways; a screenshot at that width too. */
async function fitsNarrowScreen(page: Page, testInfo: TestInfo, step: string) {
  const before = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: before.height });
  try {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${step} at 320 px: page width ${scrollWidth} > ${innerWidth}`).toBeLessThanOrEqual(innerWidth);
    await snap(page, testInfo, `${step}-320`);
  } finally {
    await page.setViewportSize(before);
  }
}

test('two-factor sign-in: set up, recovery codes once, log in with a code or a recovery code', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'twofactor');
  const password = strongPassword();
  let key = '';
  let recoveryCodes: string[] = [];

  await test.step('the account page leads to setting it up', async () => {
    await signUpVerified(page, `Careful ${testInfo.project.name}`, email, password);
    await logIn(page, email, password);
    await expect(page).toHaveURL(/\/account$/);
    await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
    await expect(page).toHaveURL(/\/account\/two-factor$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Two-factor sign-in' })).toBeVisible();
    await snap(page, testInfo, '01-two-factor-off');
    await axe(page, testInfo, 'two-factor-off');
  });

  await test.step('set-up shows a QR code and the key as text', async () => {
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await expect(page).toHaveURL(/\/account\/two-factor$/);
    await expect(page.getByRole('img', { name: 'QR code to add Chipin to your authenticator app' })).toBeVisible();
    key = (await page.locator('#two-factor-secret').innerText()).replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{16,}=*$/);
    await snap(page, testInfo, '02-two-factor-setup');
    await axe(page, testInfo, 'two-factor-setup');
    await fitsNarrowScreen(page, testInfo, '02-two-factor-setup');
  });

  await test.step('a wrong code is refused next to its field and nothing is turned on', async () => {
    await page.getByLabel('Code from the app').fill(wrongCode(key));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect(page).toHaveURL(/\/account\/two-factor(\?.*)?$/);
    await expect(page.locator('#code-error')).toContainText('That code is not right');
    await expect(page.getByLabel('Code from the app')).toHaveAttribute('aria-invalid', 'true');
    // The same key is still on offer: the app the person set up keeps working.
    await expect(page.locator('#two-factor-secret')).toHaveText(new RegExp(key.split('').join('\\s*')));
    await snap(page, testInfo, '03-two-factor-wrong-code');
    await axe(page, testInfo, 'two-factor-wrong-code');
  });

  await test.step("the app's code turns it on and the recovery codes are shown", async () => {
    await page.getByLabel('Code from the app').fill(await freshTotpCode(key));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect(page).toHaveURL(/\/account\/two-factor\/recovery-codes$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
    const items = page.locator('.recovery-codes li');
    await expect(items).toHaveCount(10);
    recoveryCodes = (await items.allInnerTexts()).map((c) => c.trim());
    expect(new Set(recoveryCodes).size).toBe(10);
    await snap(page, testInfo, '04-recovery-codes');
    await axe(page, testInfo, 'recovery-codes');
    await fitsNarrowScreen(page, testInfo, '04-recovery-codes');
  });

  await test.step('the recovery codes are shown only once', async () => {
    await page.reload();
    await expect(page.locator('.recovery-codes')).toHaveCount(0);
    await expect(page.getByText('Recovery codes are shown only once')).toBeVisible();
    for (const code of recoveryCodes) await expect(page.locator('body')).not.toContainText(code);
    await page.goto('/account/two-factor');
    await expect(page.getByText('Two-factor sign-in is on.')).toBeVisible();
    await expect(page.getByText('Recovery codes left: 10 of 10.')).toBeVisible();
    await snap(page, testInfo, '05-two-factor-on');
    await axe(page, testInfo, 'two-factor-on');
  });

  await test.step('log out, then the password alone does not log in', async () => {
    await logOut(page);
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/login');
    await logIn(page, email, password);
    await expect(page).toHaveURL(/\/login\/two-factor(\?.*)?$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Enter your code' })).toBeVisible();
    await snap(page, testInfo, '06-login-code-step');
    await axe(page, testInfo, 'login-code-step');
    // Not logged in yet: the account page sends back to the login.
    const probe = await page.context().newPage();
    await probe.goto('/account');
    await expect(probe).toHaveURL(/\/login/);
    await probe.close();
  });

  await test.step('a wrong code is refused next to its field', async () => {
    await page.getByLabel('Code', { exact: true }).fill(wrongCode(key));
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/login\/two-factor(\?.*)?$/);
    await expect(page.locator('#code-error')).toContainText('That code is not right');
    await expect(page.getByLabel('Code', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await snap(page, testInfo, '07-login-wrong-code');
    await axe(page, testInfo, 'login-wrong-code');
  });

  await test.step("the app's next code logs in", async () => {
    await page.getByLabel('Code', { exact: true }).fill(await freshTotpCode(key));
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await openMenu(page);
    await expect(page.locator('header').getByRole('button', { name: 'Log out' })).toBeVisible();
  });

  await test.step('a recovery code logs in once instead of the app', async () => {
    await logOut(page);
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/login');
    await logIn(page, email, password);
    await expect(page).toHaveURL(/\/login\/two-factor(\?.*)?$/);
    await page.getByLabel('Code', { exact: true }).fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await page.goto('/account/two-factor');
    await expect(page.getByText('Recovery codes left: 9 of 10.')).toBeVisible();
  });
});
