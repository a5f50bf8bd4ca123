// Helpers shared by specs, and the `test` every spec uses: it fails a test
// whose pages broke the Content-Security-Policy (the browser reports each
// violation on the console).
import { execFileSync } from 'node:child_process';
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';

export { expect };

const cspViolation = /Content[ -]Security[ -]Policy|Refused to (load|execute|compile|connect|apply)/i;

/// Collects into `violations` what `page` reports of broken CSP rules.
function watchCsp(page: Page, violations: string[]): void {
  page.on('console', (message) => {
    if (cspViolation.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => {
    if (cspViolation.test(error.message)) violations.push(error.message);
  });
}

/// Watches every page of `context`, those open now and those to come.
function watchContext(context: BrowserContext, violations: string[]): void {
  for (const page of context.pages()) watchCsp(page, violations);
  context.on('page', (page) => watchCsp(page, violations));
}

export const test = base.extend<{ cspViolations: void }>({
  cspViolations: [
    // The test's own context and every other one it opens (a second
    // browser, an admin beside a shopper) are watched.
    async ({ context, browser }, use) => {
      const violations: string[] = [];
      watchContext(context, violations);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options?: BrowserContextOptions) => {
        const opened = await newContext(options);
        watchContext(opened, violations);
        return opened;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      expect(violations, 'no Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

/// A unique address per call, so specs can run in parallel and again.
export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/// Creates an admin with the server's own CLI, against the test store's data.
export function createAdmin(email: string, password: string): void {
  execFileSync(process.env.DOWNLINK_SERVER_BIN!, ['create-admin', '--email', email, '--password-stdin'], {
    input: password,
    env: { ...process.env, DOWNLINK_DATA_DIR: process.env.DOWNLINK_E2E_DATA_DIR!, RUST_LOG: 'warn' },
  });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

export async function signOut(page: Page): Promise<void> {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}
