import { expect } from '@playwright/test';
import {
  emailsTo,
  expectNoSeriousA11yViolations as axe,
  fillSignUp,
  linkIn,
  logIn,
  logOut,
  openMenu,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
  waitForEmail,
} from './helpers';

// Every page here is server-rendered and its forms are plain posts, so these tests pass with
// or without the WebAssembly bundle: they never wait for hydration.

test('sign up, confirm the address, log in, see the account and log out', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'signup');
  const name = `Ada ${testInfo.project.name}`;
  const password = strongPassword();

  await test.step('the sign-up page', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Create your Chipin account' })).toBeVisible();
    await snap(page, testInfo, '01-signup');
    await axe(page, testInfo, 'signup');
  });

  await test.step('a too-short password is refused next to its field, and nothing is created', async () => {
    await fillSignUp(page, name, email, 'short1');
    await expect(page).toHaveURL(/\/signup(\?.*)?$/);
    const error = page.locator('p.field-error[role="alert"]');
    await expect(error).toHaveCount(1);
    await expect(error).toHaveText('Use at least 8 characters for your password.');
    await expect(error).toHaveId('password-error');
    await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'false');
    await expect(page.getByRole('heading', { name: 'Check your email' })).toHaveCount(0);
    await snap(page, testInfo, '02-signup-password-too-short');
    await axe(page, testInfo, 'signup-with-error');
    // The mail worker writes within ~2 s: give it time to (wrongly) send something.
    await page.waitForTimeout(3_000);
    expect(emailsTo(email), 'no email for a refused sign-up').toEqual([]);
  });

  await test.step('a valid sign-up asks to check the inbox', async () => {
    await page.goto('/signup');
    await fillSignUp(page, name, email, password);
    await expect(page).toHaveURL(/\/signup\/check-email$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
    await snap(page, testInfo, '03-check-email');
    await axe(page, testInfo, 'signup-check-email');
  });

  const firstMail = await test.step('the confirmation email arrives (a new account, not "already exists")', async () => {
    const mail = await waitForEmail(email, 'Confirm your Chipin account');
    // The address is not verified yet, so nothing the sign-up form's author typed reaches it.
    expect(mail.text).toContain('Hello,');
    expect(mail.text).not.toContain(name);
    // Had the refused attempt created the account, this would be "You already have ...".
    expect(emailsTo(email).map((e) => e.subject)).toEqual(['Confirm your Chipin account']);
    return mail;
  });

  await test.step('logging in before confirming is refused and sends a new link', async () => {
    await page.getByRole('link', { name: 'Log in' }).first().click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
    await axe(page, testInfo, 'login');
    await logIn(page, email, password);
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    await expect(page.locator('.alert.alert-error')).toContainText('Please confirm your email address first');
    // None was sent (the first is minutes old): the page must not say one was.
    await expect(page.locator('.alert.alert-error')).not.toContainText('We have sent you a new link');
    await snap(page, testInfo, '04-login-unverified');
    await axe(page, testInfo, 'login-unverified');
    // A new link goes out only if none was sent in the last five minutes, so right after
    // signing up no second email is written: give the mail worker time, then check.
    await page.waitForTimeout(3_000);
    expect(emailsTo(email).map((e) => e.subject)).toEqual(['Confirm your Chipin account']);
  });

  await test.step('the link from the email confirms the address', async () => {
    await page.goto(linkIn(firstMail, '/verify-email'));
    await expect(page).toHaveURL(/\/login\?verified=1$/);
    await expect(page.getByRole('status')).toContainText('Your email address is confirmed');
    await snap(page, testInfo, '05-email-confirmed');
    await axe(page, testInfo, 'login-verified');
  });

  await test.step('a wrong password is refused', async () => {
    await logIn(page, email, `${password}-nope`);
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    await expect(page.locator('.alert.alert-error')).toHaveText('Email or password is incorrect.');
    await expect(page.getByRole('link', { name })).toHaveCount(0);
    await snap(page, testInfo, '06-login-wrong-password');
    await axe(page, testInfo, 'login-wrong-password');
  });

  await test.step('the right password opens the account page', async () => {
    await logIn(page, email, password);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    const facts = page.locator('dl.facts');
    await expect(facts).toContainText(name);
    await expect(facts).toContainText(email);
    const header = page.locator('header');
    await openMenu(page);
    await expect(header.getByRole('link', { name })).toHaveAttribute('href', '/account');
    await expect(header.getByRole('button', { name: 'Log out' })).toBeVisible();
    await expect(header.getByRole('link', { name: 'Log in' })).toHaveCount(0);
    await snap(page, testInfo, '07-account');
    await axe(page, testInfo, 'account');
  });

  await test.step('the header link leads back to the account', async () => {
    await page.goto('/');
    await snap(page, testInfo, '08-home-logged-in');
    await axe(page, testInfo, 'home-logged-in');
    await openMenu(page);
    await page.locator('header').getByRole('link', { name }).click();
    await expect(page).toHaveURL(/\/account$/);
  });

  await test.step('log out', async () => {
    await logOut(page);
    await expect(page).toHaveURL(/\/$/);
    const header = page.locator('header');
    await expect(header.getByRole('link', { name: 'Log in' })).toBeVisible();
    await expect(header.getByRole('link', { name: 'Sign up' })).toBeVisible();
    await expect(header.getByRole('link', { name })).toHaveCount(0);
    await expect(header.getByRole('button', { name: 'Log out' })).toHaveCount(0);
    await snap(page, testInfo, '09-logged-out');
    await axe(page, testInfo, 'home-logged-out');
  });

  await test.step('the account page now asks to log in', async () => {
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login\?next=(\/|%2F)account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  });
});

test('forgot password: reset by email, log in with the new password, link works once', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'reset');
  const name = `Grace ${testInfo.project.name}`;
  const oldPassword = strongPassword();
  const newPassword = strongPassword();

  await signUpVerified(page, name, email, oldPassword);

  await test.step('ask for a reset link from the login page', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible();
    await snap(page, testInfo, '01-forgot-password');
    await axe(page, testInfo, 'forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page).toHaveURL(/\/forgot-password\/sent$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
    await snap(page, testInfo, '02-reset-sent');
    await axe(page, testInfo, 'forgot-password-sent');
  });

  const resetPath = await test.step('the reset email arrives', async () => {
    const mail = await waitForEmail(email, 'Reset your Chipin password');
    // A verified address is greeted by the name its owner chose.
    expect(mail.text).toContain(`Hi ${name},`);
    return linkIn(mail, '/reset-password');
  });

  await test.step('choose a new password', async () => {
    await page.goto(resetPath);
    await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
    await snap(page, testInfo, '03-choose-new-password');
    await axe(page, testInfo, 'reset-password');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page).toHaveURL(/\/login\?reset=1$/);
    await expect(page.getByRole('status')).toContainText('Your password was changed');
    await snap(page, testInfo, '04-password-reset');
    await axe(page, testInfo, 'login-after-reset');
  });

  await test.step('the old password no longer works', async () => {
    await logIn(page, email, oldPassword);
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    await expect(page.locator('.alert.alert-error')).toHaveText('Email or password is incorrect.');
    await snap(page, testInfo, '05-old-password-refused');
  });

  await test.step('the new password works', async () => {
    await logIn(page, email, newPassword);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await openMenu(page);
    await expect(page.locator('header').getByRole('link', { name })).toBeVisible();
    await snap(page, testInfo, '06-account-after-reset');
  });

  await test.step('the same reset link is refused the second time', async () => {
    await page.goto(resetPath);
    await expect(page.getByRole('heading', { level: 1, name: 'This link no longer works' })).toBeVisible();
    await expect(page.getByLabel('New password')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Send a new link' })).toHaveAttribute('href', '/forgot-password');
    await snap(page, testInfo, '07-reset-link-reused');
    await axe(page, testInfo, 'reset-password-expired');
  });
});

test('change the password from the account page', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'change');
  const name = `Katherine ${testInfo.project.name}`;
  const oldPassword = strongPassword();
  const newPassword = strongPassword();

  await signUpVerified(page, name, email, oldPassword);
  await logIn(page, email, oldPassword);
  await expect(page).toHaveURL(/\/account$/);

  await test.step('a wrong current password is refused', async () => {
    await page.getByLabel('Current password').fill(`${oldPassword}-nope`);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/account(\?.*)?$/);
    await expect(page.locator('#current_password-error')).toHaveText('Your current password is incorrect.');
    await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
    await snap(page, testInfo, '01-change-password-wrong-current');
    await axe(page, testInfo, 'account-with-error');
  });

  await test.step('the right current password changes it', async () => {
    await page.getByLabel('Current password').fill(oldPassword);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/account\?changed=1$/);
    await expect(page.getByRole('status')).toContainText('Your password was changed');
    await snap(page, testInfo, '02-password-changed');
    await axe(page, testInfo, 'account-changed');
    await waitForEmail(email, 'Your Chipin password was changed');
  });

  await test.step('log out and back in with the new password', async () => {
    await logOut(page);
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/login');
    await logIn(page, email, oldPassword);
    await expect(page.locator('.alert.alert-error')).toHaveText('Email or password is incorrect.');
    await logIn(page, email, newPassword);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.locator('dl.facts')).toContainText(email);
  });
});
