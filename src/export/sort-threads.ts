import type { Ledger } from '../db/ledger.js';
import { onThreadsThatFit, StreamEndedEarly, threadsThatFit } from '../db/threads.js';

/**
 * Memory an export's sort takes per thread for each row it sorts, with a safety margin. At the default
 * 384MB limit two threads sorted 2M and 6M ledger rows (peak RSS 655 MB and 785 MiB) and ran out at 10M,
 * where one thread sorted 10M (docs/benchmarks.md, "Exports at 10M rows"): a thread takes more than 19
 * and at most 32 bytes a row. 40 keeps two threads up to 4.8M rows at 384MB, 1.25× under the 6M that fit.
 */
export const SORT_BYTES_PER_ROW_PER_THREAD = 40;

/** How many of `threads` an export of `rows` rows may sort on within `limitBytes` (src/db/threads.ts). */
export function sortThreads(rows: number, limitBytes: number | null, threads: number): number {
  return threadsThatFit(rows, SORT_BYTES_PER_ROW_PER_THREAD, limitBytes, threads);
}

/**
 * Runs an export's write of `rows` rows on as many DuckDB threads as its sort fits in, so a big export
 * does not first run out on every thread and pay for that try; one that still runs out (or whose
 * stream ends early) is written again on one thread.
 */
export function sortOnThreadsThatFit<T>(ledger: Ledger, rows: number, write: () => Promise<T>): Promise<T> {
  return onThreadsThatFit(ledger, rows, SORT_BYTES_PER_ROW_PER_THREAD, write);
}

/** The rows an export wrote, when they are all of the query's; else StreamEndedEarly (retried on one thread). */
export function checkedRowCount(written: number, expected: number): number {
  if (written === expected) return written;
  throw new StreamEndedEarly(
    `the export stopped after ${written.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} rows: DuckDB ended its stream early`,
    'most likely out of memory: set RECOUNT_MEMORY_LIMIT higher (e.g. RECOUNT_MEMORY_LIMIT=2GB), narrow the period, or export Parquet',
  );
}
