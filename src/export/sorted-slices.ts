import type { Ledger, Params } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { memorySettings, retriedOnOneThread } from '../db/threads.js';
import { SORT_BYTES_PER_ROW_PER_THREAD, sortOnThreadsThatFit, sortThreads } from './sort-threads.js';

/**
 * An export too big to sort on every thread within DuckDB's memory limit (10M ledger rows at 384MB)
 * is sorted in slices of started_at that fit instead: each slice sorted on every thread in memory
 * and appended to a temp table, which is then copied in its insertion order. One sort of all the
 * rows on one thread spills and reads its runs back; at 10M rows the slices cost 359 CPU-s against
 * 450 (docs/benchmarks.md, "Sorted in slices"). Only for a query that sorts by started_at first.
 */

/** A slice's started_at range in epoch microseconds (`toUs` excluded) and the rows it holds. */
export interface Slice {
  fromUs: bigint;
  toUs: bigint;
  rows: number;
}

const HOUR_US = 3_600_000_000n;

/**
 * Half the rows every thread sorts within the limit (sortThreads' rule): the other half is left to
 * the slices already written, which the temp table holds beside the sort until it spills them.
 */
export function sliceRows(limitBytes: number, threads: number): number {
  return Math.max(1, Math.floor(limitBytes / (SORT_BYTES_PER_ROW_PER_THREAD * threads * 2)));
}

/**
 * UTC hours and their row counts (ascending) cut into as few slices of about equal rows as keep each
 * within `maxRows`; an hour is never split, so an hour above `maxRows` is a slice of its own.
 */
export function slicesOf(hours: { hourUs: bigint; rows: number }[], maxRows: number): Slice[] {
  const total = hours.reduce((sum, h) => sum + h.rows, 0);
  const per = total / Math.max(1, Math.ceil(total / maxRows));
  const slices: Slice[] = [];
  let open: Slice | null = null;
  for (const h of hours) {
    if (open && open.rows > 0 && (open.rows + h.rows > maxRows || open.rows >= per)) {
      slices.push(open);
      open = null;
    }
    open ??= { fromUs: h.hourUs, toUs: h.hourUs, rows: 0 };
    open.toUs = h.hourUs + HOUR_US;
    open.rows += h.rows;
  }
  if (open) slices.push(open);
  return slices;
}

/**
 * The slices an export of `rows` ledger rows over `period` is sorted in, or null when its sort fits
 * on every thread (one sort is cheaper then) or the limit is unknown.
 */
export async function exportSlices(ledger: Ledger, rows: number, period: Params): Promise<Slice[] | null> {
  const { limitBytes: limit, threads } = await memorySettings(ledger);
  if (limit === null || sortThreads(rows, limit, threads) >= threads) return null;
  const hours = await ledger.all<{ hour_us: bigint; rows: bigint }>(sql('export/count_ledger_rows_by_hour'), period);
  const slices = slicesOf(hours.map((h) => ({ hourUs: BigInt(h.hour_us), rows: Number(h.rows) })), sliceRows(limit, threads));
  return slices.length > 1 ? slices : null;
}

/**
 * Writes `rowsSql`'s rows (bound by `values`) slice by slice into the temp table export_sorted, each
 * on the threads it fits (one still running out is written again on one thread), then runs `copy`
 * (a COPY of `SELECT * FROM export_sorted`). Returns the rows copied; the table is dropped after.
 */
export async function copyInSlices(ledger: Ledger, rowsSql: string, values: Params, slices: Slice[], copy: (rowsSql: string) => Promise<number>): Promise<number> {
  const put = (name: string) => sql(name).replace(/^SELECT \* FROM \(\$rows\)$/m, () => `SELECT * FROM (\n${rowsSql}\n)`);
  try {
    for (const [i, s] of slices.entries()) {
      const text = put(i === 0 ? 'export/create_sorted_slices' : 'export/insert_sorted_slice');
      await sortOnThreadsThatFit(ledger, s.rows, () => ledger.run(text, { ...values, from_us: s.fromUs, to_us: s.toUs }));
    }
    return await retriedOnOneThread(ledger, () => copy('SELECT * FROM export_sorted'));
  } finally {
    await ledger.run(sql('export/drop_sorted_slices'));
  }
}
