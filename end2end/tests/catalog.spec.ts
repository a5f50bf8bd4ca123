import { expect, test } from '@playwright/test';

const titles = [
  'The Field Guide to Quiet Software',
  'Night Rain',
  'Harbour at Dusk',
  'Pixel Sorter 2.1',
  'Mono Icons',
  'Downlink Insider',
];

test('the catalog lists the demo products with their cover images loaded', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Catalog · Downlink');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  await expect(cards).toHaveCount(titles.length);
  for (const title of titles) {
    await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  }

  const covers = page.locator('img.card__cover');
  await expect(covers).toHaveCount(titles.length);
  for (const cover of await covers.all()) {
    await cover.scrollIntoViewIfNeeded();
    await expect(cover).toHaveAttribute('alt', /Cover of/);
    await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(960);
  }
});

test('a product card leads to its page', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Pixel Sorter 2\.1/ }).click();
  await expect(page).toHaveURL(/\/products\/pixel-sorter$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Pixel Sorter 2.1' })).toBeVisible();
});
