import type { ReplayFrame } from './frame.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { R_CACHE_READ, R_INPUT, R_LC_CACHE_READ, R_LC_INPUT, R_LC_OUTPUT, R_LC_WRITE_1H, R_LC_WRITE_5M, R_LONG_ABOVE, R_OUTPUT, R_WEB_SEARCH, R_WRITE_1H, R_WRITE_5M } from './rates.js';
import type { ReplayResult } from './result.js';

/**
 * Lanes: scenarios of one policy that walk the same states in one pass (engine.ts). What a thread's
 * cache holds, which model serves a step, compactions and subagent contexts follow from the plan and
 * from the tokenizer ratios, the subagent context, the recovered share of breaks and the summary
 * length; output ratios and failure rates only change what the steps cost. Scenarios that agree on
 * the former share one walk and keep a cost of their own per lane (the central run, the bounds and
 * the output/failure sweeps of most policies). Two of the former share a walk too:
 * - the subagent context only sizes the subagents' own contexts, which nothing else reads: a pass
 *   keeps those per subagent group (lanes of one context, subagentOrder) and the main loop's once;
 * - the recovered share of breaks only changes what a request costs while every request runs as
 *   observed (a plan that routes nothing, caps nothing and compacts nothing: observedOnly).
 * Budgets react to cost, so with budgets every scenario walks alone.
 */

/**
 * Whether two scenarios of `plan` walk the same states (see above). An assumption the plan never reads
 * does not count: the recovered share without a stable prefix, the summary length without compaction.
 */
export function sharesState(plan: ReplayPlan, a: Scenario, b: Scenario): boolean {
  if (plan.stablePrefix && a.recover !== b.recover && !observedOnly(plan)) return false;
  if (plan.compactAboveTokens !== Infinity && a.summaryTokens !== b.summaryTokens) return false;
  if (a.tokenizerRatio.length !== b.tokenizerRatio.length) return false;
  for (let k = 0; k < a.tokenizerRatio.length; k++) if (a.tokenizerRatio[k] !== b.tokenizerRatio[k]) return false;
  return true;
}

/** Every request of `plan` runs as observed: no rule routes, no budget, no compaction (step.ts's first branch). */
export function observedOnly(plan: ReplayPlan): boolean {
  return !plan.budgets.length && plan.compactAboveTokens === Infinity && plan.ruleTarget.every((t) => t < 0);
}

/**
 * The lanes of one pass in walking order: grouped by subagent context (groups in order of first
 * appearance, lanes in their order within each), so each subagent group is a run of lanes. Without
 * subagent routes, the order given.
 */
export function subagentOrder(plan: ReplayPlan, scs: Scenario[]): number[] {
  const order = scs.map((_, k) => k);
  if (!plan.ruleSubagent.includes(1)) return order;
  const first = new Map<number, number>();
  scs.forEach((sc, k) => first.has(sc.subagentContextTokens) || first.set(sc.subagentContextTokens, k));
  return order.sort((x, y) => first.get(scs[x].subagentContextTokens)! - first.get(scs[y].subagentContextTokens)! || x - y);
}

/** Scenario indexes grouped into passes: each group shares its states (one scenario per group with budgets). */
export function groupScenarios(plan: ReplayPlan, scenarios: Scenario[]): number[][] {
  const groups: number[][] = [];
  for (let s = 0; s < scenarios.length; s++) {
    const g = plan.budgets.length ? undefined : groups.find((x) => sharesState(plan, scenarios[x[0]], scenarios[s]));
    if (g) g.push(s);
    else groups.push([s]);
  }
  return groups;
}

/**
 * One attempt's list price split at its output: the prompt's part is summed once, then each lane adds
 * its own output. The same operations in the same order as priceAttempt (attempt.ts), so each lane's
 * price is priceAttempt's to the bit.
 */
export class PromptPrice {
  // NaN until set: doubles from the start (see newAttempt)
  private prompt = NaN;
  private outRate = NaN;
  private mult = NaN;
  private web = NaN;

  /** Row i's prompt buckets on `model`, whose rates sit at `at` in `rate` (ReplayPass.rateAt). */
  set(rate: Float64Array, f: ReplayFrame, i: number, model: number, at: number, u: number, r: number, w5: number, w1h: number): void {
    const above = rate[at + R_LONG_ABOVE];
    const long = f.isBucket[i] === 1 ? f.isLongBucket[i] === 1 && !Number.isNaN(above) : u + r + w5 + w1h > above;
    if (long) {
      this.prompt = u * rate[at + R_LC_INPUT] + r * rate[at + R_LC_CACHE_READ] + w5 * rate[at + R_LC_WRITE_5M] + w1h * rate[at + R_LC_WRITE_1H];
      this.outRate = rate[at + R_LC_OUTPUT];
    } else {
      this.prompt = u * rate[at + R_INPUT] + r * rate[at + R_CACHE_READ] + w5 * rate[at + R_WRITE_5M] + w1h * rate[at + R_WRITE_1H];
      this.outRate = rate[at + R_OUTPUT];
    }
    const rt = f.rates;
    this.mult = rt.tierMultiplier[model * rt.serviceTiers + f.serviceTierIx[i]];
    this.web = f.webSearch[i] * rate[at + R_WEB_SEARCH];
  }

  /** The attempt's price with `o` output tokens. */
  usd(o: number): number {
    return ((this.prompt + o * this.outRate) / 1e6) * this.mult + this.web;
  }
}

/**
 * Each lane's running sums, lane by lane side by side ([bucket × lanes + lane]): a row adds to one
 * line for all lanes instead of one per lane (step.ts settle, lane-costs.ts). Each lane's sums take the same values in the same
 * order as a replay of its own, so they are its sums to the bit; `into` writes them to the results.
 */
export class LaneSums {
  readonly cost: Float64Array;
  readonly failSlope: Float64Array;
  readonly failTerm: Float64Array;
  readonly recovered: Float64Array; // stable_prefix: what each lane's recovered breaks saved
  readonly rule: Float64Array;
  readonly type: Float64Array;
  readonly session: Float64Array;
  readonly modelRequests: Float64Array;
  readonly modelTokens: Float64Array;
  readonly modelCost: Float64Array;
  readonly retry: Float64Array; // per (model × task types + task type) × MAX_ATTEMPTS + attempts − 1
  readonly strong: Float64Array;

  constructor(readonly lanes: number, rules: number, f: ReplayFrame, failureCells: number) {
    const n = (k: number) => new Float64Array(k * lanes);
    this.cost = n(1);
    this.failSlope = n(1);
    this.failTerm = n(1);
    this.recovered = n(1);
    this.rule = n(rules);
    this.type = n(f.taskTypes.length);
    this.session = n(f.sessions.length);
    this.modelRequests = n(f.models.length);
    this.modelTokens = n(f.models.length);
    this.modelCost = n(f.models.length);
    this.retry = n(failureCells);
    this.strong = n(failureCells);
  }

  /** Each lane's sums into its result. */
  into(results: ReplayResult[]): void {
    const k = this.lanes;
    const copy = (from: Float64Array, l: number, to: Float64Array) => {
      for (let x = 0; x < to.length; x++) to[x] = from[x * k + l];
    };
    results.forEach((res, l) => {
      res.costUsd = this.cost[l];
      res.failSlopeUsd = this.failSlope[l];
      res.failTermUsd = this.failTerm[l];
      res.recoveredBreakUsd = this.recovered[l];
      copy(this.rule, l, res.byRule.costUsd);
      copy(this.type, l, res.byTaskType.costUsd);
      copy(this.session, l, res.bySession);
      copy(this.modelRequests, l, res.byModelAfter.requests);
      copy(this.modelTokens, l, res.byModelAfter.tokens);
      copy(this.modelCost, l, res.byModelAfter.costUsd);
      copy(this.retry, l, res.failures.retryUsd);
      copy(this.strong, l, res.failures.strongUsd);
    });
  }
}

/**
 * Per lane and (model × task types + task type) cell: f₂^(n−1) and Σₖ₌₁ⁿ⁻¹ f₂^(k−1) for n = 1 … `most`,
 * at [(cell × lanes + lane) × most + n − 1]: the same `**` and sums as per row, made once.
 */
export function repeatPowers(scs: Scenario[], cells: number, most: number): { power: Float64Array; retries: Float64Array } {
  const k = scs.length;
  const power = new Float64Array(cells * k * most);
  const retries = new Float64Array(cells * k * most);
  for (let c = 0; c < cells; c++) {
    for (let l = 0; l < k; l++) {
      const f2 = scs[l].repeatFailRate[c];
      for (let n = 1; n <= most; n++) {
        let sum = 0;
        for (let j = 1; j < n; j++) sum += f2 ** (j - 1);
        power[(c * k + l) * most + n - 1] = f2 ** (n - 1);
        retries[(c * k + l) * most + n - 1] = sum;
      }
    }
  }
  return { power, retries };
}

/** Per-lane arrays of one length side by side: x[k] of lane l at [k × lanes + l] (one line per k). */
export function laneMajor(perLane: Float64Array[]): Float64Array {
  const lanes = perLane.length;
  const out = new Float64Array(lanes ? perLane[0].length * lanes : 0);
  perLane.forEach((x, l) => x.forEach((v, k) => (out[k * lanes + l] = v)));
  return out;
}
