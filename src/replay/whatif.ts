import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';
import type { PriceBook } from '../pricing/install.js';
import { replay } from './engine.js';
import { MAX_ATTEMPTS, type ReplayResult } from './result.js';
import { assignRules, homeRateIx, loadReplayFrame, type ReplayFrame } from './frame.js';
import { boundEnds, compilePlan, scenarioFor, sweepEnds, variedGroups, type AssumptionGroup, type End, type Scenario } from './plan.js';
import { ruleIndexSql, type Policy, type Triple } from './policy.js';
import type { PlansReport } from './plan-outcome.js';
import { replayPlans } from './plan-routing.js';
import { historyPolicy } from './plan-model.js';
import { tierShares, type TierShares } from './tier-targets.js';
import { calibratePolicy, loadObservedOutcomes, sourceKey, type Calibration, type ObservedOutcome } from './observed.js';

/**
 * `recount whatif`: the period's history replayed under each policy, central estimate with
 * all-optimistic / all-pessimistic bounds, a one-at-a-time sensitivity sweep, savings by rule and by
 * transform, and the break-even failure rate. The JSON shape is public (README "whatif JSON").
 */
export interface WhatIfReport {
  period: Period;
  price_catalog: { label: string; fingerprint: string };
  history: { requests: number; billed_cost_usd: number; list_cost_usd: number; unpriced_requests: number };
  policies: PolicyOutcome[];
  caveat: string;
  /** plan policies (`plan:`, plan-model.ts): the subscription comparison; absent without them */
  plans?: PlansReport;
}

export interface Range {
  low: number;
  central: number;
  high: number;
}

export interface Usage {
  requests: number;
  tokens: number;
  cost_usd: number;
}

export interface PolicyOutcome {
  name: string;
  description: string | null;
  file: string;
  fingerprint: string;
  baseline_cost_usd: number; // the identity replay: history at list prices
  billed_cost_usd: number;
  residual_usd: number; // billed − baseline: discounts, credits, what list prices miss
  cost_usd: Range; // low = all-optimistic bound, high = all-pessimistic bound
  savings_usd: Range; // baseline − cost: low is the pessimistic bound
  savings_pct: Range;
  savings_by_rule: { rule: string; requests: number; baseline_cost_usd: number; cost_usd: number; savings_usd: number }[];
  savings_by_transform: { transform: string; savings_usd: number }[];
  cache_loss_usd: number;
  compactions: number;
  compaction_cost_usd: number;
  recovered_break_usd: number;
  tiers: { tier: string; before: Usage; after: Usage }[];
  /** the tiers as routing tiers 1–3 (tier-targets.ts): shares of calls and spend, checked against the guides' targets */
  tier_shares: { before: TierShares; after: TierShares };
  models: { model: string; before: Usage; after: Usage }[];
  task_types: { task_type: string; baseline_cost_usd: number; cost_usd: number }[];
  budget_events: {
    budget: string;
    per: 'api_key' | 'project';
    group: string | null;
    window_start: string;
    crossed_at: string;
    spent_at_crossing_usd: number;
    action: string;
    affected_requests: number;
    affected_cost_usd: number;
  }[];
  coverage: {
    requests: number;
    replayed_requests: number; // per request, with cache state
    approximated_requests: number; // re-priced bucket by bucket (aggregates, requests without a session)
    unpriced_requests: number; // a model with no price: left out of both sides
    target_unpriced_requests: number; // the target had no price that day: kept as they were
    blocked_requests: number;
    evaluated_share: number; // (replayed + approximated) / requests
    /** which sources could only be re-priced bucket by bucket, and why (bucketed: provider aggregates) */
    approximated_sources: { source: string; bucketed: boolean; requests: number }[];
  };
  break_even_fail_rate: number | null;
  sensitivity: { assumption: AssumptionGroup; cost_cheap_usd: number; cost_dear_usd: number; swing_usd: number }[];
  /** source: 'observed' from `turns` agent turns (fail_rate: observed), else 'assumed' (the policy's guess; turns null) */
  assumptions: { assumption: string; model: string | null; task_type: string | null; low: number; central: number; high: number; source: 'observed' | 'assumed'; turns: number | null }[];
  /** fail_rate: observed where the history had too few turns (a warning per model): present only then */
  warnings?: string[];
}

const CAVEAT =
  'The replay re-prices the history as it happened: the same steps, in the same order, with the same context growth. ' +
  'It cannot know whether another model would have taken other steps; failure rates, output lengths and tokenizer ' +
  'differences are assumptions with ranges, and low/high are bounds with every assumption at its optimistic or pessimistic end.';

/** Model tiers by output list price ($/MTok), for the before/after distribution. */
export const MODEL_TIERS = [
  { tier: 'frontier', minOutputUsdPerMtok: 20 },
  { tier: 'mid', minOutputUsdPerMtok: 6 },
  { tier: 'small', minOutputUsdPerMtok: 0 },
];

export async function runWhatIf(ledger: Ledger, prices: PriceBook, period: Period, all: Policy[]): Promise<WhatIfReport> {
  // plans replay the history as it was against their limits; routing policies go through the engine
  const plans = all.filter((p) => p.plan);
  const policies = all.filter((p) => !p.plan);
  const frame = await loadReplayFrame(ledger, period, policyTargets(policies));
  const approximated = await ledger.all<{ source: string; bucketed: boolean; requests: number }>(sql('replay/approximated_sources'));
  const outcomes: PolicyOutcome[] = [];
  // fail_rate: observed reads the period's agent turns once, for every policy that asks
  const observed: ObservedOutcome[] = policies.some((p) => p.assumptions.observed) ? await loadObservedOutcomes(ledger, period) : [];
  const taskTypes = frame.taskTypes.filter((t): t is string => t != null);
  // with plans only, one identity replay (a plan's own) still says what the history was
  for (const policy of policies.length ? policies : [historyPolicy(plans[0], prices)]) {
    const ruleIx = await assignRules(ledger, frame.rows, ruleIndexSql(policy.rules));
    const calibration = calibratePolicy(policy, observed, policyTargets([policy]), taskTypes);
    const outcome = evaluatePolicy(frame, calibration.policy, ruleIx, calibration);
    outcome.coverage.approximated_sources = approximated;
    outcomes.push(outcome);
  }
  const first = outcomes[0];
  return {
    period,
    price_catalog: { label: prices.label, fingerprint: prices.fingerprint },
    history: {
      requests: first?.coverage.requests ?? 0,
      billed_cost_usd: first?.billed_cost_usd ?? 0,
      list_cost_usd: first?.baseline_cost_usd ?? 0,
      unpriced_requests: first?.coverage.unpriced_requests ?? 0,
    },
    policies: policies.length ? outcomes : [],
    caveat: CAVEAT,
    // last: a plan file's own rules replay over a frame of the agent usage (plan-routing.ts)
    ...(plans.length ? { plans: await replayPlans(ledger, period, plans) } : {}),
  };
}

/** Every model a policy may send work to: rule targets, escalation targets, budget downgrades. */
export function policyTargets(policies: Policy[]): string[] {
  const out = new Set<string>();
  for (const p of policies) {
    for (const r of p.rules) {
      if (r.route) out.add(r.route.model);
      if (r.escalate) out.add(r.escalate.to);
    }
    for (const b of p.budgets) if (b.onExceed.action === 'route') out.add(b.onExceed.model);
  }
  return [...out].sort();
}

/** Runs one policy over a loaded frame: central, bounds, sweeps and transform ablations. Pure. */
export function evaluatePolicy(frame: ReplayFrame, policy: Policy, ruleIx: Int16Array, calibration?: Pick<Calibration, 'observed' | 'warnings'>): PolicyOutcome {
  const plan = compilePlan(policy, frame);
  const run = (p: Policy, ends: Partial<Record<AssumptionGroup, End>> = {}) => replay(frame, p === policy ? plan : compilePlan(p, frame), ruleIx, scenarioFor(p, frame, ends));
  const groups = variedGroups(policy);
  const central = run(policy);
  // with every assumption a point (or unused), the bounds are the central run itself
  const low = groups.length ? run(policy, boundEnds('optimistic')) : central;
  const high = groups.length ? run(policy, boundEnds('pessimistic')) : central;
  const baseline = central.baselineUsd;
  /** cost with one group at `ends`: failure rates follow from the central run's sums (no budget can
   *  react to them then); a single varied group is the bounds themselves; else a replay */
  const costAt = (g: AssumptionGroup, ends: Partial<Record<AssumptionGroup, End>>, bound: ReplayResult): number => {
    if (groups.length === 1) return bound.costUsd;
    if ((g === 'fail_rate' || g === 'repeat_fail_rate') && !policy.budgets.length) {
      return central.costUsd - central.failTermUsd + failureCost(central, frame, scenarioFor(policy, frame, ends));
    }
    return run(policy, ends).costUsd;
  };
  const sensitivity = groups
    .map((g) => {
      const { cheap, dear } = sweepEnds(g);
      const c = costAt(g, cheap, low);
      const d = costAt(g, dear, high);
      return { assumption: g, cost_cheap_usd: c, cost_dear_usd: d, swing_usd: Math.abs(d - c) };
    })
    .sort((x, y) => y.swing_usd - x.swing_usd || x.assumption.localeCompare(y.assumption));
  const savingsByTransform = policy.transforms.map((t, k) => {
    const without = { ...policy, transforms: policy.transforms.filter((_, j) => j !== k) };
    const inert = !without.transforms.length && !without.budgets.length && without.rules.every((r) => !r.route);
    return { transform: t.kind, savings_usd: (inert ? baseline : run(without).costUsd) - central.costUsd };
  });
  const pct = (x: number) => (baseline > 0 ? x / baseline : 0);
  const tiers = tierDistribution(frame, central);
  const savings = { low: baseline - high.costUsd, central: baseline - central.costUsd, high: baseline - low.costUsd };
  return {
    name: policy.name,
    description: policy.description,
    file: policy.file,
    fingerprint: policy.fingerprint,
    baseline_cost_usd: baseline,
    billed_cost_usd: central.billedUsd,
    residual_usd: central.billedUsd - baseline,
    cost_usd: { low: low.costUsd, central: central.costUsd, high: high.costUsd },
    savings_usd: savings,
    savings_pct: { low: pct(savings.low), central: pct(savings.central), high: pct(savings.high) },
    savings_by_rule: policy.rules
      .map((r, k) => ({
        rule: r.name,
        requests: central.byRule.requests[k],
        baseline_cost_usd: central.byRule.baselineUsd[k],
        cost_usd: central.byRule.costUsd[k],
        savings_usd: central.byRule.baselineUsd[k] - central.byRule.costUsd[k],
      })),
    savings_by_transform: savingsByTransform,
    cache_loss_usd: central.cacheLossUsd,
    compactions: central.compactions,
    compaction_cost_usd: central.compactionUsd,
    recovered_break_usd: central.recoveredBreakUsd,
    tiers,
    tier_shares: { before: tierShares(tiers.map((t) => ({ tier: t.tier, ...t.before }))), after: tierShares(tiers.map((t) => ({ tier: t.tier, ...t.after }))) },
    models: frame.models
      .map((m, k) => ({ model: m ?? '(no model)', before: usage(central.byModelBefore, k), after: usage(central.byModelAfter, k) }))
      .filter((x) => x.before.requests > 0 || x.after.requests > 0)
      .sort((x, y) => y.before.cost_usd - x.before.cost_usd || y.after.cost_usd - x.after.cost_usd || x.model.localeCompare(y.model)),
    task_types: frame.taskTypes
      .map((t, k) => ({ task_type: t ?? 'unclassified', baseline_cost_usd: central.byTaskType.baselineUsd[k], cost_usd: central.byTaskType.costUsd[k] }))
      .filter((x) => x.baseline_cost_usd !== 0 || x.cost_usd !== 0)
      .sort((x, y) => y.baseline_cost_usd - x.baseline_cost_usd || x.task_type.localeCompare(y.task_type)),
    budget_events: central.budgetEvents.map((e) => {
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
    }),
    coverage: coverage(central),
    break_even_fail_rate: breakEven(central),
    sensitivity,
    assumptions: assumptionRows(policy, calibration?.observed),
    ...(calibration?.warnings.length ? { warnings: calibration.warnings } : {}),
  };
}

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

/** A model's tier by its own list price (its home provider's output rate), whoever served it. */
function tierOf(frame: ReplayFrame, model: number): string {
  const r = frame.rates;
  let out = NaN;
  for (let d = 0; d < r.days; d++) {
    const v = r.output[homeRateIx(r, model, d)];
    if (!Number.isNaN(v) && !(v <= out)) out = v;
  }
  if (Number.isNaN(out)) return 'unpriced';
  return MODEL_TIERS.find((t) => out >= t.minOutputUsdPerMtok)!.tier;
}

function tierDistribution(frame: ReplayFrame, r: ReplayResult): PolicyOutcome['tiers'] {
  const tiers = new Map<string, { before: Usage; after: Usage }>();
  for (const t of [...MODEL_TIERS.map((x) => x.tier), 'unpriced']) tiers.set(t, { before: { requests: 0, tokens: 0, cost_usd: 0 }, after: { requests: 0, tokens: 0, cost_usd: 0 } });
  frame.models.forEach((_, k) => {
    const t = tiers.get(tierOf(frame, k))!;
    for (const [side, src] of [['before', r.byModelBefore], ['after', r.byModelAfter]] as const) {
      t[side].requests += src.requests[k];
      t[side].tokens += src.tokens[k];
      t[side].cost_usd += src.costUsd[k];
    }
  });
  return [...tiers].map(([tier, v]) => ({ tier, ...v })).filter((x) => x.before.requests > 0 || x.after.requests > 0);
}

function coverage(r: ReplayResult): PolicyOutcome['coverage'] {
  const q = r.requests;
  return {
    requests: q.total,
    replayed_requests: q.replayed,
    approximated_requests: q.approximated,
    unpriced_requests: q.unpriced,
    target_unpriced_requests: q.targetUnpriced,
    blocked_requests: q.blocked,
    evaluated_share: q.total > 0 ? (q.replayed + q.approximated) / q.total : 0,
    approximated_sources: [], // filled from the ledger by runWhatIf
  };
}

/**
 * The failure rate (the same for every routed request, central repeat-failure rates) at which the
 * policy costs what the history did: cost(f) = cost − Σf·B + f·ΣB is linear in f. 0 when it never
 * saves, 1 when it saves even if every routed task fails once; null when nothing is routed.
 */
function breakEven(r: ReplayResult): number | null {
  if (!(r.failSlopeUsd > 0)) return null;
  const f = (r.baselineUsd - (r.costUsd - r.failTermUsd)) / r.failSlopeUsd;
  return Math.min(1, Math.max(0, f));
}

function assumptionRows(policy: Policy, observed = new Map<string, number>()): PolicyOutcome['assumptions'] {
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
