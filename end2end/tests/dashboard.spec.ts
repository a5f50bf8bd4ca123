import { type Page } from '@playwright/test';
import { createAdmin, expect, signIn, test, uniqueEmail } from './support';

/// A headline figure of the dashboard, as shown.
async function figure(page: Page, label: string): Promise<string> {
  const card = page.locator('.figures--kpi > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  return ((await card.locator('dd').first().textContent()) ?? '').trim();
}

const amount = (shown: string) => Number(shown.replace(/[^0-9.]/g, ''));

test('the dashboard shows a purchase and its refund, and switches the range', async ({ browser }, testInfo) => {
  const owner = uniqueEmail(`owner-${testInfo.project.name}`);
  const buyer = uniqueEmail(`dash-buyer-${testInfo.project.name}`);
  createAdmin(owner, 'the owner passphrase');
  createAdmin(buyer, 'a buyer passphrase');
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, owner, 'the owner passphrase');

  // Harbour at Dusk sells in euros.
  await admin.goto('/admin?range=today&currency=EUR');
  await expect(admin.getByRole('link', { name: 'Today' })).toHaveAttribute('aria-current', 'page');
  const ordersBefore = Number(await figure(admin, 'Orders'));
  const refundsBefore = amount(await figure(admin, 'Refunds'));

  // A purchase (other specs may buy at the same time: figures only grow).
  const shopper = await browser.newPage();
  await signIn(shopper, buyer, 'a buyer passphrase');
  await shopper.goto('/products/harbour-at-dusk');
  await shopper.getByRole('button', { name: 'Add to cart' }).click();
  await shopper.getByRole('button', { name: 'Check out' }).click();
  await shopper.getByLabel('Card number').fill('4242 4242 4242 4242');
  await shopper.getByLabel('Expiry').fill('12 / 34');
  await shopper.getByLabel('CVC').fill('123');
  await shopper.getByRole('button', { name: /^Pay / }).click();
  await expect(shopper.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();

  await expect.poll(async () => {
    await admin.reload();
    return Number(await figure(admin, 'Orders'));
  }).toBeGreaterThan(ordersBefore);
  await expect(admin.getByRole('table', { name: 'Best sellers' })).toContainText('Harbour at Dusk');
  // The chart: one bar for today, its figures in its tooltip and in the table for screen readers.
  const chart = admin.getByRole('img', { name: 'Net sales per day' });
  await expect(chart.locator('.chart__bar')).toHaveCount(1);
  await expect(chart.locator('title').first()).toContainText('net €');
  await expect(admin.getByRole('table', { name: 'Net sales per day' })).toContainText('net €');
  if (testInfo.project.name === 'hydrated') {
    // Once hydrated, pointing at a bar writes its figures under the chart.
    await chart.locator('.chart__hit').first().hover();
    await expect(admin.locator('.chart__detail')).toContainText('net €');
  }

  // Refunded: the refunds figure grows.
  await admin.goto(`/admin/orders?q=${encodeURIComponent(buyer)}`);
  await admin.locator('table a').first().click();
  await admin.getByRole('button', { name: 'Refund the whole order' }).click();
  await expect(admin).toHaveURL(/refunded=1/);
  await expect.poll(async () => {
    await admin.goto('/admin?range=today&currency=EUR');
    return amount(await figure(admin, 'Refunds'));
  }).toBeGreaterThan(refundsBefore);

  // The period's orders as CSV, with the order in it.
  const csv = await admin.request.get((await admin.getByRole('link', { name: 'orders', exact: true }).getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(buyer);

  // The refund is in the audit log, with who asked for it.
  await admin.goto('/admin/audit?action=order.refund');
  await expect(admin.getByRole('row').filter({ hasText: owner }).first()).toContainText('order.refund');
  await admin.goto('/admin?range=today&currency=EUR');

  // Another range, by its link; the chart steps by day over 30 days.
  await admin.getByRole('link', { name: '30 days' }).click();
  await expect(admin).toHaveURL(/range=30d&currency=EUR/);
  await expect(admin.getByRole('link', { name: '30 days' })).toHaveAttribute('aria-current', 'page');
  await expect(admin.getByRole('img', { name: 'Net sales per day' }).locator('.chart__bar')).toHaveCount(30);
  await adminContext.close();
});
