import { describe, expect, it } from 'vitest';
import { collectFindings, MAX_FINDINGS, type QueryRunner } from '../../src/forensics/collect.js';

type Row = Record<string, unknown>;

/** A query runner over hand-built rows: each named query answers with its rows, else none. */
function runner(rows: Record<string, Row[]>): QueryRunner {
  return async (name) => rows[name] ?? [];
}

const session = (i: number, pastUsd: number): Row => ({ session_id: `s${i}`, requests: 100, duration_min: 120, cost_usd: pastUsd * 2, past_thresholds_usd: pastUsd });
const spike = (d: number, excessUsd: number): Row => ({ day: `2026-10-${10 + d}`, model: 'claude-opus-4-6', coverage: 'requests', cost_usd: excessUsd + 40, median_usd: 40, robust_z: excessUsd / 10, excess_usd: excessUsd });
const gap = (d: number, gapUsd: number): Row => ({ usage_date: `2026-10-0${d}`, provider: 'openai', model: 'gpt-5', token_type: 'output', gap_usd: gapUsd, likely_reason: 'unexplained' });

describe('collectFindings', () => {
  it('keeps the 10 strongest findings, unknown costs first, and counts the rest', async () => {
    const q = runner({
      summary: [{ cost_usd: 2000, records: 5000, unpriced_records: 3, unpriced_models: ['llama3.1:8b'] }],
      cache_breaks_by_session: [{ session_id: 'c1', breaks: 4, prefix_break_cost_usd: 12 }],
      runaway_sessions: [session(1, 300), session(2, 20), session(3, 2)],
      anomalous_days: [spike(1, 748), spike(2, 90), spike(3, 60), spike(4, 50)],
      reconciliation: [gap(1, 30), gap(2, 25), gap(3, 8), gap(4, 5), gap(5, 1.5)],
    });
    const { findings, found } = await collectFindings(q);
    // 1 unpriced + 1 cache break + 3 runaway + 3 anomalous days (their own cap) + 5 invoice gaps
    expect(found).toBe(13);
    expect(findings).toHaveLength(MAX_FINDINGS);
    expect(findings[0].kind).toBe('unpriced');
    expect(findings.slice(1).map((f) => f.impact_usd)).toEqual([748, 300, 90, 60, 30, 25, 20, 12, 8]);
  });

  it('takes a smaller limit, and returns fewer when fewer are found', async () => {
    const q = runner({ summary: [{ cost_usd: 10, records: 10 }], runaway_sessions: [session(1, 3)] });
    expect((await collectFindings(q, { limit: 0 })).findings).toEqual([]);
    const all = await collectFindings(q);
    expect([all.found, all.findings.map((f) => f.kind)]).toEqual([1, ['runaway_session']]);
  });
});
