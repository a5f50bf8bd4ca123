import { createAdmin, expect, signIn, test, uniqueEmail } from './support';

test('an admin creates a product, fixes a field, publishes it, and a shopper finds it', async ({ page }, testInfo) => {
  const admin = uniqueEmail(`editor-${testInfo.project.name}`);
  createAdmin(admin, 'an editor passphrase');
  await signIn(page, admin, 'an editor passphrase');
  const title = `Tide Tables ${testInfo.project.name} ${Date.now()}`;

  await page.goto('/admin/products');
  await page.getByRole('link', { name: 'New product' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New product');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Price').fill('twelve');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#price-error')).toHaveText('Enter an amount, such as 5 or 5.50.');
  await expect(page.getByLabel('Price')).toHaveAttribute('aria-invalid', 'true');
  // What was typed stays, with or without JavaScript, so only the price needs fixing.
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await expect(page.getByLabel('Price')).toHaveValue('twelve');

  await page.getByLabel('Summary').fill('Printable tide tables for the year.');
  await page.getByLabel('Price').fill('3.50');
  await page.getByLabel('Tags').fill('print, tides');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/[0-9a-f-]{36}\?created/);
  await expect(page.getByRole('status').filter({ hasText: 'Draft created' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Images' })).toBeVisible();

  await page.goto('/admin/products');
  const row = page.getByRole('row').filter({ hasText: title });
  await expect(row).toContainText('Draft');
  await row.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('row').filter({ hasText: title })).toContainText('Published');

  await page.goto('/?q=' + encodeURIComponent(title));
  const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('$3.50');
  await cards.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
});
