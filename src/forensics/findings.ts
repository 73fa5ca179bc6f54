import { usd } from '../format/table.js';

/** One thing a lead should know about the invoice, with the numbers behind it and where to look. */
export interface Finding {
  kind: 'unpriced' | 'concentration' | 'cache_breaks' | 'runaway_session' | 'anomalous_day' | 'reconciliation' | 'budget' | 'outcomes';
  title: string; // one sentence, numbers included
  impact_usd: number | null; // dollars at stake, for ranking; null = unknown (unpriced), listed first
  evidence: Record<string, unknown>;
  query: string; // the command that shows the detail
}

type Row = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
const pct = (share: number) => `${Math.round(share * 100)}%`;
const short = (id: unknown) => {
  const s = String(id ?? '(none)');
  return s.length > 10 ? `${s.slice(0, 8)}…` : s;
};

/** Unpriced models first: their cost is missing from every total. */
export function unpricedFindings(summary: Row): Finding[] {
  const records = n(summary.unpriced_records);
  if (!records) return [];
  const models = (summary.unpriced_models as string[]) ?? [];
  const uncosted = n(summary.uncosted_records ?? records);
  const where = uncosted === records ? 'their cost is not in the totals' : `${uncosted.toLocaleString('en-US')} of them are not in the totals`;
  return [{
    kind: 'unpriced',
    title: `${records.toLocaleString('en-US')} records of ${models.join(', ')} have no catalog price: ${where}`,
    impact_usd: null,
    evidence: { unpriced_records: records, unpriced_models: models },
    query: 'recount prices --model MODEL   (add rates with --prices FILE)',
  }];
}

/** "78% of spend ($615 of $788) is claude-opus-4-6; 61% of its calls were tier-1 work (…)". */
export function concentrationFindings(models: Row[]): Finding[] {
  const top = models[0];
  if (!top || n(top.cost_usd) <= 0) return [];
  const share = n(top.share_of_spend);
  const tier1 = n(top.tier1_request_share);
  if (share < 0.5 && tier1 < 0.3) return [];
  const kinds = ((top.tier1_task_types as string[]) ?? []).map((t) => t.replace(/_/g, ' '));
  const work = tier1 > 0 ? `; ${pct(tier1)} of its calls were tier-1 work${kinds.length ? ` (${kinds.join(', ')})` : ''}` : '';
  return [{
    kind: 'concentration',
    title: `${pct(share)} of spend (${usd(n(top.cost_usd))} of ${usd(n(top.total_cost_usd))}) is ${top.model}${work}`,
    impact_usd: n(top.tier1_cost_usd), // what tier-1 work cost on this model: the part a cheaper model could take
    evidence: { model: top.model, cost_usd: n(top.cost_usd), share_of_spend: share, tier1_request_share: tier1, tier1_cost_usd: n(top.tier1_cost_usd) },
    query: 'recount query model_tier_mix',
  }];
}

/** "41 cache breaks in 9 sessions cost $63 more than cache reads would have". */
export function cacheBreakFindings(sessions: Row[]): Finding[] {
  const withBreaks = sessions.filter((s) => n(s.breaks) > 0);
  const breaks = withBreaks.reduce((a, s) => a + n(s.breaks), 0);
  const cost = withBreaks.reduce((a, s) => a + n(s.prefix_break_cost_usd), 0);
  if (!breaks) return [];
  return [{
    kind: 'cache_breaks',
    title: `${breaks} cache break${breaks === 1 ? '' : 's'} in ${withBreaks.length} session${withBreaks.length === 1 ? '' : 's'} cost ${usd(cost)} more than cache reads would have`,
    impact_usd: cost,
    evidence: { breaks, sessions: withBreaks.length, prefix_break_cost_usd: cost, worst_session: withBreaks[0]?.session_id },
    query: 'recount query cache_breaks_by_session   (each break: recount query cache_cold_starts)',
  }];
}

/** "session 7f3c… ran 412 turns over 3.1 hours". */
export function runawayFindings(sessions: Row[], limit = 3): Finding[] {
  return sessions.slice(0, limit).map((s) => {
    const hours = n(s.duration_min) / 60;
    const past = n(s.past_thresholds_usd);
    return {
      kind: 'runaway_session' as const,
      title: `session ${short(s.session_id)} ran ${n(s.requests).toLocaleString('en-US')} turns over ${hours.toFixed(1)} hours (${usd(n(s.cost_usd))}, ${usd(past)} of it past the runaway thresholds)`,
      impact_usd: past,
      evidence: s,
      query: 'recount query runaway_sessions',
    };
  });
}

/** What a day was compared with: days the ledger covers the same way. */
const DAY_OF: Record<string, string> = { aggregate: 'day in the usage export', requests: 'day in request logs' };

/**
 * Days a model spent far above its usual day among days of the same coverage (anomalous_days: an
 * export's days against export days, request-log days against request-log days). Drops are left to
 * the query: a finding is money spent. A non-finite score (an older query's MAD-0 rows) is skipped.
 */
export function anomalyFindings(days: Row[], limit = 3): Finding[] {
  return days
    .filter((d) => d.robust_z != null && Number.isFinite(n(d.robust_z)) && n(d.excess_usd) > 0)
    .sort((a, b) => n(b.excess_usd) - n(a.excess_usd))
    .slice(0, limit)
    .map((d) => ({
    kind: 'anomalous_day' as const,
    title: `${d.day}: ${d.model} spent ${usd(n(d.cost_usd))}, ${usd(n(d.excess_usd))} above its median ${DAY_OF[String(d.coverage)] ?? 'day'} (${usd(n(d.median_usd))}; robust z ${n(d.robust_z).toFixed(1)})`,
    impact_usd: n(d.excess_usd),
    evidence: d,
    query: 'recount query anomalous_days',
  }));
}

/** "invoice for 2026-06-12 is $14.20 above priced usage: claude-opus-4-8 has no catalog price". */
export function reconciliationFindings(gaps: Row[], minUsd = 1, limit = 5): Finding[] {
  // an unpriced model has no priced side: its whole invoiced amount is the gap
  const gapOf = (g: Row) => (g.gap_usd == null && g.likely_reason === 'unpriced model' ? n(g.invoiced_usd) : n(g.gap_usd));
  return gaps
    .filter((g) => Math.abs(gapOf(g)) >= minUsd)
    .sort((a, b) => Math.abs(gapOf(b)) - Math.abs(gapOf(a)))
    .slice(0, limit)
    .map((g) => {
      const gap = gapOf(g);
      const reason = String(g.likely_reason ?? 'unexplained');
      const why = reason === 'unpriced model' ? `${g.model} has no catalog price` : reason;
      return {
        kind: 'reconciliation' as const,
        title: `invoice for ${g.usage_date} is ${usd(Math.abs(gap))} ${gap > 0 ? 'above' : 'below'} priced usage (${g.provider} ${g.model ?? ''} ${g.token_type ?? ''}): ${why}`.replace(/\s+\)/, ')'),
        impact_usd: Math.abs(gap),
        evidence: g,
        query: 'recount query reconciliation',
      };
    });
}

/** Keys or projects that ran past a daily cap. */
export function budgetFindings(rows: Row[], capUsd: number, limit = 3): Finding[] {
  return [...rows].sort((a, b) => n(b.over_cap_usd) - n(a.over_cap_usd)).slice(0, limit).map((r) => ({
    kind: 'budget' as const,
    title: `${r.budget_key ?? '(no key)'} crossed the $${capUsd} daily cap on ${r.day} and ran ${usd(n(r.over_cap_usd))} past it`,
    impact_usd: n(r.over_cap_usd),
    evidence: r,
    query: `recount query budget_audit --param cap_usd=${capUsd}`,
  }));
}

/** Unknown-cost findings first, then by dollars at stake. */
export function rankFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => (f.impact_usd == null ? Infinity : f.impact_usd);
  return [...findings].sort((a, b) => (rank(a) === rank(b) ? 0 : rank(b) - rank(a)));
}
