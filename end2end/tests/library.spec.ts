import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Browser, type Page } from '@playwright/test';
import { createAdmin, expect, signIn, test, uniqueEmail } from './support';

/// Signs in an account with a proven address (made with the server's CLI,
/// so the spec spends none of the store's per-address mail allowance) and
/// buys `slug` with a test card.
async function buyAndSignIn(page: Page, _browser: Browser, slug: string, email: string, _tag: string): Promise<void> {
  createAdmin(email, 'a buyer passphrase');
  await signIn(page, email, 'a buyer passphrase');
  await page.goto(`/products/${slug}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
}

test('a buyer downloads an e-book from the library, and the downloads left drop by one', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(`download-${testInfo.project.name}`);
  await buyAndSignIn(page, browser, 'field-guide-to-quiet-software', email, testInfo.project.name);
  await page.goto('/library');
  const item = page.locator('.library__item').filter({ hasText: 'The Field Guide to Quiet Software' });
  await expect(item.locator('.library__left')).toHaveText('5 of 5 downloads left');

  const download = page.waitForEvent('download');
  await item.getByRole('button', { name: 'Download field-guide-to-quiet-software.pdf' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('field-guide-to-quiet-software.pdf');
  const bytes = readFileSync((await saved.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const expected = createHash('sha256').update(readFileSync(`${__dirname}/../../domain/demo/field-guide-to-quiet-software.pdf`)).digest('hex');
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected);

  if (testInfo.project.name === 'hydrated') {
    // With JavaScript the page stays and says so at once.
    await expect(page).toHaveURL(/\/library$/);
    await expect(item.locator('.library__left')).toHaveText('4 of 5 downloads left');
  }
  await page.goto('/library');
  await expect(item.locator('.library__left')).toHaveText('4 of 5 downloads left');
});

test('an audio file plays in the library and playing does not count', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(`listen-${testInfo.project.name}`);
  await buyAndSignIn(page, browser, 'night-rain', email, testInfo.project.name);
  await page.goto('/library');
  const item = page.locator('.library__item').filter({ hasText: 'Night Rain' });
  await item.getByRole('link', { name: 'Play night-rain.wav' }).click();
  await expect(page).toHaveURL(/play=/);
  const audio = page.locator('#player audio');
  await expect(audio).toBeVisible();
  if (testInfo.project.name === 'hydrated') {
    // The browser fetches it with range requests and can seek.
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThan(0);
    const duration = await audio.evaluate((a: HTMLAudioElement) => a.duration);
    expect(duration).toBeGreaterThan(0);
    await audio.evaluate((a: HTMLAudioElement) => { a.currentTime = a.duration / 2; });
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0);
  }
  await expect(item.locator('.library__left')).toHaveText('Unlimited downloads');
});

test('a buyer sees a license activation and deactivates it', async ({ page, browser, request }, testInfo) => {
  const email = uniqueEmail(`license-${testInfo.project.name}`);
  await buyAndSignIn(page, browser, 'pixel-sorter', email, testInfo.project.name);
  await page.goto('/library');
  const item = page.locator('.library__item').filter({ hasText: 'Pixel Sorter 2.1' });
  const key = (await item.locator('.keys code').first().textContent()) ?? '';
  expect(key).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);

  // The app on the buyer's machine activates the key through the public API.
  const activated = await request.post('/api/v1/licenses/activate', { data: { key, instance_name: 'studio-mac' } });
  expect(activated.status()).toBe(200);
  await page.goto('/library');
  await expect(item.getByText('1 of 3 activations')).toBeVisible();
  await expect(item.locator('.activations')).toContainText('studio-mac');
  await item.getByRole('button', { name: 'Deactivate studio-mac' }).click();
  await expect(page).toHaveURL(/\/library$/);
  await expect(item.getByText('0 of 3 activations')).toBeVisible();
  await expect(item.locator('.activations')).toHaveCount(0);
});

test('a used-up download limit says so', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(`limit-${testInfo.project.name}`);
  await buyAndSignIn(page, browser, 'harbour-at-dusk', email, testInfo.project.name);
  await page.goto('/library');
  const item = page.locator('.library__item').filter({ hasText: 'Harbour at Dusk' });
  await expect(item.locator('.library__left')).toHaveText('3 of 3 downloads left');
  const button = item.getByRole('button', { name: /^Download / });
  for (let n = 0; n < 3; n++) {
    const download = page.waitForEvent('download');
    await button.click();
    await download;
  }
  await page.goto('/library');
  await expect(item.locator('.library__left')).toHaveText('0 of 3 downloads left');
  await button.click();
  await expect(page).toHaveURL(/\/library$/);
  await expect(page.getByRole('alert')).toHaveText('No downloads left: all 3 were used.');
});
