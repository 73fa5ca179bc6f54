import type { Ledger } from '../db/ledger.js';
import type { Period } from '../period.js';
import type { PriceBook } from '../pricing/install.js';
import { replay, replayScenarios } from './engine.js';
import type { ReplayResult } from './result.js';
import { loadReplayFrame, type ReplayFrame } from './frame.js';
import { matchRules, testedTags } from './rule-match.js';
import { boundEnds, compilePlan, scenarioFor, sweepEnds, variedGroups, type AssumptionGroup, type End } from './plan.js';
import type { Policy } from './policy.js';
import type { PlansReport } from './plan-outcome.js';
import { replayPlans } from './plan-routing.js';
import { historyPolicy } from './plan-model.js';
import { tierShares, type TierShares } from './tier-targets.js';
import { calibratePolicy, loadObservedOutcomes, type Calibration, type ObservedOutcome } from './observed.js';
import { tierDistribution } from './price-tiers.js';
import { approximatedSources, assumptionRows, breakEven, budgetEvents, coverage, failureCost, modelUsage, ruleSavings, taskTypeCosts } from './outcome-parts.js';

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

export async function runWhatIf(ledger: Ledger, prices: PriceBook, period: Period, all: Policy[]): Promise<WhatIfReport> {
  // plans replay the history as it was against their limits; routing policies go through the engine
  const plans = all.filter((p) => p.plan);
  const policies = all.filter((p) => !p.plan);
  const frame = await loadReplayFrame(ledger, period, policyTargets(policies), 'counted', testedTags(policies.flatMap((p) => p.rules)));
  const approximated = approximatedSources(frame);
  const outcomes: PolicyOutcome[] = [];
  // fail_rate: observed reads the period's agent turns once, for every policy that asks
  const observed: ObservedOutcome[] = policies.some((p) => p.assumptions.observed) ? await loadObservedOutcomes(ledger, period) : [];
  const taskTypes = frame.taskTypes.filter((t): t is string => t != null);
  // with plans only, one identity replay (a plan's own) still says what the history was
  for (const policy of policies.length ? policies : [historyPolicy(plans[0], prices)]) {
    const ruleIx = matchRules(frame, policy.rules);
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
  const groups = variedGroups(policy);
  // failure-rate sweeps follow from the central run's sums (no budget can react to them then)
  const derived = (g: AssumptionGroup) => (g === 'fail_rate' || g === 'repeat_fail_rate') && !policy.budgets.length;
  // a single varied group's sweep is the bounds themselves; other sweeps are replays
  const swept = groups.length > 1 ? groups.filter((g) => !derived(g)) : [];
  // every scenario of the policy's own plan, replayed together: those that share their states in one pass
  const ends: Partial<Record<AssumptionGroup, End>>[] = [{}];
  // with every assumption a point (or unused), the bounds are the central run itself
  if (groups.length) ends.push(boundEnds('optimistic'), boundEnds('pessimistic'));
  for (const g of swept) ends.push(sweepEnds(g).cheap, sweepEnds(g).dear);
  const runs = replayScenarios(frame, plan, ruleIx, ends.map((e) => scenarioFor(policy, frame, e)));
  const central = runs[0];
  const low = groups.length ? runs[1] : central;
  const high = groups.length ? runs[2] : central;
  const baseline = central.baselineUsd;
  /** cost with one group at its cheap (0) or dear (1) end, the rest central */
  const costAt = (g: AssumptionGroup, side: 0 | 1, bound: ReplayResult): number => {
    if (groups.length === 1) return bound.costUsd;
    if (derived(g)) return central.costUsd - central.failTermUsd + failureCost(central, frame, scenarioFor(policy, frame, side ? sweepEnds(g).dear : sweepEnds(g).cheap));
    return runs[3 + 2 * swept.indexOf(g) + side].costUsd;
  };
  const sensitivity = groups
    .map((g) => {
      const c = costAt(g, 0, low);
      const d = costAt(g, 1, high);
      return { assumption: g, cost_cheap_usd: c, cost_dear_usd: d, swing_usd: Math.abs(d - c) };
    })
    .sort((x, y) => y.swing_usd - x.swing_usd || x.assumption.localeCompare(y.assumption));
  const savingsByTransform = policy.transforms.map((t, k) => {
    const without = { ...policy, transforms: policy.transforms.filter((_, j) => j !== k) };
    const inert = !without.transforms.length && !without.budgets.length && without.rules.every((r) => !r.route);
    return { transform: t.kind, savings_usd: (inert ? baseline : replay(frame, compilePlan(without, frame), ruleIx, scenarioFor(without, frame, {})).costUsd) - central.costUsd };
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
    savings_by_rule: ruleSavings(policy, central),
    savings_by_transform: savingsByTransform,
    cache_loss_usd: central.cacheLossUsd,
    compactions: central.compactions,
    compaction_cost_usd: central.compactionUsd,
    recovered_break_usd: central.recoveredBreakUsd,
    tiers,
    tier_shares: { before: tierShares(tiers.map((t) => ({ tier: t.tier, ...t.before }))), after: tierShares(tiers.map((t) => ({ tier: t.tier, ...t.after }))) },
    models: modelUsage(frame, central),
    task_types: taskTypeCosts(frame, central),
    budget_events: budgetEvents(policy, frame, central),
    coverage: coverage(central),
    break_even_fail_rate: breakEven(central),
    sensitivity,
    assumptions: assumptionRows(policy, calibration?.observed),
    ...(calibration?.warnings.length ? { warnings: calibration.warnings } : {}),
  };
}
