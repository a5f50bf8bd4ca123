import { expect, test } from './support';

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
  // Other specs may add products to the same store; the demo ones must all be here.
  const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  for (const title of titles) {
    const card = cards.filter({ has: page.getByRole('heading', { level: 2, name: title, exact: true }) });
    await expect(card).toHaveCount(1);
    const cover = card.locator('img.card__cover');
    await cover.scrollIntoViewIfNeeded();
    await expect(cover).toHaveAttribute('alt', /Cover of/);
    // A card is about 20rem wide: the browser picks the 400 px thumbnail.
    await expect
      .poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && new URL(img.currentSrc).pathname))
      .toMatch(/-400$/);
  }
});

test('a product card leads to its page', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Pixel Sorter 2\.1/ }).click();
  await expect(page).toHaveURL(/\/products\/pixel-sorter$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Pixel Sorter 2.1' })).toBeVisible();
});
