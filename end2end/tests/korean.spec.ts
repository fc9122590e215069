import { expect, type Page } from '@playwright/test';
import {
  expectNoSeriousA11yViolations as axe,
  linkIn,
  serverCli,
  snap,
  strongPassword,
  test,
  todayUtc,
  uniqueEmail,
  waitForEmail,
} from './helpers';

// A Korean fan on a phone, from a browser that asks for Korean: every page answers in Korean
// (`<html lang="ko">`), with won written as Korean readers write them. They sign up, confirm
// the emailed link (a Korean email), save the test card, pledge to a Korean creator's tier in
// won, tip a Korean cause typing "12,000원", the billing run charges them once, and the
// donation trail says where the money went. Every page is checked with axe and for sideways
// scrolling at 320 and 375 px.

test.use({ locale: 'ko-KR' });

type Info = Parameters<typeof snap>[1];

/** Korean page, no sideways scroll at 320 or 375 px, axe clean, and a screenshot at each width. */
async function looksRight(page: Page, testInfo: Info, label: string) {
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  for (const width of [320, 375]) {
    await page.setViewportSize({ width, height: 740 });
    const { scroll, inner } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: Math.min(window.innerWidth, document.documentElement.clientWidth),
    }));
    expect(scroll, `${label} scrolls sideways at ${width}px`).toBeLessThanOrEqual(Math.min(inner, width));
    await snap(page, testInfo, `${label}-${width}`);
    // What the eye meets first, at screen size.
    await page.screenshot({ path: testInfo.outputPath(`${label}-${width}-screen.png`) });
  }
  await page.setViewportSize({ width: 375, height: 740 });
  await axe(page, testInfo, label);
}

test('a Korean fan signs up, pledges and tips in won, is charged once and follows the trail', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone-sized journey');
  test.setTimeout(240_000);
  const email = uniqueEmail(testInfo, 'ko');
  const password = strongPassword();

  await test.step('the front page is in Korean, with the language switcher', async () => {
    await page.goto('/');
    await expect(page.locator('header').getByRole('link', { name: '둘러보기' })).toBeVisible();
    const switcher = page.locator('form.language-switch');
    await expect(switcher.locator('[aria-current="true"]')).toHaveText('한국어');
    await expect(switcher.getByRole('button', { name: 'English' })).toBeVisible();
    await looksRight(page, testInfo, 'ko-01-home');
  });

  await test.step('sign up in Korean and confirm the address from a Korean email', async () => {
    await page.goto('/signup');
    await expect(page.getByRole('heading', { level: 1, name: 'Chipin 계정 만들기' })).toBeVisible();
    await page.getByLabel('이름').fill('김하늘');
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('비밀번호', { exact: true }).fill(password);
    await looksRight(page, testInfo, 'ko-02-signup');
    await page.getByRole('button', { name: '계정 만들기' }).click();
    await expect(page).toHaveURL(/\/signup\/check-email$/);
    const mail = await waitForEmail(email, 'Chipin 계정을 확인해 주세요');
    expect(mail.text).toContain('Chipin에 오신 것을 환영합니다');
    await page.goto(linkIn(mail, '/verify-email'));
    await expect(page).toHaveURL(/\/login\?verified=1$/);
    await expect(page.getByRole('status')).toContainText('이메일 주소가 확인되었습니다');
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('비밀번호', { exact: true }).fill(password);
    await page.locator('main').getByRole('button', { name: '로그인' }).click();
    await expect(page).not.toHaveURL(/\/login/);
  });

  await test.step('save the test card', async () => {
    await page.goto('/account/billing');
    await expect(page.getByRole('heading', { level: 1, name: '결제' })).toBeVisible();
    const section = page.locator('#payment-method');
    await section.getByRole('radio', { name: '4242로 끝나는 Visa — 항상 성공' }).check();
    await section.getByRole('button', { name: '결제 수단 저장' }).click();
    await expect(page.getByRole('status')).toHaveText('결제 수단을 저장했습니다.');
  });

  await test.step("pledge to a Korean creator's tier in won", async () => {
    await page.goto('/c/seoyeon-hanji');
    await expect(page.getByRole('heading', { level: 1, name: '서연의 한지 공방' })).toBeVisible();
    await expect(page.locator('main')).toContainText('5,000원');
    await page.getByRole('link', { name: '한지 등불 선택' }).click();
    await expect(page).toHaveURL(/[?&]tier=\d+#pledge$/);
    await looksRight(page, testInfo, 'ko-03-creator');
    await page.getByRole('button', { name: '정기 후원하기' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=pledge$/);
    await expect(page.getByRole('status')).toContainText('서연의 한지 공방에 매달 5,000원씩 보내는 정기 후원이 설정되었습니다');
  });

  await test.step('tip a Korean cause, typing the amount as Koreans write it', async () => {
    await page.goto('/c/mangwon-library');
    await page.getByLabel('팁 금액 (KRW)').fill('12,000원');
    await page.getByLabel('메시지 (선택)').fill('주말 동화 시간 응원합니다!');
    await looksRight(page, testInfo, 'ko-04-cause');
    await page.getByRole('button', { name: '팁 보내기' }).click();
    await expect(page).toHaveURL(/\/account\/billing\?added=tip$/);
    await expect(page.getByRole('status')).toContainText('12,000원 팁');
    const upcoming = page.locator('#upcoming .upcoming');
    await expect(upcoming).toHaveCount(1);
    await expect(upcoming.locator('tfoot')).toContainText('17,000원');
    await looksRight(page, testInfo, 'ko-05-billing-upcoming');
  });

  await test.step('the billing run charges both gifts at once', async () => {
    const out = serverCli(['billing', 'run', '--as-of', todayUtc()]);
    expect(out).toMatch(/charges succeeded\s+[1-9]/);
    const receipt = await waitForEmail(email, 'Chipin 영수증: 17,000원');
    expect(receipt.text).toContain('서연의 한지 공방');
  });

  await test.step('one charge in won, and the trail of the tip in Korean', async () => {
    await page.goto('/account/billing');
    const charges = page.locator('#past-charges article.charge');
    await expect(charges).toHaveCount(1);
    await expect(charges.first()).toHaveAttribute('data-status', 'Succeeded');
    await expect(charges.first().locator('.charge-amount')).toHaveText(/17,000원/);
    await expect(charges.first().locator('table.donations tbody tr')).toHaveCount(2);
    await looksRight(page, testInfo, 'ko-06-billing-charged');
    const row = charges.first().locator('table.donations tbody tr', { hasText: '망원동' });
    await row.getByRole('link', { name: '후원 경로' }).click();
    await expect(page).toHaveURL(/\/account\/donations\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('내 후원금이 간 곳');
    await expect(page.locator('main')).toContainText('12,000원');
    await looksRight(page, testInfo, 'ko-07-trail');
  });

  await test.step('the switcher turns the same page to English, and the account keeps it', async () => {
    await page.locator('form.language-switch').getByRole('button', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/account\/donations\/\d+$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Where your donation went');
    await expect(page.locator('main')).toContainText('₩12,000');
  });
});
