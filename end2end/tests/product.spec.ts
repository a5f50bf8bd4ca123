import { expect, test } from './support';

test('a product page shows its cover, price and included files', async ({ page }) => {
  await page.goto('/products/field-guide-to-quiet-software');
  await expect(page).toHaveTitle('The Field Guide to Quiet Software · Downlink');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The Field Guide to Quiet Software');
  await expect(page.locator('.price')).toHaveText('$12.00');

  const cover = page.getByRole('img', { name: 'Cover of The Field Guide to Quiet Software' });
  await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  const files = page.getByRole('table');
  await expect(files.getByRole('row')).toHaveCount(2);
  await expect(files.getByRole('row').nth(1)).toHaveText(/field-guide-to-quiet-software\.pdf\s*PDF\s*1\.3 kB/);
  await expect(page.getByText('5 downloads per file')).toBeVisible();
});

test('a membership shows its monthly price and no file list', async ({ page }) => {
  await page.goto('/products/downlink-insider');
  await expect(page.locator('.price')).toHaveText('$5.00 / month');
  await expect(page.getByRole('table')).toHaveCount(0);
});
