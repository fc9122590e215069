import { expect } from '@playwright/test';
import crypto from 'node:crypto';
import {
  expectNoSeriousA11yViolations as axe,
  logIn,
  signUpVerified,
  snap,
  strongPassword,
  test,
  uniqueEmail,
} from './helpers';

// A new creator builds a page in the studio: details with a previewed Markdown bio, an image,
// two tiers put in order, and a post only one tier's supporters can read. A visitor then sees
// the post as a locked teaser on the public page.

/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('a new creator makes a page with an image, two reordered tiers and a supporter-only post', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(testInfo, 'creator');
  const password = strongPassword();
  const slug = `studio-${testInfo.project.name}-${crypto.randomBytes(3).toString('hex')}`;

  await test.step('a new user opens the studio and creates a page', async () => {
    await signUpVerified(page, `Creator ${testInfo.project.name}`, email, password);
    await logIn(page, email, password);
    await page.goto('/studio');
    await expect(page.getByRole('heading', { level: 1, name: 'Studio' })).toBeVisible();
    await expect(page.getByText('You have no pages yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Create a page' }).click();
    await expect(page).toHaveURL(/\/studio\/new$/);
    await page.getByLabel('Name', { exact: true }).fill('Ada Paints Harbours');
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Tagline (optional)').fill('Watercolours of working ports');
    await page.getByLabel('Category').selectOption('Art');
    await page.getByLabel('Goal (optional)').fill('300');
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('About (Markdown)').fill('I paint **harbours** at dawn.');
    await snap(page, testInfo, '01-new-page-form');
    await axe(page, testInfo, 'studio-new-page');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\?saved=created$/);
    await expect(page.getByRole('status')).toContainText('Your page is live.');
    await expect(page.getByRole('heading', { level: 1, name: 'Ada Paints Harbours' })).toBeVisible();
  });

  await test.step('the bio is previewed before it is saved', async () => {
    await page.getByLabel('About (Markdown)').fill('I paint **harbours** at dawn.\n\n- Fishing boats\n- Cranes');
    await page.getByRole('button', { name: 'Preview' }).click();
    // A post: nothing typed (nor the CSRF token) travels in the address.
    await expect(page).toHaveURL(/\/studio\/p\/\d+#bio-preview$/);
    const preview = page.locator('#bio-preview');
    await expect(preview.locator('strong')).toHaveText('harbours');
    await expect(preview.locator('li')).toHaveCount(2);
    await expect(page.getByLabel('About (Markdown)')).toHaveValue(/Cranes/);
    await snap(page, testInfo, '02-bio-preview');
    await page.getByRole('button', { name: 'Save details' }).click();
    await expect(page).toHaveURL(/\?saved=page$/);
    await expect(page.getByRole('status')).toContainText('Page details saved.');
  });

  await test.step('an image is uploaded', async () => {
    await page.getByLabel('Upload an image').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload image' }).click();
    await expect(page).toHaveURL(/\?image=saved#image$/);
    await expect(page.locator('img.page-image')).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}\.png$/);
  });

  await test.step('two tiers are added and reordered', async () => {
    for (const [name, price, perks] of [
      ['Sketchbook', '5', 'Monthly sketch scans'],
      ['Studio pass', '12', 'Everything in Sketchbook\nA postcard every season'],
    ]) {
      await page.getByLabel('Tier name').fill(name);
      await page.getByLabel('Monthly price (USD)').fill(price);
      await page.getByLabel('Perks, one per line (optional)').fill(perks);
      await page.getByRole('button', { name: 'Add tier' }).click();
      await expect(page).toHaveURL(/\?saved=tier#tiers$/);
    }
    const names = page.locator('#tiers .tier-row .item-name');
    await expect(names).toHaveText(['Sketchbook', 'Studio pass']);
    await page.getByRole('button', { name: 'Move Studio pass up' }).click();
    await expect(page).toHaveURL(/\?saved=order#tiers$/);
    await expect(names).toHaveText(['Studio pass', 'Sketchbook']);
    await snap(page, testInfo, '03-studio-tiers');
    await axe(page, testInfo, 'studio-editor');
  });

  await test.step('a post for Studio pass supporters only is written', async () => {
    await page.getByRole('link', { name: 'Write a post' }).click();
    await expect(page).toHaveURL(/\/studio\/p\/\d+\/write$/);
    await page.getByLabel('Title').fill('Behind the easel');
    await page.getByLabel('Post (Markdown)').fill('The *secret* palette I use for fog.');
    await page.getByRole('radio', { name: 'Supporters of these tiers:' }).check();
    await page.getByRole('checkbox', { name: 'Studio pass' }).check();
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.locator('#post-preview em')).toHaveText('secret');
    await expect(page.getByRole('checkbox', { name: 'Studio pass' })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'Supporters of these tiers:' })).toBeChecked();
    await snap(page, testInfo, '04-write-post');
    await axe(page, testInfo, 'studio-write-post');
    await page.getByRole('button', { name: 'Publish post' }).click();
    await expect(page).toHaveURL(/\?saved=post#posts$/);
    await expect(page.locator('#posts')).toContainText('Behind the easel');
    await expect(page.locator('#posts')).toContainText('Supporters of Studio pass');
  });

  await test.step('a visitor sees the tiers in order and the post as a locked teaser', async () => {
    const context = await browser.newContext({ viewport: page.viewportSize(), baseURL: testInfo.project.use.baseURL });
    try {
      const visitor = await context.newPage();
      await visitor.goto(`/c/${slug}`);
      await expect(visitor.getByRole('heading', { level: 1, name: 'Ada Paints Harbours' })).toBeVisible();
      await expect(visitor.locator('.tier-list > .tier h3')).toHaveText(['Studio pass', 'Sketchbook']);
      const post = visitor.locator('article.post');
      await expect(post.getByRole('heading', { name: 'Behind the easel' })).toBeVisible();
      await expect(post).toContainText('For supporters of Studio pass');
      await expect(post).not.toContainText('secret palette');
      await snap(visitor, testInfo, '05-public-page-visitor');
      await axe(visitor, testInfo, 'public-page-with-posts');
    } finally {
      await context.close();
    }
  });
});
