import { RecountError } from '../errors.js';
import type { Ledger } from './ledger.js';
import { sql } from './sql.js';

/**
 * A statement whose memory grows with its rows on every thread (a sort, a wide table write) can run
 * out of DuckDB's memory limit on two threads where one finishes: each thread holds its own share
 * pinned. These pick the threads from the rows and the limit before the statement starts, so a big
 * one does not first run out and pay for the failed try, and keep a retry on one thread as the net.
 */

/**
 * How many of `threads` a statement over `rows` rows may run on within `limitBytes`, when each thread
 * takes `bytesPerRow` of the limit for every row: as many as fit, at least one. An unknown limit
 * (null) keeps every thread.
 */
export function threadsThatFit(rows: number, bytesPerRow: number, limitBytes: number | null, threads: number): number {
  if (limitBytes === null || rows <= 0) return threads;
  const fit = Math.floor(limitBytes / (rows * bytesPerRow));
  return Math.max(1, Math.min(threads, fit));
}

const UNITS: Record<string, number> = { bytes: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** DuckDB's memory limit as current_setting shows it ('366.2 MiB', '2.0 GiB') in bytes; null if not a size. */
export function parseMemoryLimit(shown: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(shown);
  const unit = m && UNITS[m[2].toLowerCase()];
  return unit ? Number(m[1]) * unit : null;
}

/** DuckDB's memory limit in bytes (null when not a size) and its threads, as this session has them. */
export async function memorySettings(ledger: Ledger): Promise<{ limitBytes: number | null; threads: number }> {
  const settings = await ledger.one<{ memory_limit: string; threads: bigint }>(sql('ledger/get_memory_settings'));
  return { limitBytes: parseMemoryLimit(settings.memory_limit), threads: Number(settings.threads) };
}

/**
 * Runs `work` on `n` DuckDB threads, then puts back the session's own count (`threads`, read when not
 * given), not DuckDB's default: a caller may have lowered it. Fewer than `n` already: runs as it is.
 */
export async function onThreads<T>(ledger: Ledger, n: number, work: () => Promise<T>, threads?: number): Promise<T> {
  const own = threads ?? (await memorySettings(ledger)).threads;
  if (n >= own) return work();
  await ledger.run(`SET threads = ${n}`);
  try {
    return await work();
  } finally {
    await ledger.restore(`SET threads = ${own}`);
  }
}

/**
 * Runs `work`, which reads `rows` rows at `bytesPerRow` of memory per row and thread, on as many
 * DuckDB threads as fit the memory limit (threadsThatFit); work that still runs out is retried on one
 * thread (retriedOnOneThread). The threads are put back after.
 */
export async function onThreadsThatFit<T>(ledger: Ledger, rows: number, bytesPerRow: number, work: () => Promise<T>): Promise<T> {
  const { limitBytes, threads } = await memorySettings(ledger);
  const fit = threadsThatFit(rows, bytesPerRow, limitBytes, threads);
  return onThreads(ledger, fit, () => retriedOnOneThread(ledger, work), threads);
}

/**
 * Runs `work`, and once more on one DuckDB thread when it runs out of memory: the safety net under
 * onThreadsThatFit, for rows wider than measured or a limit the rule misjudges. `work` must be
 * safe to run twice (it replaces what it writes).
 */
export async function retriedOnOneThread<T>(ledger: Ledger, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(isOutOfMemory(err) || err instanceof StreamEndedEarly)) throw err; // before any query that could hide it
    const { threads } = await memorySettings(ledger);
    if (threads <= 1) throw err;
    process.stderr.write(`${(err as Error).message.split('\n')[0]}, on ${threads} threads: running again on one (slower, less memory)\n`);
    return onThreads(ledger, 1, work, threads);
  }
}

function isOutOfMemory(err: unknown): boolean {
  return /^Out of Memory Error/.test(err instanceof Error ? err.message : String(err));
}

/**
 * A stream that ended before its last row: DuckDB ends a stream that failed (out of memory) as if it
 * were done (the C API's fetch returns NULL for both), so readers count what they expect.
 */
export class StreamEndedEarly extends RecountError {}
