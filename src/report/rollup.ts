import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';

/**
 * Runs `fn` with counted_days (usage_counted per local day and dimension) written once into a temp
 * table for the period's zone: the report's day-grain queries then read a few thousand summed rows
 * instead of pricing and counting every ledger row again each (~1 s a query at 1M rows). The rows are
 * the ones the macro gives; afterwards counted_days reads usage_counted again.
 */
export async function withSharedRollup<T>(ledger: Ledger, period: Period, fn: () => Promise<T>, keep = false): Promise<T> {
  const tz = { tz: period.tz ?? 'UTC' };
  await ledger.run(sql('pricing/create_zone_hours_table'), tz); // the zone's offset per hour: a local day without a conversion per row
  try {
    await ledger.run(sql('pricing/create_counted_days_table'), tz);
  } finally {
    await ledger.run(sql('pricing/drop_zone_hours_table'));
  }
  return whileShared(ledger, 'pricing/create_counted_days_shared_macro', ['pricing/create_counted_days_macro', 'pricing/drop_counted_days_table'], fn, keep);
}

/**
 * Runs `fn` with agent_turns() (queries/forensics/create_agent_turns_macro.sql) written once into a temp
 * table: the report's turn readers (completed tasks, and a what-if's observed outcomes) then read it
 * instead of joining every event and request to its turn again each. Afterwards the macro reads the ledger.
 * `whileWriting` runs once the statement is in DuckDB's threads, the main thread free until it ends.
 */
export async function withSharedTurns<T>(ledger: Ledger, fn: () => Promise<T>, keep = false, whileWriting?: () => void): Promise<T> {
  const written = ledger.run(sql('forensics/create_agent_turns_table')); // no parameters: sent to DuckDB before this returns
  whileWriting?.();
  await written;
  return whileShared(ledger, 'forensics/create_agent_turns_shared_macro', ['forensics/create_agent_turns_macro', 'forensics/drop_agent_turns_table'], fn, keep);
}

/**
 * Runs `fn` with usage_key_rates (every pricing key's rates) written once into a temp table: each of
 * the report's queries over usage_priced then joins those rates instead of finding the keys over every
 * ledger row again. The rates are the ones the view gives; afterwards it reads the ledger again.
 */
export async function withSharedKeyRates<T>(ledger: Ledger, fn: () => Promise<T>, keep = false): Promise<T> {
  await ledger.run(sql('pricing/create_usage_key_rates_table'));
  return whileShared(ledger, 'pricing/create_usage_key_rates_shared_view', ['pricing/create_usage_key_rates', 'pricing/drop_usage_key_rates_table'], fn, keep);
}

/**
 * Runs `fn` with a macro or view defined over a table just written (`share`), then, whatever `fn` did,
 * the statements that define it over the ledger again and drop the table (`restore`, in order).
 * With `keep`, for a session that closes next, both stay (they give the same rows) and the close drops
 * them: defining counted_days over the ledger again binds all of usage_counted (~50 ms).
 */
async function whileShared<T>(ledger: Ledger, share: string, restore: string[], fn: () => Promise<T>, keep: boolean): Promise<T> {
  await ledger.run(sql(share));
  try {
    return await fn();
  } finally {
    if (!keep) for (const name of restore) await ledger.run(sql(name));
  }
}
