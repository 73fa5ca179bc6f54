import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

// usage_windows: rolling windows that start at a seat's first request and last $hours; the first
// request at or after a window's end opens the next. Claude Haiku 4.5 costs $1/M input.

const M = 1_000_000;

async function given(ledger: Ledger, rows: { key: string; at: string; user?: string; source?: string; session?: string; u?: number }[]): Promise<void> {
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier, session_id, user_id)
       VALUES ($key, $source, 'imp_test', $at::TIMESTAMPTZ, 'anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5', 1,
         $u, 0, 0, 0, 0, 'standard', $session, $user)`,
      { key: r.key, source: r.source ?? 'claude-code', at: r.at, u: r.u ?? M, session: r.session ?? null, user: r.user ?? null },
    );
  }
}

async function windows(ledger: Ledger, params: Record<string, string> = {}): Promise<Row[]> {
  const q = readQuery('usage_windows');
  const rows = await ledger.all(q.sql, bindParams(q, params));
  return rows.map((r) => ({
    seat: r.seat,
    start: (r.window_start as Date).toISOString(),
    end: (r.window_end as Date).toISOString(),
    requests: Number(r.requests),
    cost_usd: r.cost_usd,
    active_minutes: Number(r.active_minutes),
  }));
}

describe('usage_windows', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await given(ledger, [
      // alice: a request exactly 5 h after her first opens a new window; the second window spans midnight
      { key: 'a1', user: 'alice', at: '2026-10-04T20:00:00Z' },
      { key: 'a2', user: 'alice', at: '2026-10-04T20:00:30Z', u: 2 * M }, // same minute as a1
      { key: 'a3', user: 'alice', at: '2026-10-05T00:59:59.999Z' }, // the last instant of the first window
      { key: 'a4', user: 'alice', at: '2026-10-05T01:00:00Z' }, // exactly 5 h: the next window
      { key: 'a5', user: 'alice', at: '2026-10-05T05:59:00Z' },
      // bob: his own windows, one crossing the week boundary (Sunday 2026-10-11 → Monday)
      { key: 'b1', user: 'bob', at: '2026-10-11T22:00:00Z', u: 4 * M },
      { key: 'b2', user: 'bob', at: '2026-10-12T02:00:00Z' },
      // not agent usage: a gateway request of alice's
      { key: 'g1', user: 'alice', source: 'litellm', at: '2026-10-05T02:00:00Z', u: 50 * M },
    ]);
    await priceLedger(ledger);
  });

  it('opens a window at the first request and the next one exactly 5 h later, per seat, busiest first', async () => {
    expect(await windows(ledger)).toEqual([
      { seat: 'bob', start: '2026-10-11T22:00:00.000Z', end: '2026-10-12T03:00:00.000Z', requests: 2, cost_usd: 5, active_minutes: 2 },
      { seat: 'alice', start: '2026-10-04T20:00:00.000Z', end: '2026-10-05T01:00:00.000Z', requests: 3, cost_usd: 4, active_minutes: 2 },
      { seat: 'alice', start: '2026-10-05T01:00:00.000Z', end: '2026-10-05T06:00:00.000Z', requests: 2, cost_usd: 2, active_minutes: 2 },
    ]);
  });

  it('takes weekly windows with hours=168', async () => {
    expect((await windows(ledger, { hours: '168' })).map((w) => [w.seat, w.requests, w.cost_usd])).toEqual([
      ['alice', 5, 6],
      ['bob', 2, 5],
    ]);
  });

  it('counts Claude Code telemetry only for sessions no transcript describes', async () => {
    const l = await newLedger();
    await given(l, [
      { key: 't1', at: '2026-10-04T10:00:00Z', session: 's1' },
      { key: 'e1', source: 'claude-code-otel', at: '2026-10-04T10:00:00Z', session: 's1' }, // the same call, seen twice
      { key: 'e2', source: 'claude-code-otel', at: '2026-10-04T11:00:00Z', session: 's2' },
    ]);
    await priceLedger(l);
    expect((await windows(l)).map((w) => [w.seat, w.requests, w.cost_usd])).toEqual([['(local)', 2, 2]]);
    l.close();
  });
});
