import { bundledPriceBook, installPricing, type PriceBook } from './pricing/book.js';
import { Ledger, resolveDbPath } from './db/ledger.js';
import { sql } from './db/sql.js';
import { lakeDirOf, lakeIsReadOnly } from './db/spec.js';

export interface SessionOptions {
  db?: string;
  prices?: string;
  readOnly?: boolean;
  /** the SQL the session will run, when known (a named query): macros it does not name are not defined */
  runs?: string;
}

export interface Session {
  ledger: Ledger;
  prices: PriceBook;
}

/**
 * Opens the ledger for reading queries: the price book loaded, the usage_priced (every row, priced)
 * and usage_counted (request logs, plus what an export adds) views and the period macros defined, so every
 * query file can use them.
 */
export async function withSession<T>(opts: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const prices = await priceBook(opts.prices);
  const lake = lakeDirOf(opts.db); // --db lake:DIR: views over a Parquet lake (src/lake/open.ts)
  if (lake && opts.readOnly === false) throw lakeIsReadOnly(lake);
  const ledger = lake ? await (await import('./lake/open.js')).openLake(lake) : await Ledger.open(resolveDbPath(opts.db), { readOnly: opts.readOnly ?? true });
  try {
    await defineReadViews(ledger, prices, opts.runs);
    return await fn({ ledger, prices });
  } finally {
    ledger.close();
  }
}

/** The bundled catalog, or with overrides from `file` (or $RECOUNT_PRICES): only then are their parsers loaded. */
async function priceBook(file = process.env.RECOUNT_PRICES): Promise<PriceBook> {
  return file ? (await import('./pricing/install.js')).loadPriceBook(file) : bundledPriceBook();
}

/**
 * The views and macros every query file may use, on an open ledger (tests define them the same way).
 * Given the SQL the session runs, the forensics macros it does not call are left out: defining them
 * costs tens of milliseconds, a noticeable part of a small query's time.
 */
export async function defineReadViews(ledger: Ledger, prices: PriceBook, runs?: string): Promise<void> {
  const calls = (macro: string) => runs === undefined || new RegExp(`\\b${macro}\\s*\\(`).test(runs);
  await installPricing(ledger, prices);
  await ledger.run(sql('pricing/create_usage_counted'));
  await ledger.run(sql('pricing/create_local_day_macro'));
  await ledger.run(sql('pricing/create_period_macros'));
  await ledger.run(sql('pricing/create_counted_days_macro')); // usage_counted per local day (day-grain queries)
  if (calls('cold_starts')) await ledger.run(sql('forensics/create_cold_starts_macro'));
  if (calls('agent_turns')) await ledger.run(sql('forensics/create_agent_turns_macro')); // outcomes_*.sql (issue 18)
}
