// Finishes the browser bundles in site/pkg for serving: every asset gets its
// content's hash in its name (so it can be cached for a year and a redeploy
// is never served stale), JavaScript minified (esbuild), a brotli and a gzip
// copy beside it (so the server
// sends them by content negotiation without compressing at request time), and
// manifest.json names them for the server. Prints each bundle's raw and brotli
// size and fails when the shopper bundle (JS + wasm) passes its budget.
//
//   node scripts/finish-bundle.mjs <pkg dir> <staging dir>
//
// The staging dir holds what wasm-bindgen and wasm-opt produced
// (shopper.js, shopper_bg.wasm, account…, admin…) and the static files
// (main.css, favicon.svg).

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';

/// The most a shopper may download of wasm + JS, brotli-compressed: DESIGN.md's
/// target, 200 kB.
const SHOPPER_BUDGET = 200_000;

const [pkg, staging] = process.argv.slice(2);
if (!pkg || !staging) {
  console.error('usage: finish-bundle.mjs <pkg dir> <staging dir>');
  process.exit(2);
}

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });

const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });

/// Copies `name` from staging under its hashed name with .br and .gz copies;
/// answers the hashed name and the sizes.
function publish(name) {
  let bytes = readFileSync(join(staging, name));
  if (name.endsWith('.js')) {
    // wasm-bindgen's glue, as an ES module, without comments and long names.
    bytes = Buffer.from(transformSync(bytes.toString('utf8'), { minify: true, format: 'esm', target: 'es2020' }).code);
  }
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const ext = extname(name);
  const hashed = `${basename(name, ext)}.${hash}${ext}`;
  writeFileSync(join(pkg, hashed), bytes);
  const br = brotli(bytes);
  writeFileSync(join(pkg, `${hashed}.br`), br);
  writeFileSync(join(pkg, `${hashed}.gz`), gzipSync(bytes, { level: 9 }));
  return { name: hashed, raw: bytes.length, brotli: br.length };
}

const present = new Set(readdirSync(staging));
const manifest = { bundles: {}, files: {} };
const sizes = [];
for (const bundle of ['shopper', 'account', 'admin']) {
  if (!present.has(`${bundle}.js`)) continue;
  const js = publish(`${bundle}.js`);
  const wasm = publish(`${bundle}_bg.wasm`);
  manifest.bundles[bundle] = { js: js.name, wasm: wasm.name };
  sizes.push({ bundle, raw: js.raw + wasm.raw, brotli: js.brotli + wasm.brotli });
}
for (const file of ['main.css', 'favicon.svg']) {
  manifest.files[file] = publish(file).name;
}
writeFileSync(join(pkg, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log('bundle     raw (wasm + js)   brotli');
for (const { bundle, raw, brotli: br } of sizes) {
  console.log(`${bundle.padEnd(10)} ${kb(raw).padStart(16)} ${kb(br).padStart(10)}`);
}
const shopper = sizes.find((s) => s.bundle === 'shopper');
if (shopper && shopper.brotli > SHOPPER_BUDGET) {
  console.error(
    `The shopper bundle is ${kb(shopper.brotli)} brotli, over its budget of ${kb(SHOPPER_BUDGET)}.`,
  );
  process.exit(1);
}
