import { newAttempt, priceAttempt, setAttempt, type Attempt } from './attempt.js';
import { CacheSlots } from './cache.js';
import { rateIx, type ReplayFrame } from './frame.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { MAX_ATTEMPTS, type ReplayResult } from './result.js';

// cache contexts of a thread: its main loop as replayed, the subagent that routed steps run in, and
// its main loop as it ran in history (what the observed reads were read from)
export const MAIN = 0;
export const SUB = 1;
export const HIST = 2;

/**
 * The state of one replay run and the pricing steps the engine's loop calls (engine.ts has the loop and
 * the model). Methods on a class rather than closures made per run: every run then calls the same
 * functions, so V8's optimized loop survives from one run (scenario, policy) to the next instead of
 * deoptimizing on each run's new closures.
 */
export class ReplayPass {
  readonly nModels: number;
  readonly nTypes: number;
  readonly slots: CacheSlots;
  readonly a: Attempt = newAttempt(); // the request's replayed attempt
  readonly scratch: Attempt = newAttempt();

  constructor(
    readonly f: ReplayFrame,
    readonly plan: ReplayPlan,
    readonly sc: Scenario,
    readonly res: ReplayResult,
  ) {
    this.nModels = f.models.length;
    this.nTypes = f.taskTypes.length;
    // a thread uses about two slots (history's and the replay's main loop): sized for that up front
    this.slots = new CacheSlots(f.threads * this.nModels * 3, plan.ttlSeconds, f.threads * 2);
  }

  slotOf(thread: number, model: number, ctx: number, create: boolean): number {
    return this.slots.slot((thread * this.nModels + model) * 3 + ctx, create);
  }

  explicitCache(i: number, model: number): boolean {
    return this.f.rates.hasCacheWrites[rateIx(this.f, i, model)] === 1;
  }

  cacheable(model: number, prompt: number): boolean {
    return prompt >= this.plan.minCacheableTokens[model];
  }

  /** The observed request as it ran, with what its cache held after it (implicit caches hold the prompt). */
  observed(i: number, into: Attempt): void {
    const f = this.f;
    setAttempt(into, f.input[i], f.cacheRead[i], f.write5m[i], f.write1h[i], f.output[i], f.listCostUsd[i]);
    const m = f.modelIx[i];
    if (!this.explicitCache(i, m)) into.c5 = this.cacheable(m, f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]) ? f.input[i] : 0;
  }

  /**
   * One request on `model` that can read `warm` tokens of its prompt's start from cache: reads them
   * within the cacheable part, writes the rest with the 1 h share `share1h` (explicit-cache models) or
   * sends it uncached. Fills `a`, adds the cache loss against `observedRead`.
   */
  priceCached(i: number, model: number, prompt: number, out: number, uncached: number, observedRead: number, warm: number, share1h: number): void {
    const f = this.f;
    const explicit = this.explicitCache(i, model);
    const ok = this.cacheable(model, prompt);
    const u0 = !ok ? prompt : explicit ? Math.min(uncached, prompt) : 0;
    const room = prompt - u0;
    const r = ok ? Math.min(warm, room) : 0;
    const w = explicit && ok ? room - r : 0;
    const w1h = w * share1h;
    const w5 = w - w1h;
    const u = explicit || !ok ? u0 : prompt - r;
    const a = this.a;
    setAttempt(a, u, r, w5, w1h, out, priceAttempt(f, i, model, u, r, w5, w1h, out));
    if (!explicit && ok) a.c5 = room - r;
    const lost = Math.max(0, Math.min(room, observedRead) - r);
    if (lost > 0) {
      const rt = f.rates;
      const at = rateIx(f, i, model);
      const paid = explicit ? (1 - share1h) * rt.write5m[at] + share1h * rt.write1h[at] : rt.input[at];
      this.res.cacheLossUsd += ((lost * Math.max(0, paid - rt.cacheRead[at])) / 1e6) * rt.tierMultiplier[model * rt.serviceTiers + f.serviceTierIx[i]];
    }
  }

  /** A bucket re-priced as a whole on `model`: tokens translated, the observed cache mix kept (into `into`). */
  priceBucket(i: number, model: number, into: Attempt): void {
    const f = this.f;
    const sc = this.sc;
    const same = model === f.modelIx[i];
    const rho = same ? 1 : sc.tokenizerRatio[model];
    let u = rho * f.input[i];
    const r = rho * f.cacheRead[i];
    let w5 = rho * f.write5m[i];
    let w1h = rho * f.write1h[i];
    if (!this.explicitCache(i, model)) {
      // implicit caches bill no writes
      u += w5 + w1h;
      w5 = 0;
      w1h = 0;
    }
    const o = (same ? 1 : sc.outputRatio[model]) * f.output[i];
    setAttempt(into, u, r, w5, w1h, o, same ? f.listCostUsd[i] : priceAttempt(f, i, model, u, r, w5, w1h, o));
  }

  /**
   * Expected cost of failures of the attempt in `a` on `model`: f·B with B = retries on the warm
   * prefix (after_failures − 1 of them, each after a repeat failure f₂) + f₂^(n−1) · one attempt on
   * `strong` (the escalation target, or the original model for a plain redo), which writes with the
   * thread's TTL mix. Linear in f.
   */
  failureCost(i: number, model: number, strong: number, n: number, thread: number, share1h: number): number {
    const f = this.f;
    const sc = this.sc;
    const a = this.a;
    const res = this.res;
    const fr = sc.failRate[model * this.nTypes + f.taskTypeIx[i]];
    const f2 = sc.repeatFailRate[model * this.nTypes + f.taskTypeIx[i]];
    const prompt = a.u + a.r + a.w5 + a.w1h;
    const retryRead = this.explicitCache(i, model) ? a.r + a.w5 + a.w1h : this.cacheable(model, prompt) ? prompt : 0;
    const retryUsd = priceAttempt(f, i, model, prompt - retryRead, retryRead, 0, 0, a.o);
    let retries = 0;
    for (let k = 1; k < n; k++) retries += f2 ** (k - 1);
    const strongUsd = this.strongCost(i, strong, thread, share1h);
    const slope = retryUsd * retries + f2 ** (n - 1) * strongUsd;
    res.failSlopeUsd += slope;
    res.failTermUsd += fr * slope;
    // per (model, task type, attempts) sums, so failure-rate sweeps need no second replay
    const g = (model * this.nTypes + f.taskTypeIx[i]) * MAX_ATTEMPTS + Math.min(n, MAX_ATTEMPTS) - 1;
    res.failures.retryUsd[g] += retryUsd;
    res.failures.strongUsd[g] += strongUsd;
    return fr * slope;
  }

  /** One attempt of row i on `strong` after failures: re-priced as a bucket, or with the thread's warm main context. */
  private strongCost(i: number, strong: number, thread: number, share1h: number): number {
    const f = this.f;
    const sc = this.sc;
    if (thread < 0) {
      this.priceBucket(i, strong, this.scratch);
      return this.scratch.usd;
    }
    const same = strong === f.modelIx[i];
    const rho = same ? 1 : sc.tokenizerRatio[strong];
    const sP = rho * (f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]);
    const sO = (same ? 1 : sc.outputRatio[strong]) * f.output[i];
    const explicit = this.explicitCache(i, strong);
    const ok = this.cacheable(strong, sP);
    const u0 = !ok ? sP : explicit ? Math.min(rho * f.input[i], sP) : 0;
    const r = ok ? Math.min(this.slots.warm(this.slotOf(thread, strong, MAIN, false), f.tS[i]), sP - u0) : 0;
    const w = explicit && ok ? sP - u0 - r : 0;
    return priceAttempt(f, i, strong, sP - r - w, r, w * (1 - share1h), w * share1h, sO);
  }

  /**
   * Whether `to` is dearer than `from` for row i: a higher input or output list rate on the row's day
   * and price list. An unpriced target is not dearer here (it is kept out further on).
   */
  dearer(i: number, to: number, from: number): boolean {
    const rt = this.f.rates;
    const a = rateIx(this.f, i, to);
    const b = rateIx(this.f, i, from);
    return rt.input[a] > rt.input[b] || rt.output[a] > rt.output[b];
  }

  /**
   * History's slot `hist` advances past row i, which the replay ran in slot `replayed` (-1: in no
   * main context); returns whether `replayed` still mirrors history's slot.
   */
  advanceHistory(i: number, hist: number, histIsNew: boolean, replayed: number): boolean {
    const mirrors = this.slots.follow(hist, histIsNew, replayed);
    const s = this.scratch;
    this.observed(i, s);
    this.slots.touch(hist, this.f.tS[i], s.r, s.c5, s.c1h);
    return mirrors;
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
