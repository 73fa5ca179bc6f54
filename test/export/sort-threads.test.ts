import { describe, expect, it } from 'vitest';
import { newLedger } from '../helpers.js';
import { SORT_BYTES_PER_ROW_PER_THREAD, sortOnThreadsThatFit, sortThreads } from '../../src/export/sort-threads.js';

// How many threads an export sorts on, chosen from its row count and DuckDB's memory limit, so a big
// export starts on one thread instead of running out on two first (docs/benchmarks.md).

const MiB = 2 ** 20;
const DEFAULT_LIMIT = 366.2 * MiB; // 384MB as DuckDB shows it

describe('sortThreads', () => {
  it('keeps two threads for the rows they sorted at the default limit, and one for those they ran out on', () => {
    expect(sortThreads(2_000_000, DEFAULT_LIMIT, 2)).toBe(2);
    expect(sortThreads(4_000_000, DEFAULT_LIMIT, 2)).toBe(2);
    expect(sortThreads(6_000_000, DEFAULT_LIMIT, 2)).toBe(1);
    expect(sortThreads(10_116_641, DEFAULT_LIMIT, 2)).toBe(1);
  });

  it('moves the line with the limit and the machine: more memory or fewer rows, more threads; never below one', () => {
    expect(sortThreads(10_000_000, 2 * 1024 * MiB, 8)).toBe(Math.floor((2 * 1024 * MiB) / (10_000_000 * SORT_BYTES_PER_ROW_PER_THREAD)));
    expect(sortThreads(10_000_000, 2 * 1024 * MiB, 2)).toBe(2);
    expect(sortThreads(100_000, DEFAULT_LIMIT, 8)).toBe(8);
    expect(sortThreads(1_000_000_000, DEFAULT_LIMIT, 8)).toBe(1);
    expect(sortThreads(0, DEFAULT_LIMIT, 2)).toBe(2);
    expect(sortThreads(10_000_000, null, 2)).toBe(2); // a limit we cannot read changes nothing (the retry is still there)
  });
});

describe('sortOnThreadsThatFit', () => {
  const threadsOf = async (ledger: Awaited<ReturnType<typeof newLedger>>) =>
    Number((await ledger.one<{ t: number }>("SELECT current_setting('threads') AS t")).t);

  it('starts a big export on one thread at the default limit and puts the threads back after', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    await ledger.run("SET memory_limit = '384MB'");
    const seen: number[] = [];
    const write = async () => {
      seen.push(await threadsOf(ledger));
      return 7;
    };
    expect(await sortOnThreadsThatFit(ledger, 10_116_641, write)).toBe(7); // the count injected: no 10M rows here
    expect(await sortOnThreadsThatFit(ledger, 2_000_000, write)).toBe(7);
    expect(seen).toEqual([1, 2]);
    expect(await threadsOf(ledger)).toBe(2);
  });

  it('follows the limit: the same rows keep both threads with more memory', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    await ledger.run("SET memory_limit = '2GB'");
    expect(await sortOnThreadsThatFit(ledger, 10_116_641, () => threadsOf(ledger))).toBe(2);
    await ledger.run("SET memory_limit = '64MB'");
    expect(await sortOnThreadsThatFit(ledger, 1_000_000, () => threadsOf(ledger))).toBe(1);
  });
});
