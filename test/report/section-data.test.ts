import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/forensics/findings.js';
import {
  anomalyData,
  cacheData,
  costPerRequestData,
  findingItems,
  headlineData,
  OTHER,
  provenanceData,
  reconciliationData,
  spendOverTimeData,
  taskTypeData,
  tokenMixData,
  topSessionsData,
} from '../../src/report/section-data.js';

describe('report section data', () => {
  it('headline: totals, the data range as instants, the top model and its share', () => {
    const h = headlineData(
      { cost_usd: 100, list_cost_usd: 110, billed_cost_usd: 20, records: 7, requests: 1200, first_at: new Date('2026-10-01T00:00:00Z'), last_at: new Date('2026-10-30T12:00:00Z'), unpriced_records: 2, uncosted_records: 1, unpriced_models: ['llama3.1:8b'] },
      { top_model: 'claude-opus-4-6', top_model_cost_usd: 61, top_model_share: 0.61, models: 4 },
      [],
    );
    expect(h).toMatchObject({ cost_usd: 100, requests: 1200, records: 7, first_at: '2026-10-01T00:00:00.000Z', last_at: '2026-10-30T12:00:00.000Z', top_model: 'claude-opus-4-6', top_model_share: 0.61, models: 4, unpriced_models: ['llama3.1:8b'], uncosted_records: 1 });
    expect(headlineData({}, undefined, []).top_model).toBeNull();
  });

  it('cost per request: the costliest models with a known per-request cost, dearest call first, providers named when several bill one model', () => {
    const rows = [
      { provider: 'openai', model: 'gpt-5', cost_usd: 50, requests: 1000, cost_per_request_usd: 0.05 },
      { provider: 'openrouter', model: 'gpt-5', cost_usd: 5, requests: 50, cost_per_request_usd: 0.1 },
      { provider: 'anthropic', model: 'claude-opus-4-6', cost_usd: 80, requests: 200, cost_per_request_usd: 0.4 },
      { provider: 'anthropic', model: 'claude-haiku-4-5', cost_usd: 1, requests: 0, cost_per_request_usd: null },
      { provider: 'openai', model: 'gpt-4.1-nano', cost_usd: 0.5, requests: 900, cost_per_request_usd: 0.0005 },
    ];
    expect(costPerRequestData(rows).map((r) => [r.label, r.cost_per_request_usd])).toEqual([
      ['claude-opus-4-6', 0.4],
      ['gpt-5 (openrouter)', 0.1],
      ['gpt-5 (openai)', 0.05],
      ['gpt-4.1-nano', 0.0005],
    ]);
    // top 2 by spend, then by price per call
    expect(costPerRequestData(rows, 2).map((r) => r.label)).toEqual(['claude-opus-4-6', 'gpt-5 (openai)']);
  });

  it('spend over time: the top models by name, the rest folded into one series, zero days left out', () => {
    const rows = [
      { day: '2026-10-01', model: 'a', cost_usd: 10 },
      { day: '2026-10-01', model: 'b', cost_usd: 5 },
      { day: '2026-10-01', model: 'c', cost_usd: 1 },
      { day: '2026-10-02', model: 'd', cost_usd: 2 },
      { day: '2026-10-02', model: 'a', cost_usd: 0 },
      { day: '2026-10-03', model: 'e', cost_usd: 0 },
    ];
    const s = spendOverTimeData(rows, 3);
    expect(s.series).toEqual(['a', 'b', OTHER]);
    expect(s.points).toEqual([
      { day: '2026-10-01', series: 'a', cost_usd: 10 },
      { day: '2026-10-01', series: 'b', cost_usd: 5 },
      { day: '2026-10-01', series: OTHER, cost_usd: 1 },
      { day: '2026-10-02', series: OTHER, cost_usd: 2 },
    ]);
    expect(s.total_cost_usd).toBe(18);
    expect(s.days).toBe(3);
    expect(spendOverTimeData(rows, 10).series).toEqual(['a', 'b', 'd', 'c']); // all fit: no fold
  });

  it('task types and tiers: shares of the total, long tails folded, the classified share', () => {
    const rows = [
      { task_type: 'unclassified', tier: null, cost_usd: 50, requests: 10 },
      { task_type: 'feature', tier: 2, cost_usd: 30, requests: 20 },
      { task_type: 'file_navigation', tier: 1, cost_usd: 15, requests: 40 },
      { task_type: 'architecture', tier: 3, cost_usd: 5, requests: 1 },
    ];
    const t = taskTypeData(rows, 3);
    expect(t.by_task_type.map((r) => [r.task_type, r.tier, r.share])).toEqual([
      ['unclassified', 'unclassified', 0.5],
      ['feature', 'tier 2 (mid-size)', 0.3],
      ['2 other task types', 'mixed', 0.2],
    ]);
    expect(t.by_tier.map((r) => [r.tier, r.cost_usd, r.requests])).toEqual([
      ['tier 1 (cheap)', 15, 40],
      ['tier 2 (mid-size)', 30, 20],
      ['tier 3 (frontier)', 5, 1],
      ['unclassified', 50, 10],
    ]);
    expect(t.classified_share).toBe(0.5);
    expect(taskTypeData([]).classified_share).toBeNull();
  });

  it('token mix: the six buckets in a fixed order with cost and share', () => {
    const m = tokenMixData({ list_cost_usd: 10, input_cost_usd: 2, input_share: 0.2, output_cost_usd: 8, output_share: 0.8, input_tokens: 1000, output_tokens: 50, web_search_requests: 0, unpriced_records: 3 });
    expect(m.parts.map((p) => p.bucket)).toEqual(['uncached input', 'cache reads', 'cache writes (5m)', 'cache writes (1h)', 'output', 'web search']);
    expect(m.parts[0]).toEqual({ bucket: 'uncached input', tokens: 1000, cost_usd: 2, share: 0.2 });
    expect(m.parts[4].share).toBe(0.8);
    expect(m.unpriced_records).toBe(3);
    expect(tokenMixData(undefined).list_cost_usd).toBe(0);
  });

  it('cache: days with a ratio, the overall ratio weighted by prompt tokens, the costliest breaks first', () => {
    const days = [
      { key: '2026-10-01', requests: 2, prompt_tokens: 1000, cache_read_tokens: 900, cache_hit_ratio: 0.9, cache_savings_usd: 1, cost_usd: 3 },
      { key: '2026-10-02', requests: 1, prompt_tokens: 3000, cache_read_tokens: 0, cache_hit_ratio: 0, cache_savings_usd: 0, cost_usd: 2 },
      { key: '2026-10-03', requests: 1, prompt_tokens: 0, cache_read_tokens: 0, cache_hit_ratio: null, cache_savings_usd: 0, cost_usd: 0 },
    ];
    const breaks = [
      { session_id: 's1', source: 'claude-code', project: 'p', requests: 9, breaks: 1, idle_expiries: 0, break_cost_usd: 0.2, share: 0.1 },
      { session_id: 's2', source: 'claude-code', project: null, requests: 5, breaks: 2, idle_expiries: 1, break_cost_usd: 0.9, share: 0.5 },
      { session_id: 's3', source: 'claude-code', project: null, requests: 5, breaks: 0, idle_expiries: 0, break_cost_usd: 0, share: 0 },
    ];
    const c = cacheData(days, breaks, 1);
    expect(c.days.map((d) => d.day)).toEqual(['2026-10-01', '2026-10-02']);
    expect(c.overall_hit_ratio).toBeCloseTo(900 / 4000, 10);
    expect(c.breaks).toEqual([{ session_id: 's2', project: null, source: 'claude-code', requests: 5, prefix_breaks: 2, idle_expiries: 1, break_cost_usd: 0.9, share_of_session: 0.5 }]);
    expect(c.sessions_with_breaks).toBe(2);
    expect(c.total_break_cost_usd).toBeCloseTo(1.1, 10);
    expect(cacheData([], []).overall_hit_ratio).toBeNull();
  });

  it('top sessions: capped, instants as ISO strings, lists kept', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ session_id: `s${i}`, projects: ['p'], models: ['m1', 'm2'], first_started_at: new Date(Date.UTC(2026, 9, 1 + i)), duration_minutes: 5, requests: 3, cost_usd: 12 - i, cost_per_request_usd: (12 - i) / 3 }));
    const s = topSessionsData(rows, 10);
    expect(s).toHaveLength(10);
    expect(s[0]).toEqual({ session_id: 's0', projects: ['p'], models: ['m1', 'm2'], first_started_at: '2026-10-01T00:00:00.000Z', duration_minutes: 5, requests: 3, cost_usd: 12, cost_per_request_usd: 4 });
  });

  it('anomalous days: the largest excess first, drops included, infinite z as null', () => {
    const rows = [
      { day: '2026-10-01', provider: 'openai', model: 'gpt-5', cost_usd: 20, median_usd: 0, robust_z: Infinity, excess_usd: 20 },
      { day: '2026-10-02', provider: 'openai', model: 'gpt-5', cost_usd: 0, median_usd: 40, robust_z: -5, excess_usd: -40 },
      { day: '2026-10-03', provider: 'openai', model: 'gpt-5', cost_usd: 9, median_usd: 4, robust_z: 4, excess_usd: 5 },
    ];
    const a = anomalyData(rows, 2);
    expect(a.days.map((d) => [d.day, d.excess_usd, d.robust_z])).toEqual([
      ['2026-10-02', -40, -5],
      ['2026-10-01', 20, null],
    ]);
    expect(a.total).toBe(3);
  });

  it('reconciliation: null without invoices; per provider totals and the largest gaps of a cent or more', () => {
    expect(reconciliationData([])).toBeNull();
    const rows = [
      { usage_date: '2026-10-01', provider: 'openai', model: 'gpt-5', token_type: 'input', invoiced_usd: 10, priced_usd: 10.004, gap_usd: -0.004, likely_reason: 'rounding' },
      { usage_date: '2026-10-02', provider: 'openai', model: 'gpt-5', token_type: 'output', invoiced_usd: 20, priced_usd: 15, gap_usd: 5, likely_reason: 'batch discount' },
      { usage_date: '2026-10-02', provider: 'anthropic', model: 'claude-opus-4-8', token_type: 'input', invoiced_usd: 7, priced_usd: null, gap_usd: null, likely_reason: 'unpriced model' },
    ];
    const r = reconciliationData(rows)!;
    expect(r.providers.map((p) => [p.provider, p.invoiced_usd, p.lines])).toEqual([
      ['openai', 30, 2],
      ['anthropic', 7, 1],
    ]);
    expect(r.providers[0].priced_usd).toBeCloseTo(25.004, 10);
    expect(r.providers[0].gap_usd).toBeCloseTo(4.996, 10);
    expect([r.providers[1].priced_usd, r.providers[1].gap_usd]).toEqual([null, null]); // unknown, not $0
    expect(r.gaps.map((g) => [g.usage_date, g.provider, g.likely_reason])).toEqual([
      ['2026-10-02', 'anthropic', 'unpriced model'],
      ['2026-10-02', 'openai', 'batch discount'],
    ]);
    expect([r.first_day, r.last_day, r.lines]).toEqual(['2026-10-01', '2026-10-02', 3]);
  });

  it('provenance: totals over every format, the largest files capped', () => {
    const formats = [
      { format: 'claude-code', files: 3, rows_read: 82, imported: 58, duplicates: 23, rejected: 1, skipped_lines: 66 },
      { format: 'openai-usage-csv', files: 1, rows_read: 26, imported: 26, duplicates: 0, rejected: 0, skipped_lines: 0 },
    ];
    const files = [1, 2, 3].map((i) => ({ path: `/x/${i}.jsonl`, format: 'claude-code', rows_read: 10 - i, imported: 5, duplicates: 1, rejected: 0 }));
    const p = provenanceData('/tmp/l.duckdb', [], formats, files, 2);
    expect(p.totals).toEqual({ files: 4, rows_read: 108, imported: 84, duplicates: 23, rejected: 1 });
    expect(p.files.map((f) => f.path)).toEqual(['/x/1.jsonl', '/x/2.jsonl']);
    expect(p.ledger).toBe('/tmp/l.duckdb');
  });

  it('findings: kind, title, dollars and query; the evidence stays out of the report', () => {
    const f: Finding = { kind: 'cache_breaks', title: '1 cache break', impact_usd: 0.46, evidence: { worst_session: 'secret' }, query: 'recount query cache_breaks_by_session' };
    expect(findingItems([f])).toEqual([{ kind: 'cache_breaks', title: '1 cache break', impact_usd: 0.46, query: 'recount query cache_breaks_by_session' }]);
  });
});
