// Bytes a shopper's browser transfers for the catalog: a first visit (empty
// cache: HTML, CSS, JS, wasm, card images) and a second one (what the cache
// cannot answer). Prints one JSON line. Used by `make bench`.
//
//   node end2end/bench/transfer.mjs http://127.0.0.1:3000/

import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
const byType = {};
let total = 0;
const types = new Map();
cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
cdp.on('Network.loadingFinished', (e) => {
  total += e.encodedDataLength;
  const type = types.get(e.requestId) ?? 'Other';
  byType[type] = (byType[type] ?? 0) + e.encodedDataLength;
});

async function visit() {
  total = 0;
  for (const key of Object.keys(byType)) delete byType[key];
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 15000 });
  await page.waitForLoadState('networkidle');
  return { total, byType: { ...byType } };
}

const first = await visit();
const second = await visit();
console.log(JSON.stringify({ first, second }));
await browser.close();
