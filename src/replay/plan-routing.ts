import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';
import { loadCatalog } from '../pricing/catalog.js';
import { replay } from './engine.js';
import { loadReplayFrame, type ReplayFrame } from './frame.js';
import { matchRules, testedTags } from './rule-match.js';
import { calibratePolicy, loadObservedOutcomes } from './observed.js';
import { boundEnds, compilePlan, scenarioFor, variedGroups } from './plan.js';
import { evaluatePlans, type PlansReport, type Range } from './plan-outcome.js';
import { loadPlanRequests, type End, type PlanRequest } from './plan-replay.js';
import type { Policy } from './policy.js';
import type { RowBuckets } from './result.js';

/**
 * A plan file with routing rules of its own (plan-model.ts): the rules run first, through the replay
 * engine (which model each request would run on, with its cache state, expected redos and
 * transforms), and the plan then meters the routed requests: their API-equivalent cost (or tokens per
 * model family) fills the windows, and what overflows is priced as routed. Bounds go together: the
 * plan's optimistic end (low fee, high allowance) meters the routing's all-optimistic replay, its
 * pessimistic end the all-pessimistic one, central the central one.
 */

/** An agent request and where the routing replay holds it (-1: not replayed, kept as it ran). */
export interface AgentRequest extends PlanRequest {
  replayIx: number;
}

/** What the routing did to the agent requests the plan meters (the `routing` field of a plan outcome). */
export interface PlanRouting {
  requests: number; // agent requests the plan meters
  kept_requests: number; // unpriced: as they ran
  moved_requests: number; // central: run on another model than in history
  by_rule: { rule: string; requests: number; moved_requests: number }[]; // central, agent requests only
  api_equivalent_before_usd: number; // the agent usage at list prices as it ran, over the period
  api_equivalent_usd: Range; // the same requests as routed (with expected redos), at the routing's ends
}

export interface RoutedPlan {
  at: Record<End, PlanRequest[]>;
  routing: PlanRouting;
}

/** The period's agent usage with each request's replay row; run after the plan frame is loaded for the same period. */
export async function loadAgentRequests(ledger: Ledger, period: Period): Promise<AgentRequest[]> {
  const rows = await ledger.all<{ seat: string; started_at_ms: number | bigint; provider: string | null; model: string | null; counted_tokens: number; list_cost_usd: number; replay_ix: number }>(
    sql('replay/plan_routed_requests'),
    { since: period.since, until: period.until, tz: period.tz },
  );
  return rows.map((r) => ({ seat: r.seat, atMs: Number(r.started_at_ms), provider: r.provider ?? '', model: r.model, tokens: r.counted_tokens, costUsd: r.list_cost_usd, replayIx: r.replay_ix }));
}

/**
 * Every plan policy over the period's agent usage; the ones with rules meter their routed requests.
 * Those rules replay over a frame of their own: the agent usage the plans meter (all of it, also on
 * days a provider's aggregate export is what the routing policies replay). It replaces replay_input,
 * so it runs after the routing policies.
 */
export async function replayPlans(ledger: Ledger, period: Period, plans: readonly Policy[]): Promise<PlansReport> {
  const withRules = plans.filter((p) => p.planRules);
  if (!withRules.length) return evaluatePlans(await loadPlanRequests(ledger, period), period, plans);
  const frame = await loadReplayFrame(ledger, period, targetsOf(withRules), 'agents', testedTags(withRules.flatMap((p) => p.rules)));
  const agent = await loadAgentRequests(ledger, period);
  // fail_rate: observed in a plan file reads the agent turns as a routing policy's does (observed.ts)
  const observed = withRules.some((p) => p.assumptions.observed) ? await loadObservedOutcomes(ledger, period) : [];
  const taskTypes = frame.taskTypes.filter((t): t is string => t != null);
  const routed = new Map<Policy, RoutedPlan>();
  for (const p of withRules) {
    const ruleIx = matchRules(frame, p.rules);
    routed.set(p, routePlan(frame, calibratePolicy(p, observed, targetsOf([p]), taskTypes).policy, ruleIx, agent));
  }
  return evaluatePlans(agent.map(asPlanRequest), period, plans, routed);
}

/** The routing replayed at its three ends, per row, and the agent requests as each end routes them. Pure. */
export function routePlan(frame: ReplayFrame, policy: Policy, ruleIx: Int16Array, agent: readonly AgentRequest[]): RoutedPlan {
  const compiled = compilePlan(policy, frame);
  const run = (ends: ReturnType<typeof boundEnds> | object) => replay(frame, compiled, ruleIx, scenarioFor(policy, frame, ends), { perRow: true }).rows!;
  const central = run({});
  // with every assumption a point, the ends are the central run itself
  const varied = variedGroups(policy).length > 0;
  const low = varied ? run(boundEnds('optimistic')) : central;
  const high = varied ? run(boundEnds('pessimistic')) : central;
  const homes = loadCatalog().homes;
  const at = {
    low: routeRequests(agent, frame, low, homes),
    central: routeRequests(agent, frame, central, homes),
    high: routeRequests(agent, frame, high, homes),
  };
  const total = (rs: PlanRequest[]) => rs.reduce((s, r) => s + r.costUsd, 0);
  const held = (r: AgentRequest) => r.replayIx >= 0 && central.model[r.replayIx] >= 0;
  const moved = (r: AgentRequest) => held(r) && central.model[r.replayIx] !== frame.modelIx[r.replayIx];
  return {
    at,
    routing: {
      requests: agent.length,
      kept_requests: agent.filter((r) => !held(r)).length,
      moved_requests: agent.filter(moved).length,
      by_rule: policy.rules.map((rule, k) => {
        const mine = agent.filter((r) => held(r) && ruleIx[r.replayIx] === k);
        return { rule: rule.name, requests: mine.length, moved_requests: mine.filter(moved).length };
      }),
      api_equivalent_before_usd: total(agent as AgentRequest[]),
      api_equivalent_usd: { low: total(at.low), central: total(at.central), high: total(at.high) },
    },
  };
}

/**
 * The agent requests as one routing run served them: the model it chose (and that model's home
 * provider when it moved, so a plan's `providers` see where the work went), the replayed cost (with
 * the expected cost of redoing failed routed work) and tokens (input, cache writes, output). A request
 * the replay does not hold, or could not price, is kept as it ran. Pure.
 */
export function routeRequests(agent: readonly AgentRequest[], frame: ReplayFrame, rows: RowBuckets, homes: ReadonlyMap<string, string>): PlanRequest[] {
  return agent.map((r) => {
    const i = r.replayIx;
    const target = i >= 0 ? rows.model[i] : -1;
    if (target < 0) return asPlanRequest(r);
    const model = frame.models[target];
    const movedTo = target !== frame.modelIx[i] && model != null ? model : null;
    return {
      seat: r.seat,
      atMs: r.atMs,
      provider: movedTo ? (homes.get(movedTo) ?? r.provider) : r.provider,
      model: movedTo ?? r.model,
      tokens: rows.input[i] + rows.write5m[i] + rows.write1h[i] + rows.output[i],
      costUsd: rows.costUsd[i],
    };
  });
}

/** The models a plan file's rules may send work to (a plan file has no budgets). */
function targetsOf(policies: readonly Policy[]): string[] {
  const out = new Set<string>();
  for (const r of policies.flatMap((p) => p.rules)) {
    if (r.route) out.add(r.route.model);
    if (r.escalate) out.add(r.escalate.to);
  }
  return [...out].sort();
}

function asPlanRequest(r: AgentRequest): PlanRequest {
  return { seat: r.seat, atMs: r.atMs, provider: r.provider, model: r.model, tokens: r.tokens, costUsd: r.costUsd };
}
