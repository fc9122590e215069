import { expect } from '@playwright/test';
import { expectNoSeriousA11yViolations as axe, snap, test } from './helpers';

// A visitor finds creators and causes on the front page (search, filters, order) and reads a
// creator's page: its picture, tiers with places left, the monthly goal's progress bar, recent
// supporters and tip messages, and the tags a shared link shows. The demo data (loaded for
// these tests) has five pages: three creators (Art, Software, Music) and two causes; demo
// supporters pledge and tip publicly, anonymously and privately. Other tests may add pledges,
// so counts here are checked loosely.

test('search and filter the explore list, then read a creator page with its goal and meta tags', async ({ page }, testInfo) => {
  const cards = page.locator('#explore .card');
  let everyone = 0;

  await test.step('the front page lists everyone, most supported first, with a featured row', async () => {
    await page.goto('/');
    await expect(page).toHaveTitle('Support creators and causes, one charge a month · Chipin');
    await expect(page.getByRole('heading', { level: 2, name: 'Featured' })).toBeVisible();
    // Other tests' studio pages may be listed too; the five demo pages always are.
    await expect(page.locator('#explore .result-count')).toHaveText(/^\d+ creators and causes$/);
    everyone = await cards.count();
    expect(everyone).toBeGreaterThanOrEqual(5);
    await expect(cards.first().getByRole('heading', { level: 3 })).toHaveText('Mara Draws Birds');
    await expect(page.locator('meta[property="og:type"]')).toHaveAttribute('content', 'website');
    await snap(page, testInfo, '01-explore');
    await axe(page, testInfo, 'explore');
  });

  await test.step('a search by name narrows the list', async () => {
    await page.getByLabel('Search by name').fill('harbour');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/[?&]q=harbour/);
    await expect(cards.filter({ hasText: 'Harbour Cleanup 2027' })).toHaveCount(1);
    await expect(page.locator('#explore .result-count')).toHaveText(/^\d+ creators? (or|and) causes?$/);
    expect(await cards.count()).toBeLessThan(everyone);
    for (const title of await cards.locator('h3').allTextContents()) expect(title).toMatch(/harbour/i);
    await expect(page.getByRole('heading', { level: 2, name: 'Featured' })).toHaveCount(0);
  });

  await test.step('filters by kind and category, newest first', async () => {
    await page.getByLabel('Search by name').fill('');
    await page.getByLabel('Kind').selectOption('cause');
    await page.getByLabel('Sort by').selectOption('newest');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/kind=cause/);
    const harbour = cards.filter({ hasText: 'Harbour Cleanup 2027' });
    const library = cards.filter({ hasText: 'Keep Riverside Library open on Sundays' });
    await expect(harbour).toHaveCount(1);
    await expect(library).toHaveCount(1);
    const titles = await cards.locator('h3').allTextContents();
    expect(titles.indexOf('Harbour Cleanup 2027')).toBeLessThan(
      titles.indexOf('Keep Riverside Library open on Sundays'),
    );
    for (const badge of await cards.locator('.badge').allTextContents()) expect(badge).toBe('Cause');
    await snap(page, testInfo, '02-explore-causes');

    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Category').selectOption('Music');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(cards.filter({ hasText: "Ji-woo's Late-Night Piano" })).toHaveCount(1);
    for (const card of await cards.all()) await expect(card).not.toContainText('Mara Draws Birds');
  });

  await test.step('nonsense parameters fall back to the whole list', async () => {
    const res = await page.goto('/?page=-4&sort=loudest&kind=robot');
    expect(res?.status()).toBe(200);
    await expect(cards).toHaveCount(Math.min(everyone, 24));
  });

  await test.step("a creator page shows the picture, tiers, goal progress and public supporters only", async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Mara Draws Birds' }).first().click();
    await expect(page).toHaveURL(/\/c\/mara-draws$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Mara Draws Birds' })).toBeVisible();
    await expect(page.getByRole('img', { name: 'Picture of Mara Draws Birds' })).toBeVisible();

    const bar = page.getByRole('progressbar');
    await expect(bar).toHaveCount(1);
    await expect(bar).toHaveAttribute('max', '100');
    await expect(bar).toHaveAttribute('value', /^\d+$/);
    await expect(bar).toHaveAccessibleName(/of \$1,500\.00 monthly goal pledged/);
    await expect(bar).toHaveAttribute('aria-valuetext', /of \$1,500\.00 monthly goal pledged \(\d+%\)/);
    await expect(page.locator('.goal-label')).toContainText('of $1,500.00 monthly goal pledged');
    await expect(page.locator('.supporter-count')).toHaveText(/^\d+ supporters$/);

    await expect(page.locator('.tier').filter({ hasText: 'Bird of prey' })).toContainText(/\d+ of 25 places left/);
    const supporters = page.getByRole('region', { name: 'Recent supporters' });
    await expect(supporters).toContainText('Ana Sousa');
    await expect(supporters).toContainText('Anonymous');
    await expect(page.locator('main')).not.toContainText('Dev Patel');
    const messages = page.getByRole('region', { name: 'Messages from tippers' });
    await expect(messages).toContainText('The heron page is on our fridge. Thank you!');
    await expect(messages).toContainText('Anonymous');
    await snap(page, testInfo, '03-creator');
    await axe(page, testInfo, 'creator');
  });

  await test.step('the page carries its own title, description and Open Graph tags', async () => {
    await page.goto('/c/mara-draws');
    await expect(page).toHaveTitle('Mara Draws Birds · Chipin');
    const description = 'Watercolour field guides to the birds outside your window';
    await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', description);
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Mara Draws Birds');
    await expect(page.locator('meta[property="og:description"]')).toHaveAttribute('content', description);
    await expect(page.locator('meta[property="og:type"]')).toHaveAttribute('content', 'profile');
    await expect(page.locator('meta[property="og:url"]')).toHaveAttribute('content', /\/c\/mara-draws$/);
    await expect(page.locator('meta[property="og:image"]')).toHaveAttribute('content', /\/demo\/mara-draws\.svg$/);
  });

  await test.step('a cause page shows its target, organizer, deadline and public ledger', async () => {
    await page.goto('/c/riverside-library');
    await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /target raised, after card fees/);
    await expect(page.locator('.profile-facts')).toContainText('Organized by Riverside Library Friends');
    await expect(page.locator('.profile-facts')).toContainText(/Ends \d+ \w+ \d{4}/);
    await expect(page.getByRole('heading', { level: 2, name: 'Public ledger' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: 'Money out' })).toBeVisible();
    await snap(page, testInfo, '04-cause');
    await axe(page, testInfo, 'cause');
  });
});

test('the explore form and page links work without JavaScript', async ({ browser }, testInfo) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: testInfo.project.use.baseURL,
    viewport: testInfo.project.use.viewport,
  });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Search by name').fill('draws');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/[?&]q=draws/);
    await expect(page.locator('#explore .card')).toHaveCount(1);
    await page.getByRole('link', { name: 'Mara Draws Birds' }).click();
    await expect(page.getByRole('progressbar')).toBeVisible();
    await snap(page, testInfo, 'no-js-creator');
  } finally {
    await context.close();
  }
});
