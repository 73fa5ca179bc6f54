import { describe, expect, it } from 'vitest';
import {
  anomalyFindings,
  cacheBreakFindings,
  concentrationFindings,
  rankFindings,
  reconciliationFindings,
  runawayFindings,
  unpricedFindings,
} from '../../src/forensics/findings.js';

describe('findings sentences', () => {
  it('says how concentrated spend is and what the top model spent it on', () => {
    const [f] = concentrationFindings([
      { model: 'claude-opus-4-6', cost_usd: 615, total_cost_usd: 788, share_of_spend: 615 / 788, tier1_request_share: 0.61, tier1_cost_usd: 201.5, tier1_task_types: ['file_navigation', 'search'] },
      { model: 'claude-haiku-4-5', cost_usd: 173, share_of_spend: 0.22 },
    ]);
    expect(f.title).toBe('78% of spend ($615.00 of $788.00) is claude-opus-4-6; 61% of its calls were tier-1 work (file navigation, search)');
    expect(f.impact_usd).toBe(201.5);
  });

  it('stays quiet when spend is spread out', () => {
    expect(concentrationFindings([{ model: 'a', cost_usd: 10, total_cost_usd: 40, share_of_spend: 0.25, tier1_request_share: 0.1 }])).toEqual([]);
  });

  it('adds up cache breaks across sessions', () => {
    const [f] = cacheBreakFindings([
      { session_id: 's1', breaks: 30, prefix_break_cost_usd: 50, break_cost_usd: 55 },
      { session_id: 's2', breaks: 11, prefix_break_cost_usd: 13, break_cost_usd: 13 },
      { session_id: 's3', breaks: 0, prefix_break_cost_usd: 0, break_cost_usd: 2 },
    ]);
    expect(f.title).toBe('41 cache breaks in 2 sessions cost $63.00 more than cache reads would have');
    expect(f.impact_usd).toBe(63);
  });

  it('names runaway sessions by a short id', () => {
    const [f] = runawayFindings([{ session_id: '7f3c9a1e-0000-4000-8000-000000000000', requests: 412, duration_min: 186, cost_usd: 91.2, past_thresholds_usd: 40.5 }]);
    expect(f.title).toBe('session 7f3c9a1e… ran 412 turns over 3.1 hours ($91.20, $40.50 of it past the runaway thresholds)');
  });

  it('explains an invoice gap by its likely reason', () => {
    const [f] = reconciliationFindings([
      { usage_date: '2026-06-12', provider: 'anthropic', model: 'claude-opus-4-8', token_type: 'output', gap_usd: 14.2, likely_reason: 'unpriced model' },
      { usage_date: '2026-06-13', provider: 'anthropic', model: 'claude-opus-4-8', token_type: 'output', gap_usd: 0.004, likely_reason: 'rounding' },
    ]);
    expect(f.title).toBe('invoice for 2026-06-12 is $14.20 above priced usage (anthropic claude-opus-4-8 output): claude-opus-4-8 has no catalog price');
  });

  it('reports only anomalies with a finite robust z above the median', () => {
    const found = anomalyFindings([
      { day: '2026-10-01', model: 'gpt-4.1', cost_usd: 2.5, median_usd: 0, mad_usd: 0, robust_z: null, excess_usd: 2.5 },
      { day: '2026-10-05', model: 'gpt-4o-mini', cost_usd: 9, median_usd: 1, mad_usd: 0.5, robust_z: 10.8, excess_usd: 8 },
      { day: '2026-10-06', model: 'gpt-4o-mini', cost_usd: 0, median_usd: 1, mad_usd: 0.5, robust_z: -1.3, excess_usd: -1 },
    ]);
    expect(found.map((f) => f.title)).toEqual(['2026-10-05: gpt-4o-mini spent $9.00, $8.00 above its median day ($1.00; robust z 10.8)']);
  });

  it('says which days an anomalous day was compared with', () => {
    const found = anomalyFindings([
      { day: '2026-10-07', model: 'claude-sonnet-4-5', coverage: 'aggregate', cost_usd: 36.45, median_usd: 18.82, robust_z: 11.2, excess_usd: 17.63 },
      { day: '2026-10-21', model: 'claude-opus-4-6', coverage: 'requests', cost_usd: 788, median_usd: 40, robust_z: 52.1, excess_usd: 748 },
    ]);
    expect(found.map((f) => f.title)).toEqual([
      '2026-10-21: claude-opus-4-6 spent $788.00, $748.00 above its median day in request logs ($40.00; robust z 52.1)',
      '2026-10-07: claude-sonnet-4-5 spent $36.45, $17.63 above its median day in the usage export ($18.82; robust z 11.2)',
    ]);
  });

  it('names an invoice for an unpriced model by its whole amount', () => {
    const [f] = reconciliationFindings([
      { usage_date: '2026-06-12', provider: 'anthropic', model: 'claude-opus-4-8', token_type: 'output', invoiced_usd: 14.2, priced_usd: null, gap_usd: null, likely_reason: 'unpriced model' },
    ]);
    expect(f.title).toBe('invoice for 2026-06-12 is $14.20 above priced usage (anthropic claude-opus-4-8 output): claude-opus-4-8 has no catalog price');
    expect(f.impact_usd).toBe(14.2);
  });

  it('ranks unknown costs first, then by dollars', () => {
    const ranked = rankFindings([
      ...cacheBreakFindings([{ session_id: 's', breaks: 1, prefix_break_cost_usd: 5 }]),
      ...unpricedFindings({ unpriced_records: 3, unpriced_models: ['gpt-9'] }),
      ...runawayFindings([{ session_id: 'x', requests: 10, duration_min: 60, cost_usd: 20, past_thresholds_usd: 9 }]),
    ]);
    expect(ranked.map((f) => f.kind)).toEqual(['unpriced', 'runaway_session', 'cache_breaks']);
  });
});
