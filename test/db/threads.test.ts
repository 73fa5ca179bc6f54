import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';
import { sql } from '../../src/db/sql.js';
import { onThreadsThatFit, parseMemoryLimit, threadsThatFit } from '../../src/db/threads.js';
import { FRAME_BYTES_PER_ROW_PER_THREAD } from '../../src/replay/frame.js';

// Statements whose memory grows with their rows on every thread run on as many threads as fit
// DuckDB's memory limit, chosen before they start (docs/benchmarks.md: exports and the what-if frame).

const MiB = 2 ** 20;
const DEFAULT_LIMIT = 366.2 * MiB; // 384MB as DuckDB shows it

const threadsOf = async (ledger: Awaited<ReturnType<typeof newLedger>>) =>
  Number((await ledger.one<{ t: number }>("SELECT current_setting('threads') AS t")).t);

describe('threadsThatFit', () => {
  it('divides the limit by the rows and the bytes each thread takes a row; never below one', () => {
    expect(threadsThatFit(1_000_000, 40, 400e6, 8)).toBe(8);
    expect(threadsThatFit(1_000_000, 40, 100e6, 8)).toBe(2);
    expect(threadsThatFit(1_000_000, 40, 79e6, 8)).toBe(1);
    expect(threadsThatFit(1_000_000_000, 40, 100e6, 8)).toBe(1);
    expect(threadsThatFit(0, 40, 100e6, 2)).toBe(2);
    expect(threadsThatFit(10_000_000, 40, null, 2)).toBe(2); // a limit we cannot read changes nothing (the retry is still there)
  });

  it("keeps the what-if frame's two threads where they built it at the default limit, one where they ran out", () => {
    const frame = (rows: number) => threadsThatFit(rows, FRAME_BYTES_PER_ROW_PER_THREAD, DEFAULT_LIMIT, 2);
    expect(frame(2_000_000)).toBe(2); // the what-if bench
    expect(frame(4_907_779)).toBe(2); // built on two
    expect(frame(8_779_502)).toBe(1); // ran out on two
    expect(frame(10_116_641)).toBe(1); // ran out on two, built on one
    expect(threadsThatFit(10_116_641, FRAME_BYTES_PER_ROW_PER_THREAD, 2 * 1024 * MiB, 2)).toBe(2);
  });
});

describe('parseMemoryLimit', () => {
  it('reads the memory limit as DuckDB shows it', () => {
    expect(parseMemoryLimit('366.2 MiB')).toBeCloseTo(366.2 * MiB);
    expect(parseMemoryLimit('2.0 GiB')).toBe(2 * 1024 * MiB);
    expect(parseMemoryLimit('97.6 KiB')).toBeCloseTo(97.6 * 1024);
    expect(parseMemoryLimit('512 bytes')).toBe(512);
    expect(parseMemoryLimit('1.5 TB')).toBe(1.5e12);
    expect(parseMemoryLimit('unlimited')).toBeNull();
    expect(parseMemoryLimit('12 parsecs')).toBeNull();
  });
});

describe('onThreadsThatFit', () => {
  it('runs big work on one thread at the default limit, small work on all, and puts the threads back', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    await ledger.run("SET memory_limit = '384MB'");
    const seen: number[] = [];
    const work = async () => {
      seen.push(await threadsOf(ledger));
      return 7;
    };
    expect(await onThreadsThatFit(ledger, 10_116_641, 32, work)).toBe(7); // the count injected: no 10M rows here
    expect(await onThreadsThatFit(ledger, 2_000_000, 32, work)).toBe(7);
    expect(seen).toEqual([1, 2]);
    expect(await threadsOf(ledger)).toBe(2);
  });

  it('follows the limit and the bytes a row takes', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    await ledger.run("SET memory_limit = '2GB'");
    expect(await onThreadsThatFit(ledger, 10_116_641, 32, () => threadsOf(ledger))).toBe(2);
    expect(await onThreadsThatFit(ledger, 10_116_641, 200, () => threadsOf(ledger))).toBe(1);
    await ledger.run("SET memory_limit = '64MB'");
    expect(await onThreadsThatFit(ledger, 1_000_000, 40, () => threadsOf(ledger))).toBe(1);
  });

  it('puts the threads back when the work fails, and retries work that runs out of memory on one thread', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    let calls = 0;
    const failing = onThreadsThatFit(ledger, 10_000_000, 40, async () => {
      calls++;
      throw new Error('IO Error: No space left on device');
    });
    await expect(failing).rejects.toThrow(/No space left/);
    expect(calls).toBe(1);
    expect(await threadsOf(ledger)).toBe(2);
    const seen: number[] = [];
    const rows = await onThreadsThatFit(ledger, 1_000, 40, async () => {
      seen.push(await threadsOf(ledger));
      if (seen.length === 1) throw new Error('Out of Memory Error: failed to pin block of size 256.0 KiB');
      return 1_000;
    });
    expect(rows).toBe(1_000);
    expect(seen).toEqual([2, 1]);
    expect(await threadsOf(ledger)).toBe(2);
  });
});

describe('count_period_rows', () => {
  it('never counts fewer rows than a period holds, in any zone', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('month')]);
    await priceLedger(ledger);
    const count = async (text: string, params: Record<string, string | null>) => Number((await ledger.one<{ n: bigint }>(text, params)).n);
    const bound = (since: string | null, until: string | null) => count(sql('ledger/count_period_rows'), { since, until });
    const held = (since: string | null, until: string | null, tz: string) =>
      count('SELECT count(*) AS n FROM usage WHERE in_period(started_at, bucket_width, $since, $until, $tz)', { since, until, tz });
    const all = await held(null, null, 'UTC');
    expect(all).toBeGreaterThan(100);
    expect(await bound(null, null)).toBe(all);
    const days = (await ledger.all<{ day: string }>('SELECT DISTINCT CAST(started_at::DATE AS VARCHAR) AS day FROM usage ORDER BY day')).map((d) => d.day);
    expect(days.length).toBeGreaterThan(20);
    const [first, mid, last] = [days[0], days[Math.floor(days.length / 2)], days[days.length - 1]];
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin']) {
      // single days: a zone far from UTC puts part of the day before or after it in UTC
      for (const day of days) expect(await bound(day, day)).toBeGreaterThanOrEqual(await held(day, day, tz));
      for (const [since, until] of [[mid, null], [null, mid], [first, last]] as const) expect(await bound(since, until)).toBeGreaterThanOrEqual(await held(since, until, tz));
    }
    expect(await bound(mid, mid)).toBeLessThan(all); // a bound, but not the whole ledger
  });
});
