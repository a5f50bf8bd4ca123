import { expect, test, uniqueEmail } from './support';

test('a shopper registers, signs out and signs back in', async ({ page }, testInfo) => {
  const email = uniqueEmail(`buyer-${testInfo.project.name}`);
  const password = 'correct horse battery staple';

  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create an account');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('.account__email')).toHaveText(email);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Confirm your address' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: '(this device)' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText("That email and password don't match an account.");
  await expect(page.getByLabel('Email')).toHaveValue(email);
  if (!testInfo.project.use.javaScriptEnabled) {
    // The page came back from the server: the password was not kept anywhere.
    await expect(page.getByLabel('Password')).toHaveValue('');
  }

  await page.getByLabel('Email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('.account__email')).toHaveText(email);
});

test('the admin area refuses a shopper who is not signed in', async ({ page }) => {
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('alert')).toContainText('Please sign in first.');
});
