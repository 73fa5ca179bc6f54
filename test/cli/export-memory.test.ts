import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, priceLedger, samples, transcriptOfTelemetrySession } from '../helpers.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { retriedOnOneThread, StreamEndedEarly } from '../../src/db/threads.js';
import { checkedRowCount } from '../../src/export/sort-threads.js';

// What keeps `recount export` within the memory limit at 10M rows: the counted flag looked up only
// for the rows usage_counted can leave out, and a write that runs out of memory retried on one thread.

describe('export in bounded memory', () => {
  it('flags as counted exactly the rows usage_counted holds (aggregates split, telemetry, logs)', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples(), transcriptOfTelemetrySession()]);
    await priceLedger(ledger);
    const rows = await runNamedQuery<{ source: string; record_key: string; counted: boolean }>(ledger, 'ledger_rows');
    const counted = new Set(
      (await ledger.all<{ k: string }>("SELECT DISTINCT source || '|' || record_key AS k FROM usage_counted")).map((r) => r.k),
    );
    const wrong = rows.filter((r) => r.counted !== counted.has(`${r.source}|${r.record_key}`));
    expect(wrong).toEqual([]);
    // both kinds occur: aggregate rows the logs explain whole and telemetry the transcripts describe are left out
    const left = rows.filter((r) => !r.counted);
    expect(left.some((r) => r.source === 'claude-code-otel')).toBe(true);
    expect(left.some((r) => r.source !== 'claude-code-otel')).toBe(true);
    expect(rows.filter((r) => r.counted).length).toBeGreaterThan(left.length);
  }, 120_000);

  it('writes again on one thread when DuckDB runs out of memory, then puts the threads back', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    const seen: number[] = [];
    const threads = async () => Number((await ledger.one<{ t: number }>("SELECT current_setting('threads') AS t")).t);
    const rows = await retriedOnOneThread(ledger, async () => {
      seen.push(await threads());
      if (seen.length === 1) throw new Error('Out of Memory Error: failed to pin block of size 256.0 KiB');
      return 42;
    });
    expect(rows).toBe(42);
    expect(seen).toEqual([2, 1]);
    expect(await threads()).toBe(2);
  });

  it('takes a stream that ended before its last row for a failure: again on one thread, then an error with a hint', async () => {
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    const written = [122_880, 10_000_000]; // what a 10M-row Arrow export wrote on two threads, then on one
    expect(await retriedOnOneThread(ledger, async () => checkedRowCount(written.shift()!, 10_000_000))).toBe(10_000_000);
    let calls = 0;
    const short = retriedOnOneThread(ledger, async () => {
      calls++;
      return checkedRowCount(5, 7);
    });
    await expect(short).rejects.toBeInstanceOf(StreamEndedEarly);
    await expect(short).rejects.toThrow('the export stopped after 5 of 7 rows');
    expect(calls).toBe(2);
  });

  it('passes any other error on without a second try', async () => {
    const ledger = await newLedger();
    let calls = 0;
    const failing = retriedOnOneThread(ledger, async () => {
      calls++;
      throw new Error('IO Error: No space left on device');
    });
    await expect(failing).rejects.toThrow(/No space left/);
    expect(calls).toBe(1);
  });
});

