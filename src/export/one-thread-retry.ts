import type { Ledger } from '../db/ledger.js';
import { RecountError } from '../errors.js';

/**
 * Runs an export's write, and once more on one DuckDB thread when it runs out of memory. A sorted
 * export holds a sort run and a file writer per thread: at the default memory limit two threads ran
 * out at 10M ledger rows where one finished (docs/benchmarks.md, "Exports at 10M rows"). One thread is
 * ~2× slower on a 2-core machine, so smaller exports keep every thread.
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
