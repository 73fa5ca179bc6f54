import { DuckDBDateValue } from '../db/duckdb.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { loadCatalog, type PriceRow } from './catalog.js';
import { readPriceCache, type PriceCache } from './price-cache.js';
import { BORROWABLE, resolveRates, type RankedRow, type RateRow } from './resolve.js';

// The price book without user overrides, and its installation into a session. Overrides (YAML, CSV)
// live in install.ts: a command without --prices loads neither parser.

export interface PriceBook {
  label: string; // 'genai-prices 0.1.8' (+ ' + overrides FILE')
  fingerprint: string;
  rows: RankedRow[]; // every entry: overrides (priority 0) and the catalog's per-provider rows (1)
  rates: RateRow[]; // what pricing uses, resolved from rows (see resolve.ts)
  cache?: string; // the build's price_rows file holding these rates (price-cache.ts), when they are the catalog's alone
}

/** The bundled catalog's book: from the build's price cache when it matches this code, else built now. */
export function bundledPriceBook(opts: { cacheDir?: string; noCache?: boolean } = {}): PriceBook {
  const cache = opts.noCache ? undefined : readPriceCache(opts.cacheDir);
  return cache ? lazyCatalogBook(cache) : catalogBook();
}

/** The catalog's rows and rates, resolved now. */
export function catalogBook(): PriceBook {
  const catalog = loadCatalog();
  const rows = catalog.prices.map((row) => ({ row, priority: 1 }));
  return { label: catalog.label, fingerprint: catalog.fingerprint, rows, rates: resolveRates(rows, catalog.homes) };
}

/** The catalog's book with label and fingerprint from the cache; rows and rates built on first use (whatif, prices). */
function lazyCatalogBook(cache: PriceCache): PriceBook {
  let built: PriceBook | undefined;
  const full = () => (built ??= catalogBook());
  return {
    label: cache.label,
    fingerprint: cache.fingerprint,
    cache: cache.parquet,
    get rows() {
      return full().rows;
    },
    get rates() {
      return full().rates;
    },
  };
}

/** Loads the price book into the session and defines the usage_priced view over the ledger. */
export async function installPricing(ledger: Ledger, book: PriceBook): Promise<void> {
  const catalog = loadCatalog();
  await ledger.run(sql('pricing/create_price_rows'));
  await ledger.run(sql('pricing/create_tier_multipliers'));
  await ledger.run(sql('pricing/create_provider_names'));
  if (book.cache) await ledger.run(sql('pricing/insert_price_rows_cache'), { file: book.cache });
  else await appendRates(ledger, book.rates);
  const tiers = await ledger.conn.createAppender('tier_multipliers', 'main', 'temp');
  for (const t of catalog.tierMultipliers) {
    tiers.appendVarchar(t.provider);
    t.model == null ? tiers.appendNull() : tiers.appendVarchar(t.model);
    tiers.appendVarchar(t.service_tier);
    tiers.appendDouble(t.multiplier);
    tiers.endRow();
  }
  tiers.flushSync();
  tiers.closeSync();
  const names = await ledger.conn.createAppender('provider_names', 'main', 'temp');
  for (const n of catalog.providerNames) {
    names.appendVarchar(n.provider);
    n.raw_like == null ? names.appendNull() : names.appendVarchar(n.raw_like);
    names.appendVarchar(n.price_provider);
    names.endRow();
  }
  names.flushSync();
  names.closeSync();
  await ledger.run(sql('pricing/create_price_provider_macro'));
  await ledger.run(sql('pricing/create_usage_key_rates'));
  await ledger.run(sql('pricing/create_usage_priced'));
}

const RATE_COLUMNS = [
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cache_read_usd_per_mtok',
  'cache_write_5m_usd_per_mtok',
  'cache_write_1h_usd_per_mtok',
] as const satisfies readonly (keyof PriceRow)[];
const LC_COLUMNS = [
  'lc_input_usd_per_mtok',
  'lc_output_usd_per_mtok',
  'lc_cache_read_usd_per_mtok',
  'lc_cache_write_5m_usd_per_mtok',
  'lc_cache_write_1h_usd_per_mtok',
  'web_search_usd_per_request',
] as const satisfies readonly (keyof PriceRow)[];

/** Appends rate rows to price_rows, in its column order (create_price_rows.sql). */
async function appendRates(ledger: Ledger, rates: RateRow[]): Promise<void> {
  const a = await ledger.conn.createAppender('price_rows', 'main', 'temp');
  const text = (v: string | null) => (v == null ? a.appendNull() : a.appendVarchar(v));
  const num = (v: number | null) => (v == null ? a.appendNull() : a.appendDouble(v));
  const date = (v: string | null) => (v == null ? a.appendNull() : a.appendDate(DuckDBDateValue.fromParts(isoParts(v))));
  for (const row of rates) {
    text(row.provider);
    text(row.model);
    text(row.home_provider);
    text(row.display_name);
    date(row.effective_from);
    date(row.effective_to);
    for (const c of RATE_COLUMNS) num(row[c]);
    row.long_context_above_tokens == null ? a.appendNull() : a.appendBigInt(BigInt(row.long_context_above_tokens));
    for (const c of LC_COLUMNS) num(row[c]);
    text(row.price_source);
    for (const b of BORROWABLE) a.appendBoolean(row.borrowed.includes(b.name));
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}

function isoParts(iso: string): { year: number; month: number; day: number } {
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
}
