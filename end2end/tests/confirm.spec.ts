import { type Browser, type TestInfo } from '@playwright/test';
import { createAdmin, expect, signIn, test, uniqueEmail } from './support';

/// The confirmation link mailed to `to`, read from the admin outbox in a
/// browser of its own.
async function confirmationLink(browser: Browser, to: string, testInfo: TestInfo): Promise<string> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  const admin = uniqueEmail(`admin-${testInfo.project.name}`);
  createAdmin(admin, 'an admin passphrase');
  await signIn(page, admin, 'an admin passphrase');
  await page.goto('/admin/outbox');
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('Confirm your address for Downlink');
  const body = (await row.locator('pre').textContent()) ?? '';
  await context.close();
  const link = body.match(/https?:\/\/\S+\/account\/confirm\?token=[0-9a-f]{64}/)?.[0];
  expect(link, body).toBeTruthy();
  return link!;
}

test('an address confirmed from another browser takes the account from whoever registered it', async ({ page, browser }, testInfo) => {
  const victim = uniqueEmail(`victim-${testInfo.project.name}`);
  // Someone registers the victim's address with a password of their choosing.
  await page.goto('/account/register');
  await page.getByLabel('Email').fill(victim);
  await page.getByLabel('Password').fill('the squatter chose this');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Confirm your address' })).toBeVisible();

  // The real owner follows the mailed link in their own browser.
  const link = await confirmationLink(browser, victim, testInfo);
  const ownerBrowser = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
  });
  const owner = await ownerBrowser.newPage();
  await owner.goto(link);
  const [name, domain] = victim.split('@');
  await owner.getByRole('button', { name: `Confirm ${name[0]}…@${domain}` }).click();
  await expect(owner).toHaveURL(/\/account\?confirmed=1$/);
  await expect(owner.getByRole('status').filter({ hasText: 'Your address is confirmed.' })).toBeVisible();
  await expect(owner.getByRole('heading', { name: 'Set a password' })).toBeVisible();
  await owner.screenshot({ path: testInfo.outputPath('confirmed.png'), fullPage: true });

  // The squatter's session is over and their password no longer works.
  await page.goto('/account');
  await expect(page.getByText("You're not signed in.")).toBeVisible();
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(victim);
  await page.getByLabel('Password').fill('the squatter chose this');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText("That email and password don't match an account.");
});
