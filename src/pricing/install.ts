import { DuckDBDateValue } from '../ledger/duckdb.js';
import type { Ledger } from '../ledger/ledger.js';
import { sql } from '../ledger/sql.js';
import { fingerprintOf, loadCatalog, type PriceRow } from './catalog.js';
import { overridePriceRows, readOverrides } from './overrides.js';

export interface PriceBook {
  label: string; // 'genai-prices 0.1.8' (+ ' + overrides FILE')
  fingerprint: string;
  rows: { row: PriceRow; priority: number }[];
}

/** The catalog, with user overrides from `pricesFile` (or $RECOUNT_PRICES) layered on top. */
export function loadPriceBook(pricesFile = process.env.RECOUNT_PRICES): PriceBook {
  const catalog = loadCatalog();
  if (!pricesFile) {
    return { label: catalog.label, fingerprint: catalog.fingerprint, rows: catalog.prices.map((row) => ({ row, priority: 1 })) };
  }
  const overrides = overridePriceRows(catalog, readOverrides(pricesFile), pricesFile);
  return {
    label: `${catalog.label} + overrides ${pricesFile}`,
    fingerprint: fingerprintOf([...overrides, ...catalog.prices], catalog.tierMultipliers),
    rows: [...overrides.map((row) => ({ row, priority: 0 })), ...catalog.prices.map((row) => ({ row, priority: 1 }))],
  };
}

/** Loads the price book into the session and defines the usage_priced view over the ledger. */
export async function installPricing(ledger: Ledger, book: PriceBook): Promise<void> {
  await ledger.run(sql('pricing/create_price_rows'));
  await ledger.run(sql('pricing/create_tier_multipliers'));
  const prices = await ledger.conn.createAppender('price_rows', 'main', 'temp');
  const num = (v: number | null) => (v == null ? prices.appendNull() : prices.appendDouble(v));
  const date = (v: string | null) => (v == null ? prices.appendNull() : prices.appendDate(DuckDBDateValue.fromParts(isoParts(v))));
  for (const { row, priority } of book.rows) {
    prices.appendInteger(priority);
    prices.appendVarchar(row.provider);
    prices.appendVarchar(row.model);
    row.display_name == null ? prices.appendNull() : prices.appendVarchar(row.display_name);
    date(row.effective_from);
    date(row.effective_to);
    num(row.input_usd_per_mtok);
    num(row.output_usd_per_mtok);
    num(row.cache_read_usd_per_mtok);
    num(row.cache_write_5m_usd_per_mtok);
    num(row.cache_write_1h_usd_per_mtok);
    row.long_context_above_tokens == null ? prices.appendNull() : prices.appendBigInt(BigInt(row.long_context_above_tokens));
    num(row.lc_input_usd_per_mtok);
    num(row.lc_output_usd_per_mtok);
    num(row.lc_cache_read_usd_per_mtok);
    num(row.lc_cache_write_5m_usd_per_mtok);
    num(row.lc_cache_write_1h_usd_per_mtok);
    num(row.web_search_usd_per_request);
    prices.appendVarchar(row.price_source);
    prices.endRow();
  }
  prices.flushSync();
  prices.closeSync();
  const tiers = await ledger.conn.createAppender('tier_multipliers', 'main', 'temp');
  for (const t of loadCatalog().tierMultipliers) {
    tiers.appendVarchar(t.provider);
    t.model == null ? tiers.appendNull() : tiers.appendVarchar(t.model);
    tiers.appendVarchar(t.service_tier);
    tiers.appendDouble(t.multiplier);
    tiers.endRow();
  }
  tiers.flushSync();
  tiers.closeSync();
  await ledger.run(sql('pricing/create_usage_priced'));
}

function isoParts(iso: string): { year: number; month: number; day: number } {
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
}
