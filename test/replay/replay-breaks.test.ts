import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { loadReplayFrame } from '../../src/replay/frame.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

/**
 * replay_breaks re-states cold_starts() narrowly (an integer thread id, no priced view); replay_core
 * prices its breaks from each row's own rates. This holds them to the macro as create_replay_rows
 * used it before: every counted row's kind, break cost and rewritten tokens, keyed by the replay order.
 */
const MACRO = `
  SELECT epoch_us(c.started_at) AS order_us, hash(c.source, c.record_key) AS order_hash,
         CASE b.kind WHEN 'prefix_break' THEN 1 WHEN 'context_reset' THEN 2 ELSE 0 END AS observed_break,
         coalesce(b.break_cost_usd, 0) AS break_cost_usd,
         CASE WHEN b.kind = 'prefix_break' THEN b.rewritten_tokens ELSE 0 END AS rewritten_tokens
  FROM replay_input c
  LEFT JOIN (SELECT source, record_key, kind, break_cost_usd, rewritten_tokens
             FROM cold_starts(CAST(1024 AS BIGINT), CAST(0.1 AS DOUBLE), CAST(180 AS DOUBLE), CAST(3300 AS DOUBLE), CAST(0.8 AS DOUBLE))
             WHERE kind IN ('prefix_break', 'context_reset')) b
    ON b.source = c.source AND b.record_key = c.record_key
  WHERE in_period(c.started_at, c.bucket_width, $since, $until, 'UTC')`;

interface BreakRow {
  order_us: bigint;
  order_hash: bigint;
  observed_break: number;
  break_cost_usd: number;
  rewritten_tokens: bigint | number;
}

async function compare(ledger: Ledger, since: string | null, until: string | null): Promise<{ rows: number; kinds: number[] }> {
  await loadReplayFrame(ledger, { since, until, tz: 'UTC' }, []);
  const key = (r: BreakRow) => `${r.order_us}:${r.order_hash}`;
  const want = new Map((await ledger.all<BreakRow>(MACRO, { since, until })).map((r) => [key(r), r]));
  const got = await ledger.all<BreakRow>('SELECT order_us, order_hash, observed_break, break_cost_usd, rewritten_tokens FROM replay_core');
  expect(got.length).toBe(want.size);
  const kinds = [0, 0, 0];
  for (const g of got) {
    const w = want.get(key(g));
    expect(w, key(g)).toBeDefined();
    expect([g.observed_break, Number(g.rewritten_tokens)]).toEqual([w!.observed_break, Number(w!.rewritten_tokens)]);
    expect(g.break_cost_usd).toBe(w!.break_cost_usd); // the same expression on the same rates: bit for bit
    kinds[g.observed_break]++;
  }
  return { rows: got.length, kinds };
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
    expect(rows).toBeGreaterThan(0);
    expect(kinds[1] + kinds[2]).toBeGreaterThan(0);
  });

  it('agrees on the bundled samples (every format, subagents, unpriced models, provider buckets)', async () => {
    const { rows } = await compare(real, null, null);
    expect(rows).toBeGreaterThan(100);
  });
});
