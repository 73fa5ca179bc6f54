import type { ReplayFrame } from './frame.js';
import { sourceKey } from './observed.js';
import type { Scenario } from './plan.js';
import type { Policy, Triple } from './policy.js';
import { MAX_ATTEMPTS, type ReplayResult } from './result.js';
import type { PolicyOutcome, Usage } from './whatif.js';

/**
 * The parts of a whatif PolicyOutcome that follow from one replay's sums (whatif.ts evaluatePolicy):
 * per-rule, per-model, per-task-type and budget rows, coverage, break-even, the assumption table,
 * and the failure term used by the sensitivity sweep. Pure.
 */

/** Σ over routed rows of f·(retry·Σₖ₌₁ⁿ⁻¹ f₂^(k−1) + f₂^(n−1)·strong), from a run's per-group sums. */
export function failureCost(r: ReplayResult, frame: ReplayFrame, sc: Scenario): number {
  const types = frame.taskTypes.length;
  let usd = 0;
  for (let g = 0; g < frame.models.length * types; g++) {
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      const at = g * MAX_ATTEMPTS + n - 1;
      const retry = r.failures.retryUsd[at];
      const strong = r.failures.strongUsd[at];
      if (!retry && !strong) continue;
      const f = sc.failRate[g];
      const f2 = sc.repeatFailRate[g];
      let retries = 0;
      for (let k = 1; k < n; k++) retries += f2 ** (k - 1);
      usd += f * (retry * retries + f2 ** (n - 1) * strong);
    }
  }
  return usd;
}

function usage(x: { requests: Float64Array; tokens: Float64Array; costUsd: Float64Array }, k: number): Usage {
  return { requests: x.requests[k], tokens: x.tokens[k], cost_usd: x.costUsd[k] };
}

export function ruleSavings(policy: Policy, central: ReplayResult): PolicyOutcome['savings_by_rule'] {
  return policy.rules
    .map((r, k) => ({
      rule: r.name,
      requests: central.byRule.requests[k],
      baseline_cost_usd: central.byRule.baselineUsd[k],
      cost_usd: central.byRule.costUsd[k],
      savings_usd: central.byRule.baselineUsd[k] - central.byRule.costUsd[k],
    }));
}

export function modelUsage(frame: ReplayFrame, central: ReplayResult): PolicyOutcome['models'] {
  return frame.models
    .map((m, k) => ({ model: m ?? '(no model)', before: usage(central.byModelBefore, k), after: usage(central.byModelAfter, k) }))
    .filter((x) => x.before.requests > 0 || x.after.requests > 0)
    .sort((x, y) => y.before.cost_usd - x.before.cost_usd || y.after.cost_usd - x.after.cost_usd || x.model.localeCompare(y.model));
}

export function taskTypeCosts(frame: ReplayFrame, central: ReplayResult): PolicyOutcome['task_types'] {
  return frame.taskTypes
    .map((t, k) => ({ task_type: t ?? 'unclassified', baseline_cost_usd: central.byTaskType.baselineUsd[k], cost_usd: central.byTaskType.costUsd[k] }))
    .filter((x) => x.baseline_cost_usd !== 0 || x.cost_usd !== 0)
    .sort((x, y) => y.baseline_cost_usd - x.baseline_cost_usd || x.task_type.localeCompare(y.task_type));
}

export function budgetEvents(policy: Policy, frame: ReplayFrame, central: ReplayResult): PolicyOutcome['budget_events'] {
  return central.budgetEvents.map((e) => {
    const b = policy.budgets[e.budget];
    return {
      budget: `${b.per} ${b.window} cap $${b.capUsd}`,
      per: b.per,
      group: (b.per === 'project' ? frame.projects : frame.apiKeys)[e.groupIx] ?? null,
      window_start: new Date(e.windowStartS * 1000).toISOString(),
      crossed_at: new Date(e.crossedAtS * 1000).toISOString(),
      spent_at_crossing_usd: e.spentAtCrossingUsd,
      action: b.onExceed.action === 'route' ? `route to ${b.onExceed.model}` : 'block',
      affected_requests: e.affectedRequests,
      affected_cost_usd: e.affectedCostUsd,
    };
  });
}

export function coverage(r: ReplayResult): PolicyOutcome['coverage'] {
  const q = r.requests;
  return {
    requests: q.total,
    replayed_requests: q.replayed,
    approximated_requests: q.approximated,
    unpriced_requests: q.unpriced,
    target_unpriced_requests: q.targetUnpriced,
    blocked_requests: q.blocked,
    evaluated_share: q.total > 0 ? (q.replayed + q.approximated) / q.total : 0,
    approximated_sources: [], // the frame's, filled by runWhatIf (approximatedSources)
  };
}

/**
 * The rows that can only be re-priced bucket by bucket, by source: provider aggregates (bucketed) and
 * per-request rows without a session (no thread to carry a cache); most requests first.
 */
export function approximatedSources(frame: ReplayFrame): PolicyOutcome['coverage']['approximated_sources'] {
  const requests = new Float64Array(frame.sources.length * 2); // (source, bucketed) pairs
  for (let i = 0; i < frame.rows; i++) if (frame.threadIx[i] < 0) requests[frame.sourceIx[i] * 2 + frame.isBucket[i]] += frame.requests[i];
  const out: PolicyOutcome['coverage']['approximated_sources'] = [];
  for (let k = 0; k < requests.length; k++) {
    if (requests[k] > 0) out.push({ source: frame.sources[k >> 1] ?? '', bucketed: (k & 1) === 1, requests: requests[k] });
  }
  return out.sort((a, b) => b.requests - a.requests || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/**
 * The failure rate (the same for every routed request, central repeat-failure rates) at which the
 * policy costs what the history did: cost(f) = cost − Σf·B + f·ΣB is linear in f. 0 when it never
 * saves, 1 when it saves even if every routed task fails once; null when nothing is routed.
 */
export function breakEven(r: ReplayResult): number | null {
  if (!(r.failSlopeUsd > 0)) return null;
  const f = (r.baselineUsd - (r.costUsd - r.failTermUsd)) / r.failSlopeUsd;
  return Math.min(1, Math.max(0, f));
}

export function assumptionRows(policy: Policy, observed = new Map<string, number>()): PolicyOutcome['assumptions'] {
  const a = policy.assumptions;
  const rows: PolicyOutcome['assumptions'] = [];
  const add = (assumption: string, model: string | null, taskType: string | null, t: Triple) => {
    const turns = observed.get(sourceKey(assumption, model, taskType));
    rows.push({ assumption, model, task_type: taskType, low: t.low, central: t.central, high: t.high, source: turns == null ? 'assumed' : 'observed', turns: turns ?? null });
  };
  add('cache_ttl_seconds', null, null, { low: a.cacheTtlSeconds, central: a.cacheTtlSeconds, high: a.cacheTtlSeconds });
  for (const [m, t] of Object.entries(a.tokenizerRatio)) add('tokenizer_ratio', m, null, t);
  for (const [m, t] of Object.entries(a.outputRatio)) add('output_ratio', m, null, t);
  for (const [m, byType] of Object.entries(a.failRate)) for (const [tt, t] of Object.entries(byType)) add('fail_rate', m, tt, t);
  for (const [m, byType] of Object.entries(a.repeatFailRate)) for (const [tt, t] of Object.entries(byType)) add('repeat_fail_rate', m, tt, t);
  if (policy.rules.some((r) => r.route?.scope === 'subagent')) add('subagent_context_tokens', null, null, a.subagentContextTokens);
  for (const t of policy.transforms) {
    if (t.kind === 'stable_prefix') add('stable_prefix.recover', null, null, t.recover);
    else add(`compact.summary_tokens (above ${t.aboveTokens.toLocaleString('en-US')})`, null, null, t.summaryTokens);
  }
  return rows;
}
