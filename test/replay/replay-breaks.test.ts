import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { loadReplayFrame } from '../../src/replay/frame.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

/**
 * The frame's observed breaks re-state cold_starts(): found in one pass over the rows when the period
 * holds every thread whole (frame-breaks.ts), else by replay_breaks (a narrow window in DuckDB) read
 * back by row id; both price a break from the row's own rates. This holds them to the macro as
 * create_replay_rows used it before: every counted row's kind, break cost and rewritten tokens, in
 * replay order.
 */
const MACRO = `
  SELECT CASE b.kind WHEN 'prefix_break' THEN 1 WHEN 'context_reset' THEN 2 ELSE 0 END AS observed_break,
         coalesce(b.break_cost_usd, 0) AS break_cost_usd,
         CASE WHEN b.kind = 'prefix_break' THEN b.rewritten_tokens ELSE 0 END AS rewritten_tokens
  FROM replay_input c
  LEFT JOIN (SELECT source, record_key, kind, break_cost_usd, rewritten_tokens
             FROM cold_starts(CAST(1024 AS BIGINT), CAST(0.1 AS DOUBLE), CAST(180 AS DOUBLE), CAST(3300 AS DOUBLE), CAST(0.8 AS DOUBLE))
             WHERE kind IN ('prefix_break', 'context_reset')) b
    ON b.source = c.source AND b.record_key = c.record_key
  WHERE in_period(c.started_at, c.bucket_width, $since, $until, 'UTC')
  ORDER BY epoch_us(c.started_at), hash(c.source, c.record_key)`;

interface BreakRow {
  observed_break: number;
  break_cost_usd: number;
  rewritten_tokens: bigint | number;
}

/** Whether the last frame took DuckDB's path (replay_breaks built) rather than the one-pass one. */
async function tookSqlPath(ledger: Ledger): Promise<boolean> {
  const [{ n }] = await ledger.all<{ n: number }>("SELECT CAST(count(*) AS INTEGER) AS n FROM duckdb_tables() WHERE table_name = 'replay_breaks'");
  return n > 0;
}

async function compare(ledger: Ledger, since: string | null, until: string | null): Promise<{ rows: number; kinds: number[] }> {
  const frame = await loadReplayFrame(ledger, { since, until, tz: 'UTC' }, []);
  const want = await ledger.all<BreakRow>(MACRO, { since, until });
  expect(frame.rows).toBe(want.length);
  const kinds = [0, 0, 0];
  for (let i = 0; i < frame.rows; i++) {
    const w = want[i];
    expect([frame.observedBreak[i], frame.rewrittenTokens[i]], `row ${i}`).toEqual([w.observed_break, Number(w.rewritten_tokens)]);
    expect(frame.breakCostUsd[i], `row ${i}`).toBe(w.break_cost_usd); // the same expression on the same rates: bit for bit
    kinds[frame.observedBreak[i]]++;
  }
  return { rows: frame.rows, kinds };
}

describe('replay_breaks: the cold_starts rules, narrow', () => {
  let month: Ledger;
  let real: Ledger;
  beforeAll(async () => {
    month = await newLedger();
    await loadRows(month, generateSyntheticMonth(3).rows);
    await priceLedger(month);
    real = await newLedger();
    await importPaths(real, [samples()]);
    await priceLedger(real);
  });
  afterAll(() => {
    month.close();
    real.close();
  });

  it('finds every prefix break and context reset the macro finds, priced the same (a synthetic month)', async () => {
    const { rows, kinds } = await compare(month, null, null);
    expect(await tookSqlPath(month)).toBe(false); // every thread whole: the one-pass path
    expect(rows).toBeGreaterThan(1000);
    expect(kinds[1]).toBeGreaterThan(0); // prefix breaks
    expect(kinds[2]).toBeGreaterThan(0); // context resets
  });

  it('keeps a period’s first requests classified against their predecessors before the period', async () => {
    // three days in the middle of the month: its threads run across the period's start
    const [{ since, until }] = await month.all<{ since: string; until: string }>(
      "SELECT CAST(CAST(min(started_at) AS DATE) + 10 AS VARCHAR) AS since, CAST(CAST(min(started_at) AS DATE) + 12 AS VARCHAR) AS until FROM usage",
    );
    const { rows, kinds } = await compare(month, since, until);
    expect(await tookSqlPath(month)).toBe(true);
    expect(rows).toBeGreaterThan(0);
    expect(kinds[1] + kinds[2]).toBeGreaterThan(0);
  });

  it('agrees on the bundled samples (every format, subagents, unpriced models, provider buckets)', async () => {
    const { rows } = await compare(real, null, null);
    expect(rows).toBeGreaterThan(100);
  });

  it('leaves requests of one thread that start in the same microsecond to DuckDB (the macro orders them by record key)', async () => {
    const tied = await newLedger();
    try {
      // every fourth request of a thread starts when the one before it did
      const rows = generateSyntheticMonth(3).rows.map((r) => ({ ...r }));
      const last = new Map<string, string>();
      rows.forEach((r, i) => {
        const thread = `${r.session_id}/${r.agent_id}`;
        if (i % 4 === 0 && last.has(thread)) r.started_at = last.get(thread)!;
        last.set(thread, r.started_at);
      });
      await loadRows(tied, rows);
      await priceLedger(tied);
      const { kinds } = await compare(tied, null, null);
      expect(await tookSqlPath(tied)).toBe(true);
      expect(kinds[1] + kinds[2]).toBeGreaterThan(0);
    } finally {
      tied.close();
    }
  });
});
