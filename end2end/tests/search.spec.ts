import { expect, test } from './support';

test('a shopper finds a product by searching and filters by tag', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search' }).fill('icons');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\?q=icons/);
  await expect(page.getByRole('status')).toHaveText('1 product');
  const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Mono Icons');
  const cover = cards.first().locator('img');
  await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Tags' }).getByRole('link', { name: 'video' }).click();
  await expect(page).toHaveURL(/\?tag=video$/);
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Harbour at Dusk');
  await expect(page.getByRole('navigation', { name: 'Tags' }).getByRole('link', { name: 'video' })).toHaveAttribute('aria-current', 'page');
});

test('a search with no match says so', async ({ page }) => {
  await page.goto('/?q=harpsichord');
  await expect(page.getByRole('status')).toHaveText('No products match “harpsichord”.');
  await expect(page.getByRole('list', { name: 'Products' }).getByRole('listitem')).toHaveCount(0);
});
