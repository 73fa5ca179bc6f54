import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';

/**
 * Runs `fn` with counted_days (usage_counted per local day and dimension) written once into a temp
 * table for the period's zone: the report's day-grain queries then read a few thousand summed rows
 * instead of pricing and counting every ledger row again each (~1 s a query at 1M rows). The rows are
 * the ones the macro gives; afterwards counted_days reads usage_counted again.
 */
export async function withSharedRollup<T>(ledger: Ledger, period: Period, fn: () => Promise<T>): Promise<T> {
  await ledger.run(sql('pricing/create_counted_days_table'), { tz: period.tz ?? 'UTC' });
  await ledger.run(sql('pricing/create_counted_days_shared_macro'));
  try {
    return await fn();
  } finally {
    await ledger.run(sql('pricing/create_counted_days_macro'));
    await ledger.run(sql('pricing/drop_counted_days_table'));
  }
}
