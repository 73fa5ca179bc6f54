import { bundledPriceBook, type PriceBook } from './book.js';
import { fingerprintOf, loadCatalog } from './catalog.js';
import { overridePriceRows, readOverrides } from './overrides.js';
import { resolveRates } from './resolve.js';

export { installPricing, type PriceBook } from './book.js';

/**
 * The catalog, with user overrides from `pricesFile` (or $RECOUNT_PRICES) layered on top; without
 * overrides, the bundled catalog's book (book.ts: from the build's price cache when it fits).
 */
export function loadPriceBook(pricesFile = process.env.RECOUNT_PRICES, opts: { cacheDir?: string; noCache?: boolean } = {}): PriceBook {
  if (!pricesFile) return bundledPriceBook(opts);
  const catalog = loadCatalog();
  const catalogRows = catalog.prices.map((row) => ({ row, priority: 1 }));
  const overrides = overridePriceRows(catalog, readOverrides(pricesFile), pricesFile);
  const rows = [...overrides.map((row) => ({ row, priority: 0 })), ...catalogRows];
  return {
    label: `${catalog.label} + overrides ${pricesFile}`,
    fingerprint: fingerprintOf(catalog.fingerprint, overrides),
    rows,
    rates: resolveRates(rows, catalog.homes),
  };
}

