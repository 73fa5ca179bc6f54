import { newAttempt, setAttempt, type Attempt } from './attempt.js';
import { CacheSlots } from './cache.js';
import { rateIx, type ReplayFrame } from './frame.js';
import { laneMajor, LaneSums, observedOnly, PromptPrice, repeatPowers } from './lanes.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { packRates, R_CACHE_READ, R_EXPLICIT, R_INPUT, R_OUTPUT, R_WRITE_1H, R_WRITE_5M, RATE_STRIDE } from './rates.js';
import { MAX_ATTEMPTS } from './result.js';

// main-loop cache contexts of a thread: as replayed, and as it ran in history (what the observed
// reads were read from); the subagent that routed steps run in has slots of its own (subSlots)
export const MAIN = 0;
export const HIST = 1;

// the sums every lane shares, kept in a typed array while the pass runs (ReplayPass.tally)
export const TOTAL = 0;
export const REPLAYED = 1;
export const APPROXIMATED = 2;
export const UNPRICED = 3;
export const TARGET_UNPRICED = 4;
export const BLOCKED = 5;
export const BASELINE = 6;
export const BILLED = 7;
export const CACHE_LOSS = 8;
export const COMPACTIONS = 9;
export const COMPACTION_USD = 10;
export const TALLIES = 11;
/** tally[0 … SHARED_TALLIES − 1] follow from the plan alone: every pass of a plan has the same */
export const SHARED_TALLIES = 8;

// per thread, side by side (one 64-byte line): the compaction offset, the base prompt (its first),
// whether its last step ran in a subagent, its last prompt, and the share of its cache writes made
// with a 1 h TTL (its latest writes). The subagent's accumulated context is its group's (subTokens).
export const T_OFFSET = 0;
export const T_BASE = 1;
export const T_IN_SUB = 2;
export const T_LAST_PROMPT = 4;
export const T_SHARE_1H = 5;
export const T_STRIDE = 8;

/**
 * The state of one replay pass and the pricing steps the engine's loop calls (engine.ts has the loop and
 * the model). Methods on a class rather than closures made per run: every run then calls the same
 * functions, so V8's optimized loop survives from one run (scenario, policy) to the next instead of
 * deoptimizing on each run's new closures.
 *
 * A pass carries one or more lanes (lanes.ts): scenarios that share every state but their subagents'
 * and differ in output ratios, failure rates, subagent contexts and (when every request runs as
 * observed) recovered breaks. Lanes of one subagent context are a subagent group (lanes `subFrom[g]`
 * … `subTo[g]` − 1) with its own subagent slots and contexts. `a` holds the request's replayed buckets,
 * shared by the lanes (of a group, for a subagent step); `o` and `usd` hold each lane's output and
 * price, `fail` each lane's expected failure cost. Sums every lane shares (coverage, cache loss,
 * compactions) go to `tally`, each lane's own to `sums`.
 */
export class ReplayPass {
  readonly nModels: number;
  readonly nTypes: number;
  readonly lanes: number;
  readonly slots: CacheSlots;
  readonly a: Attempt = newAttempt();
  readonly laneAttempt: Attempt = newAttempt(); // a lane's own copy of `a` (step.ts recoverLanes)
  readonly scratch: Attempt = newAttempt(); // lane-costs.ts: a bucket on the escalation target
  readonly o: Float64Array;
  readonly usd: Float64Array;
  readonly fail: Float64Array;
  readonly sc: Scenario; // lane 0's: the assumptions every lane shares
  readonly sums: LaneSums; // each lane's own sums
  readonly tally = new Float64Array(TALLIES); // the sums every lane shares (indexes above)
  readonly th: Float64Array; // per-thread state (T_ fields above)
  readonly rate: Float64Array; // the frame's rates, packed (rates.ts packRates; rateAt)
  readonly cost: Float64Array; // per lane: the row's cost
  // subagent groups: lanes, slots (per thread and model) and each thread's accumulated subagent context
  readonly subFrom: number[] = [];
  readonly subTo: number[] = [];
  readonly subSlots: CacheSlots[] = [];
  readonly subTokens: Float64Array[] = [];
  readonly sameRecover: boolean; // every lane recovers the same share of breaks
  readonly observedOnly: boolean; // every request runs as observed: the pass keeps no cache state (lanes.ts)
  // the row being replayed (step.ts enter): history's slot, whether it is new, the thread's 1 h share
  hist = -1;
  histIsNew = false;
  share1h = NaN; // a double from the start (see newAttempt)
  // each lane's assumptions side by side ([model or cell × lanes + lane]): a lane loop reads one line
  readonly outputRatio: Float64Array;
  readonly failRate: Float64Array;
  // f₂^(n−1) and the retries' Σ f₂^(k−1) per lane, cell and n ≤ mostAttempts (lanes.ts repeatPowers)
  readonly powers: { power: Float64Array; retries: Float64Array };
  readonly mostAttempts: number; // the most after_failures of any rule (budgets redo once)
  readonly price = new PromptPrice(); // the request's prompt on its model (lane-costs.ts)
  readonly retry = new PromptPrice(); // lane-costs.ts
  readonly strong = new PromptPrice();

  constructor(
    readonly f: ReplayFrame,
    readonly plan: ReplayPlan,
    readonly scs: Scenario[],
  ) {
    this.nModels = f.models.length;
    this.nTypes = f.taskTypes.length;
    this.lanes = scs.length;
    this.sc = scs[0];
    this.o = new Float64Array(this.lanes);
    this.usd = new Float64Array(this.lanes);
    this.fail = new Float64Array(this.lanes);
    this.cost = new Float64Array(this.lanes);
    this.rate = packRates(f.rates);
    this.th = threadStates(f.threads);
    const cells = this.nModels * this.nTypes;
    this.sums = new LaneSums(this.lanes, plan.ruleTarget.length, f, cells * MAX_ATTEMPTS);
    this.mostAttempts = Math.max(MAX_ATTEMPTS, ...plan.afterFailures);
    this.powers = repeatPowers(scs, cells, this.mostAttempts);
    this.outputRatio = laneMajor(scs.map((sc) => sc.outputRatio));
    this.failRate = laneMajor(scs.map((sc) => sc.failRate));
    // a thread uses about two slots (history's and the replay's main loop): sized for that up front
    this.slots = new CacheSlots(f.threads * this.nModels * 2, plan.ttlSeconds, f.threads * 2);
    this.sameRecover = scs.every((sc) => sc.recover === this.sc.recover);
    this.observedOnly = observedOnly(plan);
    if (plan.ruleSubagent.includes(1)) this.subagentGroups(f, plan);
  }

  /** A subagent group per run of lanes with one subagent context (engine.ts orders them so: lanes.ts subagentOrder). */
  private subagentGroups(f: ReplayFrame, plan: ReplayPlan): void {
    for (let l = 0; l < this.lanes; l++) {
      if (l > 0 && this.scs[l].subagentContextTokens === this.scs[l - 1].subagentContextTokens) continue;
      if (this.scs.slice(0, l).some((sc) => sc.subagentContextTokens === this.scs[l].subagentContextTokens)) throw new Error('ReplayPass: lanes of one subagent context must be adjacent');
      this.subFrom.push(l);
      this.subTo.push(l + 1);
      this.subSlots.push(new CacheSlots(f.threads * this.nModels, plan.ttlSeconds, f.threads));
      this.subTokens.push(new Float64Array(f.threads));
    }
    for (let g = 0; g < this.subFrom.length; g++) this.subTo[g] = g + 1 < this.subFrom.length ? this.subFrom[g + 1] : this.lanes;
  }

  /** A main-loop slot (`ctx` MAIN or HIST) of (thread, model). */
  slotOf(thread: number, model: number, ctx: number, create: boolean): number {
    return this.slots.slot((thread * this.nModels + model) * 2 + ctx, create);
  }

  /** Where row i's rates on `model` start in `rate`. */
  rateAt(i: number, model: number): number {
    return rateIx(this.f, i, model) * RATE_STRIDE;
  }

  explicitCache(i: number, model: number): boolean {
    return this.rate[this.rateAt(i, model) + R_EXPLICIT] === 1;
  }

  cacheable(model: number, prompt: number): boolean {
    return prompt >= this.plan.minCacheableTokens[model];
  }

  /** The observed request as it ran, with what its cache held after it (implicit caches hold the prompt). */
  observed(i: number, into: Attempt): void {
    const f = this.f;
    const u = f.input[i];
    const r = f.cacheRead[i];
    const w5 = f.write5m[i];
    const w1h = f.write1h[i];
    setAttempt(into, u, r, w5, w1h, f.output[i], f.listCostUsd[i]);
    const m = f.modelIx[i];
    if (!this.explicitCache(i, m)) into.c5 = this.cacheable(m, u + r + w5 + w1h) ? u : 0;
  }

  /** Every lane's output and price are `a`'s (the request as observed, or on its own model). */
  uniform(): void {
    const a = this.a;
    for (let l = 0; l < this.lanes; l++) {
      this.o[l] = a.o;
      this.usd[l] = a.usd;
    }
  }

  /**
   * One request of row i on `model` that can read `warm` tokens of its prompt's start from cache: reads
   * them within the cacheable part, writes the rest with the thread's 1 h share (explicit-cache models)
   * or sends it uncached. Fills `a` and `price` (the lanes' outputs and prices are lane-costs.ts's),
   * adds the cache loss against `observedRead`.
   */
  priceCached(i: number, model: number, prompt: number, uncached: number, observedRead: number, warm: number): void {
    const f = this.f;
    const rate = this.rate;
    const at = this.rateAt(i, model);
    const share1h = this.share1h;
    const explicit = rate[at + R_EXPLICIT] === 1;
    const ok = this.cacheable(model, prompt);
    const u0 = !ok ? prompt : explicit ? Math.min(uncached, prompt) : 0;
    const room = prompt - u0;
    const r = ok ? Math.min(warm, room) : 0;
    const w = explicit && ok ? room - r : 0;
    const w1h = w * share1h;
    const w5 = w - w1h;
    const u = explicit || !ok ? u0 : prompt - r;
    const a = this.a;
    setAttempt(a, u, r, w5, w1h, 0, 0);
    this.price.set(rate, f, i, model, at, u, r, w5, w1h);
    if (!explicit && ok) a.c5 = room - r;
    const lost = Math.max(0, Math.min(room, observedRead) - r);
    if (lost > 0) {
      const paid = explicit ? (1 - share1h) * rate[at + R_WRITE_5M] + share1h * rate[at + R_WRITE_1H] : rate[at + R_INPUT];
      const rt = f.rates;
      this.tally[CACHE_LOSS] += ((lost * Math.max(0, paid - rate[at + R_CACHE_READ])) / 1e6) * rt.tierMultiplier[model * rt.serviceTiers + f.serviceTierIx[i]];
    }
  }

  /** A bucket re-priced as a whole on another `model` than row i's (into `a` and `price`): tokens translated, the observed cache mix kept. */
  priceBucket(i: number, model: number): void {
    const a = this.a;
    this.bucketOn(i, model, a);
    this.price.set(this.rate, this.f, i, model, this.rateAt(i, model), a.u, a.r, a.w5, a.w1h);
  }

  /** Row i's buckets translated to another `model` (into `into`); implicit caches bill no writes. */
  bucketOn(i: number, model: number, into: Attempt): void {
    const f = this.f;
    const rho = this.sc.tokenizerRatio[model];
    let u = rho * f.input[i];
    const r = rho * f.cacheRead[i];
    let w5 = rho * f.write5m[i];
    let w1h = rho * f.write1h[i];
    if (!this.explicitCache(i, model)) {
      u += w5 + w1h;
      w5 = 0;
      w1h = 0;
    }
    setAttempt(into, u, r, w5, w1h, 0, 0);
  }

  /**
   * Whether `to` is dearer than `from` for row i: a higher input or output list rate on the row's day
   * and price list. An unpriced target is not dearer here (it is kept out further on).
   */
  dearer(i: number, to: number, from: number): boolean {
    const rate = this.rate;
    const a = this.rateAt(i, to);
    const b = this.rateAt(i, from);
    return rate[a + R_INPUT] > rate[b + R_INPUT] || rate[a + R_OUTPUT] > rate[b + R_OUTPUT];
  }

  /**
   * History's slot `hist` advances past row i, which the replay ran in slot `replayed` (-1: in no
   * main context); returns whether `replayed` still mirrors history's slot. History's slots only say
   * which replayed slot mirrors them: nothing reads what they hold, so they hold nothing.
   */
  advanceHistory(hist: number, histIsNew: boolean, replayed: number): boolean {
    return this.slots.follow(hist, histIsNew, replayed);
  }

  /**
   * What a slot that no longer mirrors history can read: its warm prefix, up to where an observed
   * prefix break or context reset cut the prompt (a break's recovered share aside); on the model
   * history used, never more than history read there.
   */
  divergedRead(i: number, slot: number, rho: number, recovered: number, same: boolean): number {
    const f = this.f;
    const warm = this.slots.warm(slot, f.tS[i]);
    const cut = rho * (f.cacheRead[i] + recovered);
    return f.observedBreak[i] !== 0 || same ? Math.min(warm, cut) : warm;
  }
}

/**
 * Per-thread state (T_ fields) with no base or last prompt yet (NaN). A function of its own: its loop,
 * compiled on the stack in the constructor, would throw the constructor's code away on every pass.
 */
function threadStates(threads: number): Float64Array {
  const th = new Float64Array(threads * T_STRIDE);
  for (let k = 0; k < threads; k++) th[k * T_STRIDE + T_BASE] = th[k * T_STRIDE + T_LAST_PROMPT] = NaN;
  return th;
}
