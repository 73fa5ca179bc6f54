import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { RecountError } from '../errors.js';

/**
 * Memory an export's sort takes per thread for each row it sorts, with a safety margin. At the default
 * 384MB limit two threads sorted 2M and 6M ledger rows (peak RSS 655 MB and 785 MiB) and ran out at 10M,
 * where one thread sorted 10M (docs/benchmarks.md, "Exports at 10M rows"): a thread takes more than 19
 * and at most 32 bytes a row. 40 keeps two threads up to 4.8M rows at 384MB, 1.25× under the 6M that fit.
 */
export const SORT_BYTES_PER_ROW_PER_THREAD = 40;

/**
 * How many of `threads` an export of `rows` rows may sort on within `limitBytes`: as many as fit by
 * SORT_BYTES_PER_ROW_PER_THREAD, at least one. An unknown limit (null) keeps every thread.
 */
export function sortThreads(rows: number, limitBytes: number | null, threads: number): number {
  if (limitBytes === null || rows <= 0) return threads;
  const fit = Math.floor(limitBytes / (rows * SORT_BYTES_PER_ROW_PER_THREAD));
  return Math.max(1, Math.min(threads, fit));
}

const UNITS: Record<string, number> = { bytes: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** DuckDB's memory limit as current_setting shows it ('366.2 MiB', '2.0 GiB') in bytes; null if not a size. */
export function parseMemoryLimit(shown: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(shown);
  const unit = m && UNITS[m[2].toLowerCase()];
  return unit ? Number(m[1]) * unit : null;
}

/**
 * Runs an export's write of `rows` rows on as many DuckDB threads as its sort fits in (sortThreads),
 * so a big export does not first run out on every thread and pay for that try; one that still runs
 * out is retried on one thread (retriedOnOneThread). The threads are put back after.
 */
export async function onThreadsThatFit<T>(ledger: Ledger, rows: number, write: () => Promise<T>): Promise<T> {
  const settings = await ledger.one<{ memory_limit: string; threads: bigint }>(sql('ledger/get_export_sort_settings'));
  const threads = Number(settings.threads);
  const fit = sortThreads(rows, parseMemoryLimit(settings.memory_limit), threads);
  if (fit >= threads) return retriedOnOneThread(ledger, write);
  await ledger.run(`SET threads = ${fit}`);
  try {
    return await retriedOnOneThread(ledger, write);
  } finally {
    await ledger.run(`SET threads = ${threads}`);
  }
}

/**
 * Runs an export's write, and once more on one DuckDB thread when it runs out of memory: the safety
 * net under onThreadsThatFit, for rows wider than the ledger's or a limit the rule misjudges.
 */
export async function retriedOnOneThread<T>(ledger: Ledger, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(isOutOfMemory(err) || err instanceof StreamEndedEarly)) throw err; // before any query that could hide it
    const threads = Number((await ledger.one<{ threads: number }>("SELECT current_setting('threads') AS threads")).threads);
    if (threads <= 1) throw err;
    process.stderr.write(`${(err as Error).message.split('\n')[0]}, on ${threads} threads: writing again on one (slower, less memory)\n`);
    await ledger.run('SET threads = 1');
    try {
      return await write();
    } finally {
      await ledger.run(`SET threads = ${threads}`);
    }
  }
}

function isOutOfMemory(err: unknown): boolean {
  return /^Out of Memory Error/.test(err instanceof Error ? err.message : String(err));
}

/** A streamed export that ended before its last row: DuckDB ends a stream that failed (out of memory) as if it were done. */
export class StreamEndedEarly extends RecountError {}

/** The rows an export wrote, when they are all of the query's; else StreamEndedEarly (retried on one thread). */
export function checkedRowCount(written: number, expected: number): number {
  if (written === expected) return written;
  throw new StreamEndedEarly(
    `the export stopped after ${written.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} rows: DuckDB ended its stream early`,
    'most likely out of memory: set RECOUNT_MEMORY_LIMIT higher (e.g. RECOUNT_MEMORY_LIMIT=2GB), narrow the period, or export Parquet',
  );
}
