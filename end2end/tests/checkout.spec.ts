import { type Page } from '@playwright/test';
import { createAdmin, expect, signIn, signOut, test, uniqueEmail } from './support';

/// Puts a product in the cart from its page.
async function addToCart(page: Page, slug: string): Promise<void> {
  await page.goto(`/products/${slug}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
}

/// Fills the sandbox's hosted page with a test card and pays.
async function payWith(page: Page, card: string): Promise<void> {
  await expect(page.getByText('TEST MODE')).toBeVisible();
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('Ada Buyer');
  await page.getByRole('button', { name: /^Pay / }).click();
}

/// The newest mail to `to` with `subject` in the admin outbox (an admin is
/// signed in on `page`).
async function mailBody(page: Page, to: string, subject: RegExp): Promise<string> {
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
  // Mail written by a background job may land a moment after the page
  // that caused it: read the outbox again until it is there.
  await expect
    .poll(async () => {
      await page.goto('/admin/outbox');
      return row.count();
    })
    .toBeGreaterThan(0);
  return (await row.locator('pre').textContent()) ?? '';
}

test('a guest buys an e-book with a test card, gets the receipt, the mail and the library; a refund takes it back', async ({ page, browser }, testInfo) => {
  const guest = uniqueEmail(`buyer-${testInfo.project.name}`);
  await addToCart(page, 'field-guide-to-quiet-software');
  const line = page.getByRole('row').filter({ hasText: 'The Field Guide to Quiet Software' });
  await expect(line).toContainText('$12.00');
  await page.getByLabel('Email for your receipt').fill(guest);
  await page.getByRole('button', { name: 'Check out' }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_test_/);
  await payWith(page, '4242 4242 4242 4242');

  await expect(page).toHaveURL(/\/checkout\/done\?session=cs_test_/);
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'The Field Guide to Quiet Software' })).toContainText('$12.00');
  const number = (await page.locator('.receipt strong').first().textContent()) ?? '';
  expect(number).toMatch(/^DL-[0-9A-Z]{8}$/);
  await page.goto('/cart');
  await expect(page.getByText('Your cart is empty.')).toBeVisible();

  // The receipt mail is in the outbox, with a stable link to the library.
  const admin = uniqueEmail(`admin-${testInfo.project.name}`);
  createAdmin(admin, 'an admin passphrase');
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin, 'an admin passphrase');
  const receipt = await mailBody(adminPage, guest, new RegExp(`Your receipt for order ${number}`));
  expect(receipt).toContain('The Field Guide to Quiet Software');
  expect(receipt).toMatch(/https?:\/\/\S+\/library/);

  // The guest opens the library with a mailed sign-in link.
  await page.goto('/account/magic-link');
  await page.getByLabel('Email').fill(guest);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');
  const linkMail = await mailBody(adminPage, guest, /Your sign-in link/);
  const link = linkMail.match(/https?:\/\/\S+\/account\/magic\?token=[0-9a-f]{64}/)?.[0];
  expect(link, linkMail).toBeTruthy();
  await page.goto(link!);
  await page.getByRole('button', { name: /Continue as/ }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/library');
  const owned = page.locator('.library__item').filter({ hasText: 'The Field Guide to Quiet Software' });
  await expect(owned).toContainText(number);
  await expect(owned).toContainText('Access forever');

  // The admin refunds the order; the item leaves the library.
  await adminPage.goto(`/admin/orders?q=${encodeURIComponent(guest)}`);
  await adminPage.getByRole('link', { name: number }).click();
  await adminPage.getByRole('button', { name: 'Refund the whole order' }).click();
  await expect(adminPage).toHaveURL(/refunded=1/);
  await expect
    .poll(async () => {
      await adminPage.reload();
      return adminPage.locator('.receipt .status').first().textContent();
    })
    .toBe('Refunded');
  await expect(adminPage.getByRole('row').filter({ hasText: 'charge.refunded' })).toBeVisible();
  await page.goto('/library');
  await expect(owned).toHaveCount(0);
  await expect(page.getByText('Refunded, no longer available: The Field Guide to Quiet Software')).toBeVisible();
  await adminContext.close();
});

test('a declined card says why, and the cart is still there', async ({ page }, testInfo) => {
  await addToCart(page, 'mono-icons');
  await page.getByLabel('Email for your receipt').fill(uniqueEmail(`declined-${testInfo.project.name}`));
  await page.getByRole('button', { name: 'Check out' }).click();
  await payWith(page, '4000 0000 0000 0002');
  await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
  await payWith(page, '4000 0000 0000 9995');
  await expect(page.getByRole('alert')).toHaveText('Your card has insufficient funds.');
  await page.getByRole('link', { name: 'Cancel and return to the store' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole('row').filter({ hasText: 'Mono Icons' })).toContainText('$6.00');
});

test('a discount code takes its share off the total', async ({ page }, testInfo) => {
  const admin = uniqueEmail(`codes-${testInfo.project.name}`);
  const code = `SAVE${testInfo.project.name === 'no-js' ? 'N' : 'H'}${Date.now() % 100000}`;
  createAdmin(admin, 'an admin passphrase');
  await signIn(page, admin, 'an admin passphrase');
  await page.goto('/admin/discounts');
  await page.getByLabel('Code').fill(code);
  await page.getByLabel('Percentage or amount').fill('25');
  await page.getByRole('button', { name: 'Create code' }).click();
  await expect(page.getByRole('row').filter({ hasText: code })).toContainText('25 % off');
  await signOut(page);

  await addToCart(page, 'mono-icons');
  await page.getByLabel('Discount code').fill('NOSUCHCODE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('alert')).toHaveText('There is no discount code NOSUCHCODE.');
  await page.getByLabel('Discount code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Discount' })).toContainText('-$1.50');
  await expect(page.locator('.cart__total')).toContainText('$4.50');
});
