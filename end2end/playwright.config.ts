// End-to-end tests in Debian's Chromium against the real server binary, which
// Playwright starts on its own ports with a fresh data dir. Every spec runs
// twice: hydrated, and again with JavaScript disabled.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.DOWNLINK_E2E_PORT ?? 3100);
const s3Port = Number(process.env.DOWNLINK_E2E_S3_PORT ?? 3990);
const baseURL = `http://127.0.0.1:${port}`;
const server = process.env.DOWNLINK_SERVER_BIN;
if (!server) {
  throw new Error('DOWNLINK_SERVER_BIN must point at the built server binary (scripts/test sets it)');
}
const dataDir = process.env.DOWNLINK_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'downlink-e2e-'));
// Specs run the server binary's CLI against the same data (create-admin).
process.env.DOWNLINK_E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: server,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DOWNLINK_ADDR: `127.0.0.1:${port}`,
      DOWNLINK_EMBEDDED_S3_ADDR: `127.0.0.1:${s3Port}`,
      DOWNLINK_DATA_DIR: dataDir,
      DOWNLINK_SITE_DIR: process.env.DOWNLINK_SITE_DIR ?? join(__dirname, '..', 'site'),
      RUST_LOG: 'warn',
      // Every download counts, so a spec can use up a limit.
      DOWNLINK_REDELIVERY_WINDOW_SECS: '0',
    },
  },
});
