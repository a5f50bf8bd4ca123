import { createAdmin, expect, signIn, signOut, test, uniqueEmail } from './support';

test('a guest signs in with a mailed link read from the admin outbox', async ({ page }, testInfo) => {
  const guest = uniqueEmail(`guest-${testInfo.project.name}`);
  await page.goto('/account/sign-in');
  await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
  await page.getByLabel('Email').fill(guest);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('status')).toContainText('Check your inbox');

  // The store has no SMTP server here: the admin outbox shows what was sent.
  const admin = uniqueEmail(`admin-${testInfo.project.name}`);
  createAdmin(admin, 'an admin passphrase');
  await signIn(page, admin, 'an admin passphrase');
  await page.goto('/admin/outbox');
  const row = page.getByRole('row').filter({ hasText: guest });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Your sign-in link for Downlink');
  const body = (await row.locator('pre').textContent()) ?? '';
  const link = body.match(/https?:\/\/\S+\/account\/magic\?token=[0-9a-f]{64}/)?.[0];
  expect(link, body).toBeTruthy();
  await signOut(page);

  // The page says whose account the link is for before anything is spent.
  await page.goto(link!);
  const [name, domain] = guest.split('@');
  await expect(page.getByText(`${name[0]}…@${domain}`).first()).toBeVisible();
  await page.getByRole('button', { name: `Continue as ${name[0]}…@${domain}` }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('.account__email')).toHaveText(guest);
  await expect(page.getByRole('heading', { name: 'Set a password' })).toBeVisible();

  // A link works once.
  await signOut(page);
  await page.goto(link!);
  await expect(page.getByRole('alert')).toHaveText('That link is invalid, used or expired. Ask for a new one.');
  await expect(page.getByRole('button', { name: /Continue as/ })).toHaveCount(0);
});

test('a customer cannot open the admin area', async ({ page }, testInfo) => {
  const email = uniqueEmail(`customer-${testInfo.project.name}`);
  await page.goto('/account/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a customer passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  const response = await page.goto('/admin/outbox');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText("You don't have access to that.");
  await expect(page.getByRole('table')).toHaveCount(0);
});
