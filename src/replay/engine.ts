import { rateIx, type ReplayFrame } from './frame.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { emptyResult, emptyRows, MAX_ATTEMPTS, type BudgetEvent, type ReplayResult } from './result.js';

/** Buckets of one priced attempt. */
interface Attempt {
  u: number;
  r: number;
  w5: number;
  w1h: number;
  o: number;
  usd: number;
}

const MAIN = 0;
const SUB = 1; // cache contexts of a thread: its main loop, and the subagent that routed steps run in

/**
 * The replay: one pass over the frame in time order that re-prices every request under a compiled
 * policy and one scenario (../shared/design/replay.md). Re-price, don't re-run: each thread keeps its
 * trajectory; what changes is which model serves each step and what its cache holds.
 *
 * Per request (a row of a thread):
 * - identity: the model stays and the previous request of the thread ran as observed → the observed
 *   buckets and the priced cost, exactly;
 * - otherwise translated (P′ = ρ·P, O′ = σ·O when the model changes) and priced with the cache state
 *   of (thread, model, context): warm within the TTL (1 h where the thread wrote 1 h) reads
 *   min(L, cacheable part), the rest is written (explicit-cache models) or sent uncached;
 * - routed to another model: expected cost of failures, c + f·(retries on the warm prefix + f₂… ·
 *   escalation), linear in f, which gives the break-even failure rate;
 * - budgets walk the same time order; transforms as the design describes.
 * Rows without a thread (provider buckets, requests without a session) are re-priced bucket by bucket
 * ("approximated"); rows of an unpriced model cannot be compared and are left out of both sides.
 * Pure: no I/O, deterministic, no per-row objects.
 */
export function replay(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, sc: Scenario, opts: { perRow?: boolean } = {}): ReplayResult {
  const f = frame;
  const rt = f.rates;
  const nModels = f.models.length;
  const nTypes = f.taskTypes.length;
  const res = emptyResult(f, plan.ruleTarget.length);
  const rows = opts.perRow ? emptyRows(f.rows) : undefined;

  // cache state per (thread, model, context): a slot holding the cached length L, last use, TTL.
  // Slots are found through a dense index while threads × models is small, else a map.
  const keys = f.threads * nModels * 2;
  const dense = keys <= 1 << 23 ? new Int32Array(keys).fill(-1) : null;
  const sparse = new Map<number, number>();
  let used = 0;
  let cacheL: Float64Array<ArrayBuffer> = new Float64Array(1024);
  let cacheT: Float64Array<ArrayBuffer> = new Float64Array(1024);
  let cacheTtl: Float64Array<ArrayBuffer> = new Float64Array(1024);
  const slotOf = (thread: number, model: number, ctx: number, create: boolean): number => {
    const key = (thread * nModels + model) * 2 + ctx;
    const found = dense ? dense[key] : (sparse.get(key) ?? -1);
    if (found >= 0 || !create) return found;
    const s = used++;
    if (s >= cacheL.length) {
      cacheL = grow(cacheL);
      cacheT = grow(cacheT);
      cacheTtl = grow(cacheTtl);
    }
    if (dense) dense[key] = s;
    else sparse.set(key, s);
    cacheT[s] = -Infinity;
    return s;
  };
  const warmRead = (slot: number, t: number) => (slot >= 0 && t - cacheT[slot] <= cacheTtl[slot] ? cacheL[slot] : 0);
  const remember = (slot: number, length: number, t: number, wrote1h: boolean) => {
    cacheL[slot] = length;
    cacheT[slot] = t;
    cacheTtl[slot] = wrote1h ? 3600 : plan.ttlSeconds;
  };

  // per thread: whether its last request ran differently from history, the compaction offset, the
  // base prompt (its first), and the running subagent's accumulated context
  const threadChanged = new Uint8Array(f.threads);
  const threadOffset = new Float64Array(f.threads);
  const threadBase = new Float64Array(f.threads).fill(NaN);
  const threadInSub = new Uint8Array(f.threads);
  const threadSubTokens = new Float64Array(f.threads);
  // budgets: spend per (budget, group, window), and the crossing event of each
  const spent = plan.budgets.map(() => new Map<number, number>());
  const events = plan.budgets.map(() => new Map<number, BudgetEvent>());
  /** The (group, window) a row's spend counts against, or -1 when it has no key (or project) to cap. */
  const budgetKey = (k: number, i: number) => {
    const b = plan.budgets[k];
    const group = b.perProject ? f.projectIx[i] : f.keyIx[i];
    return group === b.ungrouped ? -1 : group * 1e7 + Math.floor(f.tS[i] / b.windowSeconds);
  };

  const a: Attempt = { u: 0, r: 0, w5: 0, w1h: 0, o: 0, usd: 0 }; // the request's replayed attempt
  const scratch: Attempt = { u: 0, r: 0, w5: 0, w1h: 0, o: 0, usd: 0 };

  const price = (i: number, model: number, u: number, r: number, w5: number, w1h: number, o: number) => priceAttempt(f, i, model, u, r, w5, w1h, o);
  const explicitCache = (i: number, model: number) => rt.hasCacheWrites[rateIx(f, i, model)] === 1;

  /**
   * One request on `model` with the cache state in `slot`: reads min(L, cacheable part, readCap) when
   * warm; an observed prefix break stays cold for `breakShare` of it. Fills `a`, adds the cache loss.
   */
  const priceCached = (i: number, model: number, prompt: number, out: number, uncached: number, observedRead: number,
    slot: number, readCap: number, breakShare: number, wrote1h: boolean) => {
    const explicit = explicitCache(i, model);
    const cacheable = prompt >= plan.minCacheableTokens[model];
    const u0 = !cacheable ? prompt : explicit ? Math.min(uncached, prompt) : 0;
    const room = prompt - u0;
    const warm = Math.min(warmRead(slot, f.tS[i]), room, readCap);
    const broken = Math.min(warm, observedRead);
    const r = cacheable ? (1 - breakShare) * warm + breakShare * broken : 0;
    const w = explicit && cacheable ? room - r : 0;
    const u = prompt - r - w;
    setAttempt(a, u, r, wrote1h ? 0 : w, wrote1h ? w : 0, out, price(i, model, u, r, wrote1h ? 0 : w, wrote1h ? w : 0, out));
    const lost = Math.max(0, Math.min(room, observedRead) - r);
    if (lost > 0) {
      const at = rateIx(f, i, model);
      const paid = explicit ? (wrote1h ? rt.write1h[at] : rt.write5m[at]) : rt.input[at];
      res.cacheLossUsd += ((lost * Math.max(0, paid - rt.cacheRead[at])) / 1e6) * rt.tierMultiplier[model * rt.serviceTiers + f.serviceTierIx[i]];
    }
  };

  /** A bucket re-priced as a whole on `model`: tokens translated, the observed cache mix kept (into `into`). */
  const priceBucket = (i: number, model: number, into: Attempt) => {
    const same = model === f.modelIx[i];
    const rho = same ? 1 : sc.tokenizerRatio[model];
    let u = rho * f.input[i];
    const r = rho * f.cacheRead[i];
    let w5 = rho * f.write5m[i];
    let w1h = rho * f.write1h[i];
    if (!explicitCache(i, model)) {
      // implicit caches bill no writes
      u += w5 + w1h;
      w5 = 0;
      w1h = 0;
    }
    const o = (same ? 1 : sc.outputRatio[model]) * f.output[i];
    setAttempt(into, u, r, w5, w1h, o, same ? f.listCostUsd[i] : price(i, model, u, r, w5, w1h, o));
  };

  /**
   * Expected cost of failures of the attempt in `a` on `model`: f·B with B = retries on the warm
   * prefix (after_failures − 1 of them, each after a repeat failure f₂) + f₂^(n−1) · one attempt on
   * `strong` (the escalation target, or the original model for a plain redo). Linear in f.
   */
  const failureCost = (i: number, model: number, strong: number, n: number, thread: number): number => {
    const fr = sc.failRate[model * nTypes + f.taskTypeIx[i]];
    const f2 = sc.repeatFailRate[model * nTypes + f.taskTypeIx[i]];
    const prompt = a.u + a.r + a.w5 + a.w1h;
    const retryRead = explicitCache(i, model) ? a.r + a.w5 + a.w1h : prompt >= plan.minCacheableTokens[model] ? prompt : 0;
    const retryUsd = price(i, model, prompt - retryRead, retryRead, 0, 0, a.o);
    let retries = 0;
    for (let k = 1; k < n; k++) retries += f2 ** (k - 1);
    const m = f.modelIx[i];
    const same = strong === m;
    const rho = same ? 1 : sc.tokenizerRatio[strong];
    const sP = rho * (f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]);
    const sO = (same ? 1 : sc.outputRatio[strong]) * f.output[i];
    let strongUsd: number;
    if (thread < 0) {
      priceBucket(i, strong, scratch);
      strongUsd = scratch.usd;
    } else {
      const explicit = explicitCache(i, strong);
      const cacheable = sP >= plan.minCacheableTokens[strong];
      const u0 = !cacheable ? sP : explicit ? Math.min(rho * f.input[i], sP) : 0;
      const r = cacheable ? Math.min(warmRead(slotOf(thread, strong, MAIN, false), f.tS[i]), sP - u0) : 0;
      const w = explicit && cacheable ? sP - u0 - r : 0;
      strongUsd = price(i, strong, sP - r - w, r, w, 0, sO);
    }
    const slope = retryUsd * retries + f2 ** (n - 1) * strongUsd;
    res.failSlopeUsd += slope;
    res.failTermUsd += fr * slope;
    // per (model, task type, attempts) sums, so failure-rate sweeps need no second replay
    const g = (model * nTypes + f.taskTypeIx[i]) * MAX_ATTEMPTS + Math.min(n, MAX_ATTEMPTS) - 1;
    res.failures.retryUsd[g] += retryUsd;
    res.failures.strongUsd[g] += strongUsd;
    return fr * slope;
  };

  for (let i = 0; i < f.rows; i++) {
    const m = f.modelIx[i];
    const base = f.listCostUsd[i];
    const req = f.requests[i];
    res.requests.total += req;
    if (Number.isNaN(base)) {
      res.requests.unpriced += req;
      if (rows) rows.model[i] = -1;
      continue;
    }
    const thread = f.threadIx[i];
    const t = f.tS[i];
    const rule = ruleIx[i];
    let target = plan.ruleTarget[rule] < 0 ? m : plan.ruleTarget[rule];
    let sub = plan.ruleSubagent[rule] === 1 && target !== m;
    let strong = plan.escalateTo[rule] < 0 ? m : plan.escalateTo[rule];
    let afterFailures = plan.afterFailures[rule];
    const P = f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i];
    const O = f.output[i];

    // budgets: once a key's (or project's) window has crossed its cap, its action applies
    let actedBy = -1;
    let blocked = false;
    for (let k = 0; k < plan.budgets.length && !blocked; k++) {
      const key = budgetKey(k, i);
      if (key < 0 || (spent[k].get(key) ?? 0) < plan.budgets[k].capUsd) continue;
      actedBy = k;
      blocked = plan.budgets[k].downgradeTo < 0;
      if (!blocked) {
        target = plan.budgets[k].downgradeTo;
        sub = false;
        strong = m;
        afterFailures = 1;
      }
    }
    res.baselineUsd += base;
    res.billedUsd += Number.isNaN(f.costUsd[i]) ? base : f.costUsd[i];
    res.byRule.requests[rule] += req;
    res.byRule.baselineUsd[rule] += base;
    res.byTaskType.baselineUsd[f.taskTypeIx[i]] += base;
    res.byModelBefore.requests[m] += req;
    res.byModelBefore.tokens[m] += P + O;
    res.byModelBefore.costUsd[m] += base;
    if (blocked) {
      res.requests.blocked += req;
      events[actedBy].get(budgetKey(actedBy, i))!.affectedRequests += req;
      if (thread >= 0) threadChanged[thread] = 1;
      if (rows) rows.model[i] = -1;
      continue;
    }
    if (Number.isNaN(rt.input[rateIx(f, i, target)])) {
      // the target has no price that day: the request stays as it was, and coverage says so
      res.requests.targetUnpriced += req;
      target = m;
      sub = false;
    }
    const wrote1h = f.write1h[i] > 0 && f.write5m[i] === 0;
    let cost: number;

    if (thread < 0) {
      res.requests.approximated += req;
      if (target === m) {
        setAttempt(a, f.input[i], f.cacheRead[i], f.write5m[i], f.write1h[i], O, base);
        cost = base;
      } else {
        priceBucket(i, target, a);
        cost = a.usd + failureCost(i, target, strong, afterFailures, -1);
      }
    } else {
      res.requests.replayed += req;
      if (Number.isNaN(threadBase[thread])) threadBase[thread] = P;
      if (f.observedBreak[i] === 2) threadOffset[thread] = 0; // the agent reset its own context: compaction restarts
      if (sub) {
        // the step runs in a subagent with its own small context; the main loop skips it
        const fresh = threadInSub[thread] === 0;
        const rho = sc.tokenizerRatio[target];
        threadSubTokens[thread] = (fresh ? 0 : threadSubTokens[thread]) + rho * (f.input[i] + f.write5m[i] + f.write1h[i]);
        const prompt = sc.subagentContextTokens + threadSubTokens[thread];
        const slot = slotOf(thread, target, SUB, true);
        priceCached(i, target, prompt, sc.outputRatio[target] * O, rho * f.input[i], 0, slot, fresh ? sc.subagentContextTokens : Infinity, 0, wrote1h);
        remember(slot, prompt + a.o, t, wrote1h);
        cost = a.usd + failureCost(i, target, strong, afterFailures, thread);
        threadInSub[thread] = 1;
        threadChanged[thread] = 1;
      } else {
        threadInSub[thread] = 0;
        let offset = threadOffset[thread];
        if (P - offset < threadBase[thread]) offset = threadOffset[thread] = 0;
        let compactUsd = 0;
        if (P - offset > plan.compactAboveTokens && threadBase[thread] + sc.summaryTokens < P - offset) {
          // compaction: one summarizing request over the context (read if warm, else input) plus the
          // summary; this turn then writes base + summary
          const same = target === m;
          const context = (same ? 1 : sc.tokenizerRatio[target]) * (P - offset);
          const r = Math.min(warmRead(slotOf(thread, target, MAIN, false), t), context);
          compactUsd = price(i, target, context - r, r, 0, 0, sc.summaryTokens);
          res.compactions += 1;
          res.compactionUsd += compactUsd;
          offset = threadOffset[thread] = P - (threadBase[thread] + sc.summaryTokens);
        }
        const slot = slotOf(thread, target, MAIN, true);
        const pristine = target === m && offset === 0 && threadChanged[thread] === 0;
        if (pristine) {
          // identity: exactly as observed; a stable prefix turns a share of an observed break into reads
          setAttempt(a, f.input[i], f.cacheRead[i], f.write5m[i], f.write1h[i], O, base);
          if (plan.stablePrefix && f.observedBreak[i] === 1 && sc.recover > 0) recoverBreak(f, i, sc.recover, a, res);
          remember(slot, P + O, t, wrote1h);
          cost = a.usd;
        } else {
          const same = target === m;
          const rho = same ? 1 : sc.tokenizerRatio[target];
          const prompt = rho * (P - offset);
          const readCap = compactUsd > 0 ? 0 : f.observedBreak[i] === 2 ? rho * f.cacheRead[i] : Infinity;
          const breakShare = f.observedBreak[i] === 1 ? 1 - (plan.stablePrefix ? sc.recover : 0) : 0;
          priceCached(i, target, prompt, (same ? 1 : sc.outputRatio[target]) * O, rho * f.input[i], rho * f.cacheRead[i], slot, readCap, breakShare, wrote1h);
          remember(slot, prompt + a.o, t, wrote1h);
          cost = a.usd + compactUsd + (same ? 0 : failureCost(i, target, strong, afterFailures, thread));
        }
        threadChanged[thread] = pristine ? 0 : 1;
      }
    }

    if (actedBy >= 0) {
      const ev = events[actedBy].get(budgetKey(actedBy, i))!;
      ev.affectedRequests += req;
      ev.affectedCostUsd += cost;
    }
    for (let k = 0; k < plan.budgets.length; k++) {
      const key = budgetKey(k, i);
      if (key < 0) continue;
      const before = spent[k].get(key) ?? 0;
      spent[k].set(key, before + cost);
      if (before < plan.budgets[k].capUsd && before + cost >= plan.budgets[k].capUsd) {
        const b = plan.budgets[k];
        events[k].set(key, {
          budget: k,
          groupIx: b.perProject ? f.projectIx[i] : f.keyIx[i],
          windowStartS: Math.floor(t / b.windowSeconds) * b.windowSeconds,
          crossedAtS: t,
          spentAtCrossingUsd: before + cost,
          affectedRequests: 0,
          affectedCostUsd: 0,
        });
      }
    }
    res.costUsd += cost;
    res.byRule.costUsd[rule] += cost;
    res.byTaskType.costUsd[f.taskTypeIx[i]] += cost;
    res.bySession[f.sessionIx[i]] += cost;
    res.byModelAfter.requests[target] += req;
    res.byModelAfter.tokens[target] += a.u + a.r + a.w5 + a.w1h + a.o;
    res.byModelAfter.costUsd[target] += cost;
    if (rows) {
      rows.model[i] = target;
      rows.input[i] = a.u;
      rows.cacheRead[i] = a.r;
      rows.write5m[i] = a.w5;
      rows.write1h[i] = a.w1h;
      rows.output[i] = a.o;
      rows.costUsd[i] = cost;
    }
  }
  res.budgetEvents = events.flatMap((e) => [...e.values()]).sort((x, y) => x.crossedAtS - y.crossedAtS || x.budget - y.budget || x.groupIx - y.groupIx);
  if (rows) res.rows = rows;
  return res;
}

/**
 * List price of buckets on `model` for row i, as usage_priced prices the ledger: the whole prompt
 * picks the long-context tier (a provider bucket keeps its vendor bucket), times the service-tier
 * multiplier, plus web search.
 */
export function priceAttempt(f: ReplayFrame, i: number, model: number, u: number, r: number, w5: number, w1h: number, o: number): number {
  const rt = f.rates;
  const at = rateIx(f, i, model);
  const above = rt.longContextAbove[at];
  const long = f.isBucket[i] === 1 ? f.isLongBucket[i] === 1 && !Number.isNaN(above) : u + r + w5 + w1h > above;
  const usd = long
    ? u * rt.lcInput[at] + r * rt.lcCacheRead[at] + w5 * rt.lcWrite5m[at] + w1h * rt.lcWrite1h[at] + o * rt.lcOutput[at]
    : u * rt.input[at] + r * rt.cacheRead[at] + w5 * rt.write5m[at] + w1h * rt.write1h[at] + o * rt.output[at];
  return (usd / 1e6) * rt.tierMultiplier[model * rt.serviceTiers + f.serviceTierIx[i]] + f.webSearch[i] * rt.webSearch[at];
}

/** stable_prefix on an observed break: `recover` of the rewritten tokens become reads, and of its cost is saved. */
function recoverBreak(f: ReplayFrame, i: number, recover: number, a: Attempt, res: ReplayResult): void {
  const moved = recover * f.rewrittenTokens[i];
  const writes = a.w5 + a.w1h;
  if (writes > 0) {
    const take = Math.min(moved, writes);
    a.w5 -= (take * a.w5) / writes;
    a.w1h -= take - (take * (writes - a.w1h)) / writes;
    a.r += take;
  } else {
    const take = Math.min(moved, a.u);
    a.u -= take;
    a.r += take;
  }
  const saved = recover * f.breakCostUsd[i];
  a.usd -= saved;
  res.recoveredBreakUsd += saved;
}

function setAttempt(a: Attempt, u: number, r: number, w5: number, w1h: number, o: number, usd: number): void {
  a.u = u;
  a.r = r;
  a.w5 = w5;
  a.w1h = w1h;
  a.o = o;
  a.usd = usd;
}

function grow(x: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const y = new Float64Array(x.length * 2);
  y.set(x);
  return y;
}
