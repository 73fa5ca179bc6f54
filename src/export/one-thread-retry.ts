import type { Ledger } from '../db/ledger.js';

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
    const threads = Number((await ledger.one<{ threads: number }>("SELECT current_setting('threads') AS threads")).threads);
    if (!isOutOfMemory(err) || threads <= 1) throw err;
    process.stderr.write(`DuckDB ran out of memory on ${threads} threads; writing again on one (slower, less memory)\n`);
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
