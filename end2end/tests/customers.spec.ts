import { expect as baseExpect } from '@playwright/test';
import { createAdmin, expect, signIn, test, uniqueEmail } from './support';

test('an admin finds a customer, resends a receipt, sees their product in the analytics and blocks them', async ({ browser }, testInfo) => {
  const guest = uniqueEmail(`customer-${testInfo.project.name}`);
  const shopper = await browser.newPage();
  await shopper.goto('/products/mono-icons');
  await shopper.getByRole('button', { name: 'Add to cart' }).click();
  await shopper.getByLabel('Email for your receipt').fill(guest);
  await shopper.getByRole('button', { name: 'Check out' }).click();
  await shopper.getByLabel('Card number').fill('4242 4242 4242 4242');
  await shopper.getByLabel('Expiry').fill('12 / 34');
  await shopper.getByLabel('CVC').fill('123');
  await shopper.getByRole('button', { name: /^Pay / }).click();
  await expect(shopper.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  const number = ((await shopper.locator('.receipt strong').first().textContent()) ?? '').trim();
  baseExpect(number).toMatch(/^DL-[0-9A-Z]{8}$/);

  const owner = uniqueEmail(`support-${testInfo.project.name}`);
  createAdmin(owner, 'the support passphrase');
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, owner, 'the support passphrase');

  // From the dashboard to the customer, found by the order number they quote.
  await admin.goto('/admin');
  await admin.getByRole('link', { name: 'Customers', exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/customers$/);
  await admin.getByLabel('Email or order number').fill(number);
  await admin.getByRole('button', { name: 'Search' }).click();
  await expect(admin.getByText('1 customer', { exact: true })).toBeVisible();
  await admin.getByRole('link', { name: guest }).click();
  await expect(admin.getByRole('heading', { name: guest })).toBeVisible();
  await expect(admin.getByRole('link', { name: number })).toBeVisible();
  await expect(admin.locator('.purchases')).toContainText('Mono Icons');

  // The receipt goes out again: two receipts for the order in the outbox.
  await admin.getByRole('button', { name: `Resend the receipt of ${number}` }).click();
  await expect(admin.getByRole('status')).toContainText('The receipt is on its way again.');
  const customerPage = admin.url();
  await admin.goto('/admin/outbox');
  await expect(admin.getByRole('row').filter({ hasText: guest }).filter({ hasText: `Your receipt for order ${number}` })).toHaveCount(2);
  await admin.goto('/admin/audit?action=receipt.resend');
  await expect(admin.getByRole('row').filter({ hasText: number })).toContainText(owner);

  // The product's figures count the purchase; its own page charts it.
  await admin.goto('/admin/analytics?range=today');
  const row = admin.getByRole('row').filter({ hasText: 'Mono Icons' });
  await expect(row).toBeVisible();
  baseExpect(Number(await row.locator('td').nth(1).textContent())).toBeGreaterThan(0);
  await row.getByRole('link', { name: 'Mono Icons' }).click();
  await expect(admin.getByRole('heading', { name: 'Mono Icons' })).toBeVisible();
  await expect(admin.getByRole('img', { name: 'Net sales per day' })).toBeVisible();

  // Blocked: said on the page, and undone as easily.
  await admin.goto(customerPage);
  await admin.getByRole('button', { name: 'Block this customer' }).click();
  await expect(admin.getByRole('status')).toContainText('Blocked');
  await expect(admin.locator('.page-lead')).toContainText('Blocked');
  await admin.getByRole('button', { name: 'Unblock' }).click();
  await expect(admin.getByRole('status')).toContainText('Unblocked');
  await context.close();
});
