import type { ReplayFrame } from './frame.js';
import { R_INPUT } from './rates.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { BudgetLedger, type BudgetAction } from './budgets.js';
import { groupScenarios, sharesState, subagentOrder } from './lanes.js';
import { APPROXIMATED, BASELINE, BILLED, BLOCKED, CACHE_LOSS, COMPACTION_USD, COMPACTIONS, REPLAYED, ReplayPass, SHARED_TALLIES, TARGET_UNPRICED, TOTAL, UNPRICED } from './pass.js';
import { enter, step } from './step.js';
import { emptyResult, emptyRows, type ReplayResult, type RowBuckets } from './result.js';

export { priceAttempt } from './attempt.js';

/**
 * The replay: one pass over the frame in time order that re-prices every request under a compiled
 * policy and one scenario (../shared/design/replay.md). Re-price, don't re-run: each thread keeps its
 * trajectory; what changes is which model serves each step and what its cache holds.
 *
 * Per request (a row of a thread):
 * - in step: the model stays and its cache state in the replay is the one it had in history → the
 *   observed buckets and the priced cost, exactly (a rule that changes nothing changes nothing);
 * - otherwise translated (P′ = ρ·P, O′ = σ·O when the model changes) and priced with the cache state
 *   of (thread, model, context) (cache.ts): the replayed read is the longest warm prefix, bounded where
 *   history read less than its own cache held (a prefix break) and extended where history read more
 *   (a prefix warmed by a sibling thread, when that sibling's model is warm in the replay too); the rest
 *   is written with the observed mix of TTLs (explicit-cache models) or sent uncached. So a thread moved
 *   to a model with the same prices and cache replays its history to the token;
 * - routed to another model: expected cost of failures, c + f·(retries on the warm prefix + f₂… ·
 *   escalation), linear in f, which gives the break-even failure rate;
 * - budgets walk the same time order; transforms as the design describes.
 * Rows without a thread (provider buckets, requests without a session) are re-priced bucket by bucket
 * ("approximated"); rows of an unpriced model cannot be compared and are left out of both sides.
 * Pure: no I/O, deterministic, no per-row objects. The pricing steps are ReplayPass's (pass.ts), a row's
 * replay in one pass is step.ts's (each lane's costs lane-costs.ts's), and one walk over the rows
 * carries every scenario of a policy (replayScenarios; lanes.ts says which share their states).
 */
export function replay(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, sc: Scenario, opts: { perRow?: boolean } = {}): ReplayResult {
  return replayLanes(frame, plan, ruleIx, [sc], opts)[0];
}

/** Each scenario's replay, in order: all in one pass over the rows (one per scenario with budgets). */
export function replayScenarios(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, scenarios: Scenario[]): ReplayResult[] {
  const out: ReplayResult[] = new Array(scenarios.length);
  if (!scenarios.length) return out;
  const groups = groupScenarios(plan, scenarios);
  // budgets react to each scenario's own cost: those walk alone (groupScenarios makes one group each)
  for (const batch of plan.budgets.length ? groups.map((g) => [g]) : [groups]) {
    const results = replayPasses(frame, plan, ruleIx, batch.map((g) => g.map((s) => scenarios[s])));
    batch.forEach((g, k) => g.forEach((s, l) => (out[s] = results[k][l])));
  }
  return out;
}

/**
 * One pass for scenarios that share their states (lanes.ts; with budgets, one scenario): a result per
 * scenario, each the same to the bit as its own replay. Per-row buckets (`perRow`) are the first's.
 */
export function replayLanes(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, scs: Scenario[], opts: { perRow?: boolean } = {}): ReplayResult[] {
  return replayPasses(frame, plan, ruleIx, [scs], opts)[0];
}

/**
 * One walk over the rows carrying several passes, each with its own states and lanes (`groups`: the
 * scenarios of each pass, which share their states). What follows from the plan alone (which model a
 * row goes to, coverage, the history's side) is decided once per row for all of them. A pass walks its
 * lanes in subagentOrder; results come back in the order given.
 */
function replayPasses(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, groups: Scenario[][], opts: { perRow?: boolean } = {}): ReplayResult[][] {
  for (const scs of groups) for (const sc of scs) if (!sharesState(plan, scs[0], sc)) throw new Error('replayPasses: these scenarios do not share their states');
  if (plan.budgets.length && (groups.length > 1 || groups[0].length > 1)) throw new Error('replayPasses: with budgets, each scenario walks alone');
  const f = frame;
  const orders = groups.map((scs) => subagentOrder(plan, scs));
  const results = groups.map((scs) => scs.map(() => emptyResult(f, plan.ruleTarget.length)));
  const res = results[0][0];
  const rows = opts.perRow ? emptyRows(f.rows) : undefined;
  const passes = groups.map((scs, k) => new ReplayPass(f, plan, orders[k].map((s) => scs[s])));
  const budgets = new BudgetLedger(f, plan);
  // the walk is a function of its own: what follows it here runs once, and compiling it into the
  // walk's optimized code would throw that code away at the end of every policy's walk
  walkRows(f, plan, ruleIx, passes, res, budgets, rows);
  res.budgetEvents = budgets.events();
  if (rows) res.rows = rows;
  for (const [k, q] of passes.entries()) {
    if (k > 0) q.tally.set(passes[0].tally.subarray(0, SHARED_TALLIES));
    q.sums.into(orders[k].map((s) => results[k][s]));
    for (const r of results[k]) {
      tallied(r, q.tally);
      if (r !== res) copyBaseline(res, r);
    }
  }
  return results;
}

/** Every row once, in replay order, into every pass (replayPasses): the history's side in `res`. */
function walkRows(f: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, passes: ReplayPass[], res: ReplayResult, budgets: BudgetLedger, rows: RowBuckets | undefined): void {
  const p = passes[0];
  const tally = p.tally;
  const capped = plan.budgets.length > 0;
  for (let i = 0; i < f.rows; i++) {
    const m = f.modelIx[i];
    const base = f.listCostUsd[i];
    const req = f.requests[i];
    tally[TOTAL] += req;
    if (Number.isNaN(base)) {
      tally[UNPRICED] += req;
      if (rows) rows.model[i] = -1;
      continue;
    }
    const thread = f.threadIx[i];
    const rule = ruleIx[i];
    let target = plan.ruleTarget[rule] < 0 ? m : plan.ruleTarget[rule];
    if (target !== m && plan.ruleAllowUpgrade[rule] === 0 && p.dearer(i, target, m)) target = m; // routing goes down only
    let sub = plan.ruleSubagent[rule] === 1 && target !== m;
    let strong = plan.escalateTo[rule] < 0 ? m : plan.escalateTo[rule];
    let afterFailures = plan.afterFailures[rule];
    const tokens = f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i] + f.output[i];
    for (let k = 0; k < passes.length; k++) enter(passes[k], f, i, thread, m);

    const action = capped ? budgets.actionFor(i) : NO_ACTION;
    let by = action.by;
    if (action.blocked) {
      if (thread >= 0) for (let k = 0; k < passes.length; k++) passes[k].advanceHistory(passes[k].hist, passes[k].histIsNew, -1);
      tally[BLOCKED] += req;
      if (rows) rows.model[i] = -1;
      countBaseline(res, tally, f, i, rule, base, tokens);
      continue;
    }
    if (action.downgradeTo >= 0 && !plan.budgets[by].allowUpgrade && p.dearer(i, action.downgradeTo, m)) by = -1; // already cheaper: not a downgrade
    else if (action.downgradeTo >= 0) {
      target = action.downgradeTo;
      sub = false;
      strong = m;
      afterFailures = 1;
    }
    countBaseline(res, tally, f, i, rule, base, tokens);
    if (Number.isNaN(p.rate[p.rateAt(i, target) + R_INPUT])) {
      // the target has no price that day: the request stays as it was, and coverage says so
      tally[TARGET_UNPRICED] += req;
      target = m;
      sub = false;
    }
    tally[thread < 0 ? APPROXIMATED : REPLAYED] += req;
    for (let k = 0; k < passes.length; k++) step(passes[k], f, plan, i, m, thread, rule, target, sub, strong, afterFailures);

    if (capped) budgets.charge(i, p.cost, by);
    if (rows) keepRow(rows, i, target, p);
  }
}

/** Row i's replayed buckets in pass p's first lane, for `perRow`. */
function keepRow(rows: RowBuckets, i: number, target: number, p: ReplayPass): void {
  const a = p.a;
  rows.model[i] = target;
  rows.input[i] = a.u;
  rows.cacheRead[i] = a.r;
  rows.write5m[i] = a.w5;
  rows.write1h[i] = a.w1h;
  rows.output[i] = p.o[0];
  rows.costUsd[i] = p.cost[0];
}

/** What no budget does to a request. */
const NO_ACTION: BudgetAction = Object.freeze({ blocked: false, downgradeTo: -1, by: -1 });

/** A pass's sums every lane shares (its tally) into one lane's result. */
function tallied(res: ReplayResult, tally: Float64Array): void {
  res.requests = {
    total: tally[TOTAL],
    replayed: tally[REPLAYED],
    approximated: tally[APPROXIMATED],
    unpriced: tally[UNPRICED],
    targetUnpriced: tally[TARGET_UNPRICED],
    blocked: tally[BLOCKED],
  };
  res.baselineUsd = tally[BASELINE];
  res.billedUsd = tally[BILLED];
  res.cacheLossUsd = tally[CACHE_LOSS];
  res.compactions = tally[COMPACTIONS];
  res.compactionUsd = tally[COMPACTION_USD];
}

/** The history's side, the same in every result of a plan: from the first result (`from`) into another's. */
function copyBaseline(from: ReplayResult, to: ReplayResult): void {
  to.byRule.requests.set(from.byRule.requests);
  to.byRule.baselineUsd.set(from.byRule.baselineUsd);
  to.byTaskType.baselineUsd.set(from.byTaskType.baselineUsd);
  for (const k of ['requests', 'tokens', 'costUsd'] as const) to.byModelBefore[k].set(from.byModelBefore[k]);
}

/** The history side of one evaluated row: baseline totals by rule, task type and model. */
function countBaseline(res: ReplayResult, tally: Float64Array, f: ReplayFrame, i: number, rule: number, base: number, tokens: number): void {
  const m = f.modelIx[i];
  const req = f.requests[i];
  tally[BASELINE] += base;
  tally[BILLED] += Number.isNaN(f.costUsd[i]) ? base : f.costUsd[i];
  res.byRule.requests[rule] += req;
  res.byRule.baselineUsd[rule] += base;
  res.byTaskType.baselineUsd[f.taskTypeIx[i]] += base;
  res.byModelBefore.requests[m] += req;
  res.byModelBefore.tokens[m] += tokens;
  res.byModelBefore.costUsd[m] += base;
}
