import { expect, test } from './support';

// The pay-what-you-want field quotes the typed amount live once the page has
// hydrated. Without JavaScript the server-rendered suggestion and minimum stay.
test('the pay-what-you-want field answers as the buyer types, once hydrated', async ({ page }, testInfo) => {
  const hydrated = testInfo.project.use.javaScriptEnabled !== false;
  await page.goto('/products/night-rain');
  const amount = page.getByLabel('Name your price (USD)');
  const quote = page.locator('#pwyw-quote');
  await expect(amount).toHaveValue('4.00');
  await expect(quote).toHaveText('You pay $4.00');
  await expect(page.getByText('Minimum $2.00')).toBeVisible();

  if (hydrated) {
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await amount.fill('7.5');
    await expect(quote).toHaveText('You pay $7.50');
    await amount.fill('1.99');
    await expect(quote).toHaveText('The minimum is $2.00.');
    await expect(quote).toHaveClass(/pwyw__quote--invalid/);
    await amount.fill('lots');
    await expect(quote).toHaveText('Enter an amount, such as 5 or 5.50.');
  } else {
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', 'true');
    await amount.fill('7.5');
    await expect(quote).toHaveText('You pay $4.00');
  }
});
