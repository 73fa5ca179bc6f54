import { installPricing, loadPriceBook, type PriceBook } from './pricing/install.js';
import { Ledger, resolveDbPath } from './db/ledger.js';
import { sql } from './db/sql.js';
import { lakeDirOf, lakeIsReadOnly } from './db/spec.js';
import { openLake } from './lake/open.js';

export interface SessionOptions {
  db?: string;
  prices?: string;
  readOnly?: boolean;
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
  const prices = loadPriceBook(opts.prices);
  const lake = lakeDirOf(opts.db); // --db lake:DIR: views over a Parquet lake (src/lake/open.ts)
  if (lake && opts.readOnly === false) throw lakeIsReadOnly(lake);
  const ledger = lake ? await openLake(lake) : await Ledger.open(resolveDbPath(opts.db), { readOnly: opts.readOnly ?? true });
  try {
    await defineReadViews(ledger, prices);
    return await fn({ ledger, prices });
  } finally {
    ledger.close();
  }
}

/** The views and macros every query file may use, on an open ledger (tests define them the same way). */
export async function defineReadViews(ledger: Ledger, prices: PriceBook): Promise<void> {
  await installPricing(ledger, prices);
  await ledger.run(sql('pricing/create_usage_counted'));
  await ledger.run(sql('pricing/create_local_day_macro'));
  await ledger.run(sql('pricing/create_period_macros'));
  await ledger.run(sql('pricing/create_counted_days_macro')); // usage_counted per local day (day-grain queries)
  await ledger.run(sql('forensics/create_cold_starts_macro'));
  await ledger.run(sql('forensics/create_agent_turns_macro')); // outcomes_*.sql (issue 18)
}
