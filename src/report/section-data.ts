/**
 * Each report section's data, computed from named-query rows by a small pure function (no SQL here:
 * the queries answer, these only pick, fold and cap, so a report over a million rows stays small).
 */
import type { Finding } from '../forensics/findings.js';
import type {
  Anomalies,
  CacheSection,
  CostPerRequest,
  FindingItem,
  Headline,
  Provenance,
  Reconciliation,
  SessionItem,
  SpendOverTime,
  TaskTypeSpend,
  TokenMix,
} from './model.js';

type Row = Record<string, unknown>;

/** The name of the series that folds every model past the top N. */
export const OTHER = 'other models';

const num = (v: unknown): number => (typeof v === 'number' ? v : v == null ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v == null || (typeof v === 'number' && !Number.isFinite(v)) ? null : num(v));
const str = (v: unknown): string => (v == null ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));
const instant = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Headline numbers: spend, requests, the data's first and last instant, the top model, cost per request. */
export function headlineData(summary: Row, concentration: Row | undefined, costPerRequest: Row[], topN = 12): Headline {
  return {
    cost_usd: num(summary.cost_usd),
    list_cost_usd: num(summary.list_cost_usd),
    billed_cost_usd: num(summary.billed_cost_usd),
    records: num(summary.records),
    requests: num(summary.requests),
    first_at: instant(summary.first_at),
    last_at: instant(summary.last_at),
    models: num(concentration?.models),
    top_model: strOrNull(concentration?.top_model),
    top_model_cost_usd: numOrNull(concentration?.top_model_cost_usd),
    top_model_share: numOrNull(concentration?.top_model_share),
    unpriced_records: num(summary.unpriced_records),
    uncosted_records: num(summary.uncosted_records),
    unpriced_models: list(summary.unpriced_models),
    cost_per_request: costPerRequestData(costPerRequest, topN),
  };
}

/**
 * Cost per call for the models that cost the most (a model billed by several providers is labelled with
 * each provider), dearest call first. Models without a known per-request cost are left out.
 */
export function costPerRequestData(rows: Row[], topN = 12): CostPerRequest[] {
  const known = rows.filter((r) => r.cost_per_request_usd != null);
  const providersOf = new Map<string, Set<string>>();
  for (const r of known) providersOf.set(str(r.model), (providersOf.get(str(r.model)) ?? new Set()).add(str(r.provider)));
  return [...known]
    .sort((a, b) => num(b.cost_usd) - num(a.cost_usd) || str(a.model).localeCompare(str(b.model)))
    .slice(0, topN)
    .map((r) => ({
      label: (providersOf.get(str(r.model))?.size ?? 0) > 1 ? `${str(r.model)} (${str(r.provider)})` : str(r.model),
      provider: strOrNull(r.provider),
      model: str(r.model),
      requests: num(r.requests),
      cost_usd: numOrNull(r.cost_usd),
      cost_per_request_usd: num(r.cost_per_request_usd),
    }))
    .sort((a, b) => b.cost_per_request_usd - a.cost_per_request_usd || a.label.localeCompare(b.label));
}

/** Ranked findings as the report lists them (the evidence stays with `recount forensics --json`). */
export function findingItems(findings: Finding[]): FindingItem[] {
  return findings.map((f) => ({ kind: f.kind, title: f.title, impact_usd: f.impact_usd, query: f.query }));
}

/** Spend per day stacked by model: the `topN` costliest models by name, every other model folded into OTHER. */
export function spendOverTimeData(rows: Row[], topN = 8): SpendOverTime {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(str(r.model), (totals.get(str(r.model)) ?? 0) + num(r.cost_usd));
  const ranked = [...totals].filter(([, cost]) => cost > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const keep = new Set(ranked.length > topN ? ranked.slice(0, topN - 1).map(([m]) => m) : ranked.map(([m]) => m));
  const series = ranked.filter(([m]) => keep.has(m)).map(([m]) => m);
  if (ranked.length > keep.size) series.push(OTHER);
  const byKey = new Map<string, { day: string; series: string; cost_usd: number }>();
  for (const r of rows) {
    if (num(r.cost_usd) <= 0) continue;
    const s = keep.has(str(r.model)) ? str(r.model) : OTHER;
    const key = `${str(r.day)}\u0000${s}`;
    const point = byKey.get(key) ?? byKey.set(key, { day: str(r.day), series: s, cost_usd: 0 }).get(key)!;
    point.cost_usd += num(r.cost_usd);
  }
  const order = new Map(series.map((s, i) => [s, i]));
  const points = [...byKey.values()].sort((a, b) => a.day.localeCompare(b.day) || order.get(a.series)! - order.get(b.series)!);
  return {
    series,
    points,
    days: new Set(rows.map((r) => str(r.day))).size,
    total_cost_usd: ranked.reduce((a, [, c]) => a + c, 0),
  };
}

const TIER_LABELS: Record<string, string> = { '1': 'tier 1 (cheap)', '2': 'tier 2 (mid-size)', '3': 'tier 3 (frontier)' };
export const tierLabel = (tier: unknown): string => (tier == null ? 'unclassified' : TIER_LABELS[String(tier)] ?? `tier ${String(tier)}`);

/** Spend by task type (top N, the rest folded) and by routing tier, with the share the rules classified. */
export function taskTypeData(rows: Row[], topN = 12): TaskTypeSpend {
  const total = rows.reduce((a, r) => a + num(r.cost_usd), 0);
  const share = (cost: number) => (total > 0 ? cost / total : 0);
  const ranked = [...rows].sort((a, b) => num(b.cost_usd) - num(a.cost_usd) || str(a.task_type).localeCompare(str(b.task_type)));
  const shown = ranked.length > topN ? ranked.slice(0, topN - 1) : ranked;
  const rest = ranked.slice(shown.length);
  const byTaskType = shown.map((r) => ({ task_type: str(r.task_type), tier: tierLabel(r.tier), cost_usd: num(r.cost_usd), share: share(num(r.cost_usd)), requests: num(r.requests) }));
  if (rest.length) {
    const cost = rest.reduce((a, r) => a + num(r.cost_usd), 0);
    byTaskType.push({ task_type: `${rest.length} other task types`, tier: 'mixed', cost_usd: cost, share: share(cost), requests: rest.reduce((a, r) => a + num(r.requests), 0) });
  }
  const tiers = new Map<string, { cost_usd: number; requests: number }>();
  for (const r of rows) {
    const t = tiers.get(tierLabel(r.tier)) ?? tiers.set(tierLabel(r.tier), { cost_usd: 0, requests: 0 }).get(tierLabel(r.tier))!;
    t.cost_usd += num(r.cost_usd);
    t.requests += num(r.requests);
  }
  const byTier = [...tiers]
    .sort((a, b) => Number(a[0] === 'unclassified') - Number(b[0] === 'unclassified') || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([tier, t]) => ({ tier, cost_usd: t.cost_usd, share: share(t.cost_usd), requests: t.requests }));
  const classified = rows.filter((r) => str(r.task_type) !== 'unclassified').reduce((a, r) => a + num(r.cost_usd), 0);
  return { by_task_type: byTaskType, by_tier: byTier, classified_share: total > 0 ? classified / total : null, total_cost_usd: total };
}

const TOKEN_BUCKETS = [
  ['uncached input', 'input'],
  ['cache reads', 'cache_read'],
  ['cache writes (5m)', 'cache_write_5m'],
  ['cache writes (1h)', 'cache_write_1h'],
  ['output', 'output'],
  ['web search', 'web_search'],
] as const;

/** Where the list-price dollars came from, by token bucket (token_mix with grain 'all'). */
export function tokenMixData(row: Row | undefined): TokenMix {
  const r = row ?? {};
  return {
    parts: TOKEN_BUCKETS.map(([bucket, key]) => ({
      bucket,
      tokens: key === 'web_search' ? num(r.web_search_requests) : num(r[`${key}_tokens`]),
      cost_usd: num(r[`${key}_cost_usd`]),
      share: num(r[`${key}_share`]),
    })),
    list_cost_usd: num(r.list_cost_usd),
    unpriced_records: num(r.unpriced_records),
  };
}

/** Cache hit ratio per day (per-request rows) and the sessions whose cache breaks cost the most. */
export function cacheData(days: Row[], breaks: Row[], limit = 10): CacheSection {
  const prompt = days.reduce((a, d) => a + num(d.prompt_tokens), 0);
  const read = days.reduce((a, d) => a + num(d.cache_read_tokens), 0);
  const withBreaks = breaks.filter((b) => num(b.breaks) + num(b.idle_expiries) > 0);
  return {
    days: days
      .filter((d) => d.cache_hit_ratio != null)
      .map((d) => ({ day: str(d.key), requests: num(d.requests), prompt_tokens: num(d.prompt_tokens), cache_hit_ratio: num(d.cache_hit_ratio), cost_usd: numOrNull(d.cost_usd) })),
    overall_hit_ratio: prompt > 0 ? read / prompt : null,
    cache_savings_usd: days.reduce((a, d) => a + num(d.cache_savings_usd), 0),
    breaks: [...withBreaks]
      .sort((a, b) => num(b.break_cost_usd) - num(a.break_cost_usd) || str(a.session_id).localeCompare(str(b.session_id)))
      .slice(0, limit)
      .map((b) => ({
        session_id: str(b.session_id),
        project: strOrNull(b.project),
        source: str(b.source),
        requests: num(b.requests),
        prefix_breaks: num(b.breaks),
        idle_expiries: num(b.idle_expiries),
        break_cost_usd: numOrNull(b.break_cost_usd),
        share_of_session: numOrNull(b.share),
      })),
    sessions_with_breaks: withBreaks.length,
    total_break_cost_usd: withBreaks.reduce((a, b) => a + num(b.break_cost_usd), 0),
  };
}

/** The costliest sessions (spend_by_session is already ordered and limited). */
export function topSessionsData(rows: Row[], limit = 10): SessionItem[] {
  return rows.slice(0, limit).map((r) => ({
    session_id: str(r.session_id),
    projects: list(r.projects),
    models: list(r.models),
    first_started_at: instant(r.first_started_at),
    duration_minutes: num(r.duration_minutes),
    requests: num(r.requests),
    cost_usd: numOrNull(r.cost_usd),
    cost_per_request_usd: numOrNull(r.cost_per_request_usd),
  }));
}

/** Flagged days, the largest excess over the model's median day first (spikes and drops alike). */
export function anomalyData(rows: Row[], limit = 10): Anomalies {
  const days = [...rows]
    .sort((a, b) => Math.abs(num(b.excess_usd)) - Math.abs(num(a.excess_usd)) || str(a.day).localeCompare(str(b.day)))
    .slice(0, limit)
    .map((r) => ({
      day: str(r.day),
      provider: strOrNull(r.provider),
      model: strOrNull(r.model),
      coverage: strOrNull(r.coverage),
      cost_usd: num(r.cost_usd),
      median_usd: num(r.median_usd),
      robust_z: numOrNull(r.robust_z),
      excess_usd: num(r.excess_usd),
    }));
  return { days, total: rows.length };
}

/** Invoices against priced usage: per provider, and the largest gaps (a cent or more). Null: no invoices. */
export function reconciliationData(rows: Row[], limit = 10): Reconciliation | null {
  if (!rows.length) return null;
  const providers = new Map<string, { invoiced_usd: number; priced_usd: number | null; lines: number }>();
  for (const r of rows) {
    const p = providers.get(str(r.provider)) ?? providers.set(str(r.provider), { invoiced_usd: 0, priced_usd: 0, lines: 0 }).get(str(r.provider))!;
    p.invoiced_usd += num(r.invoiced_usd);
    p.priced_usd = p.priced_usd == null || r.priced_usd == null ? null : p.priced_usd + num(r.priced_usd);
    p.lines += 1;
  }
  const gapOf = (r: Row) => (r.gap_usd == null ? num(r.invoiced_usd) : Math.abs(num(r.gap_usd)));
  const days = rows.map((r) => str(r.usage_date)).sort();
  return {
    providers: [...providers]
      .sort((a, b) => b[1].invoiced_usd - a[1].invoiced_usd || a[0].localeCompare(b[0]))
      .map(([provider, p]) => ({ provider, ...p, gap_usd: p.priced_usd == null ? null : p.invoiced_usd - p.priced_usd })),
    gaps: rows
      .filter((r) => r.gap_usd == null || Math.abs(num(r.gap_usd)) >= 0.01)
      .sort((a, b) => gapOf(b) - gapOf(a) || str(a.usage_date).localeCompare(str(b.usage_date)))
      .slice(0, limit)
      .map((r) => ({
        usage_date: str(r.usage_date),
        provider: str(r.provider),
        model: strOrNull(r.model),
        token_type: str(r.token_type),
        invoiced_usd: num(r.invoiced_usd),
        priced_usd: numOrNull(r.priced_usd),
        gap_usd: numOrNull(r.gap_usd),
        likely_reason: str(r.likely_reason),
      })),
    lines: rows.length,
    first_day: days[0],
    last_day: days[days.length - 1],
  };
}

/** Where the numbers come from: the counted views, what every import read, the largest files. */
export function provenanceData(ledger: string, views: Row[], formats: Row[], files: Row[], fileLimit = 20): Provenance {
  const total = (k: string) => formats.reduce((a, f) => a + num(f[k]), 0);
  return {
    ledger,
    views: views.map((v) => ({
      provider: strOrNull(v.provider),
      source: str(v.source),
      role: str(v.role),
      records: num(v.records),
      counted_records: num(v.counted_records),
      first_day: strOrNull(v.first_day),
      last_day: strOrNull(v.last_day),
      cost_usd: numOrNull(v.cost_usd),
      not_counted_cost_usd: num(v.not_counted_cost_usd),
    })),
    formats: formats.map((f) => ({
      format: str(f.format),
      files: num(f.files),
      rows_read: num(f.rows_read),
      imported: num(f.imported),
      duplicates: num(f.duplicates),
      rejected: num(f.rejected),
      skipped_lines: num(f.skipped_lines),
      unchanged_skips: num(f.unchanged_skips),
    })),
    files: files.slice(0, fileLimit).map((f) => ({
      path: str(f.path),
      format: str(f.format),
      rows_read: num(f.rows_read),
      imported: num(f.imported),
      duplicates: num(f.duplicates),
      rejected: num(f.rejected),
    })),
    totals: { files: total('files'), rows_read: total('rows_read'), imported: total('imported'), duplicates: total('duplicates'), rejected: total('rejected') },
    unchanged_skips: total('unchanged_skips'), // file reads incremental imports left out: the files were as the ledger read them
    rejects_kept: total('rejects_kept'), // what `recount rejects` lists: a row rejected by two imports of its file once
  };
}
