// The build's steps after tsc (npm run build, prepack). Each makes start-up cheaper, and recount runs
// the same without them (a plain `tsc`), only slower:
// 1. dist/vendor/duckdb-node-api.cjs: @duckdb/node-api's ~120 CommonJS files in one (src/db/duckdb.ts
//    loads it when it was bundled from the installed version); its native bindings stay outside.
// 2. dist/price-cache: the bundled catalog's resolved price_rows (src/pricing/price-cache.ts).
// 3. dist/vendor/vega.mjs: vega and vega-lite's ~285 ES modules in one (scripts/vega-bundle.mjs;
//    src/report/vega-runtime.ts loads it when it was bundled from the installed versions).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

async function bundleNodeApi() {
  const { build } = await import('esbuild');
  const vendor = path.join(root, 'dist', 'vendor');
  fs.mkdirSync(vendor, { recursive: true });
  const { version } = require('@duckdb/node-api/package.json');
  const tmp = `.tmp-${process.pid}`; // renamed into place: a command starting meanwhile sees whole files
  await build({
    entryPoints: [require.resolve('@duckdb/node-api')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@duckdb/node-bindings'],
    outfile: path.join(vendor, `duckdb-node-api.cjs${tmp}`),
    banner: { js: `// @duckdb/node-api ${version}, bundled by scripts/build-dist.mjs` },
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(vendor, `duckdb-node-api.json${tmp}`), JSON.stringify({ version }) + '\n');
  fs.renameSync(path.join(vendor, `duckdb-node-api.cjs${tmp}`), path.join(vendor, 'duckdb-node-api.cjs'));
  fs.renameSync(path.join(vendor, `duckdb-node-api.json${tmp}`), path.join(vendor, 'duckdb-node-api.json'));
}

async function buildPriceCache() {
  const { Ledger } = await import('../dist/src/db/ledger.js');
  const { catalogBook, installPricing } = await import('../dist/src/pricing/book.js');
  const { writePriceCache } = await import('../dist/src/pricing/price-cache.js');
  const book = catalogBook(); // the catalog alone, whatever $RECOUNT_PRICES says
  const ledger = await Ledger.open(':memory:');
  try {
    await installPricing(ledger, book);
    await writePriceCache(ledger, book);
  } finally {
    ledger.close();
  }
}

async function bundleVega() {
  const { scenegraphCopies } = await import('../dist/src/report/text-width.js');
  const { installedVersion } = await import('../dist/src/report/vega-runtime.js');
  const { bundleVega: bundle } = await import('./vega-bundle.mjs');
  const versions = { vega: installedVersion('vega'), 'vega-lite': installedVersion('vega-lite') };
  await bundle({ root, vendor: path.join(root, 'dist', 'vendor'), copies: scenegraphCopies(), versions });
}

await bundleNodeApi();
await buildPriceCache();
await bundleVega();
