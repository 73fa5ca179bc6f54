import { newAttempt, priceAttempt, recoverBreak, setAttempt, type Attempt } from './attempt.js';
import { CacheSlots } from './cache.js';
import { rateIx, type ReplayFrame } from './frame.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { BudgetLedger } from './budgets.js';
import { emptyResult, emptyRows, MAX_ATTEMPTS, type ReplayResult } from './result.js';

export { priceAttempt } from './attempt.js';

// cache contexts of a thread: its main loop as replayed, the subagent that routed steps run in, and
// its main loop as it ran in history (what the observed reads were read from)
const MAIN = 0;
const SUB = 1;
const HIST = 2;

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
 * Pure: no I/O, deterministic, no per-row objects.
 */
export function replay(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, sc: Scenario, opts: { perRow?: boolean } = {}): ReplayResult {
  const f = frame;
  const rt = f.rates;
  const nModels = f.models.length;
  const nTypes = f.taskTypes.length;
  const res = emptyResult(f, plan.ruleTarget.length);
  const rows = opts.perRow ? emptyRows(f.rows) : undefined;

  const slots = new CacheSlots(f.threads * nModels * 3, plan.ttlSeconds);
  const slotOf = (thread: number, model: number, ctx: number, create = true) => slots.slot((thread * nModels + model) * 3 + ctx, create);

  // per thread: the compaction offset, the base prompt (its first), the running subagent's
  // accumulated context, and the share of its cache writes made with a 1 h TTL (its latest writes)
  const threadOffset = new Float64Array(f.threads);
  const threadBase = new Float64Array(f.threads).fill(NaN);
  const threadInSub = new Uint8Array(f.threads);
  const threadSubTokens = new Float64Array(f.threads);
  const threadLastPrompt = new Float64Array(f.threads).fill(NaN);
  const threadShare1h = new Float64Array(f.threads);
  const budgets = new BudgetLedger(f, plan);

  const a = newAttempt(); // the request's replayed attempt
  const scratch = newAttempt();

  const price = (i: number, model: number, u: number, r: number, w5: number, w1h: number, o: number) => priceAttempt(f, i, model, u, r, w5, w1h, o);
  const explicitCache = (i: number, model: number) => rt.hasCacheWrites[rateIx(f, i, model)] === 1;
  const cacheable = (model: number, prompt: number) => prompt >= plan.minCacheableTokens[model];

  /** The observed request as it ran, with what its cache held after it (implicit caches hold the prompt). */
  const observed = (i: number, into: Attempt) => {
    setAttempt(into, f.input[i], f.cacheRead[i], f.write5m[i], f.write1h[i], f.output[i], f.listCostUsd[i]);
    const m = f.modelIx[i];
    if (!explicitCache(i, f.modelIx[i])) into.c5 = cacheable(m, f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]) ? f.input[i] : 0;
  };

  /**
   * One request on `model` that can read `warm` tokens of its prompt's start from cache: reads them
   * within the cacheable part, writes the rest with the 1 h share `share1h` (explicit-cache models) or
   * sends it uncached. Fills `a`, adds the cache loss against `observedRead`.
   */
  const priceCached = (i: number, model: number, prompt: number, out: number, uncached: number, observedRead: number, warm: number, share1h: number) => {
    const explicit = explicitCache(i, model);
    const ok = cacheable(model, prompt);
    const u0 = !ok ? prompt : explicit ? Math.min(uncached, prompt) : 0;
    const room = prompt - u0;
    const r = ok ? Math.min(warm, room) : 0;
    const w = explicit && ok ? room - r : 0;
    const w1h = w * share1h;
    const w5 = w - w1h;
    const u = explicit || !ok ? u0 : prompt - r;
    setAttempt(a, u, r, w5, w1h, out, price(i, model, u, r, w5, w1h, out));
    if (!explicit && ok) a.c5 = room - r;
    const lost = Math.max(0, Math.min(room, observedRead) - r);
    if (lost > 0) {
      const at = rateIx(f, i, model);
      const paid = explicit ? (1 - share1h) * rt.write5m[at] + share1h * rt.write1h[at] : rt.input[at];
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
   * `strong` (the escalation target, or the original model for a plain redo), which writes with the
   * thread's TTL mix. Linear in f.
   */
  const failureCost = (i: number, model: number, strong: number, n: number, thread: number, share1h: number): number => {
    const fr = sc.failRate[model * nTypes + f.taskTypeIx[i]];
    const f2 = sc.repeatFailRate[model * nTypes + f.taskTypeIx[i]];
    const prompt = a.u + a.r + a.w5 + a.w1h;
    const retryRead = explicitCache(i, model) ? a.r + a.w5 + a.w1h : cacheable(model, prompt) ? prompt : 0;
    const retryUsd = price(i, model, prompt - retryRead, retryRead, 0, 0, a.o);
    let retries = 0;
    for (let k = 1; k < n; k++) retries += f2 ** (k - 1);
    const same = strong === f.modelIx[i];
    const rho = same ? 1 : sc.tokenizerRatio[strong];
    const sP = rho * (f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]);
    const sO = (same ? 1 : sc.outputRatio[strong]) * f.output[i];
    let strongUsd: number;
    if (thread < 0) {
      priceBucket(i, strong, scratch);
      strongUsd = scratch.usd;
    } else {
      const explicit = explicitCache(i, strong);
      const ok = cacheable(strong, sP);
      const u0 = !ok ? sP : explicit ? Math.min(rho * f.input[i], sP) : 0;
      const r = ok ? Math.min(slots.warm(slotOf(thread, strong, MAIN, false), f.tS[i]), sP - u0) : 0;
      const w = explicit && ok ? sP - u0 - r : 0;
      strongUsd = price(i, strong, sP - r - w, r, w * (1 - share1h), w * share1h, sO);
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
    if (target !== m && plan.ruleAllowUpgrade[rule] === 0 && dearer(i, target, m)) target = m; // routing goes down only
    let sub = plan.ruleSubagent[rule] === 1 && target !== m;
    let strong = plan.escalateTo[rule] < 0 ? m : plan.escalateTo[rule];
    let afterFailures = plan.afterFailures[rule];
    const P = f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i];
    const O = f.output[i];
    const R = f.cacheRead[i];

    // history's cache slot for this request (advanced past it once the replay has run it)
    let hist = -1;
    let histIsNew = false;
    if (thread >= 0) {
      const writes = f.write5m[i] + f.write1h[i];
      if (writes > 0) threadShare1h[thread] = f.write1h[i] / writes;
      histIsNew = slotOf(thread, m, HIST, false) < 0;
      hist = slotOf(thread, m, HIST);
    }
    const share1h = thread >= 0 ? threadShare1h[thread] : 0;

    const action = budgets.actionFor(i);
    let by = action.by;
    if (action.blocked) {
      if (hist >= 0) advanceHistory(i, hist, histIsNew, -1);
      res.requests.blocked += req;
      if (rows) rows.model[i] = -1;
      countBaseline(res, f, i, rule, base, P + O);
      continue;
    }
    if (action.downgradeTo >= 0 && !plan.budgets[by].allowUpgrade && dearer(i, action.downgradeTo, m)) by = -1; // already cheaper: not a downgrade
    else if (action.downgradeTo >= 0) {
      target = action.downgradeTo;
      sub = false;
      strong = m;
      afterFailures = 1;
    }
    countBaseline(res, f, i, rule, base, P + O);
    if (Number.isNaN(rt.input[rateIx(f, i, target)])) {
      // the target has no price that day: the request stays as it was, and coverage says so
      res.requests.targetUnpriced += req;
      target = m;
      sub = false;
    }
    let cost: number;

    if (thread < 0) {
      res.requests.approximated += req;
      if (target === m) {
        observed(i, a);
        cost = base;
      } else {
        priceBucket(i, target, a);
        cost = a.usd + failureCost(i, target, strong, afterFailures, -1, 0);
      }
    } else {
      res.requests.replayed += req;
      if (Number.isNaN(threadBase[thread])) threadBase[thread] = P;
      const lastPrompt = threadLastPrompt[thread];
      threadLastPrompt[thread] = P;
      if (f.observedBreak[i] === 2) threadOffset[thread] = 0; // the agent reset its own context: compaction restarts
      if (sub) {
        // the step runs in a subagent with its own small context; the main loop skips it
        const fresh = threadInSub[thread] === 0;
        const rho = sc.tokenizerRatio[target];
        // what the step adds is the prompt's growth: a cold start or prefix break re-writes old context
        const last = lastPrompt;
        const grown = Number.isNaN(last) ? f.input[i] + f.write5m[i] + f.write1h[i] : Math.min(f.input[i] + f.write5m[i] + f.write1h[i], Math.max(0, P - last));
        threadSubTokens[thread] = (fresh ? 0 : threadSubTokens[thread]) + rho * grown;
        // a subagent never holds more than the main loop it stands in for (a long run of steps would
        // otherwise grow past any context window)
        threadSubTokens[thread] = Math.min(threadSubTokens[thread], Math.max(0, rho * P - sc.subagentContextTokens));
        const prompt = sc.subagentContextTokens + threadSubTokens[thread];
        const slot = slotOf(thread, target, SUB);
        const warm = Math.min(slots.warm(slot, t), fresh ? sc.subagentContextTokens : Infinity);
        priceCached(i, target, prompt, sc.outputRatio[target] * O, rho * f.input[i], 0, warm, share1h);
        slots.touch(slot, t, a.r, a.c5, a.c1h);
        advanceHistory(i, hist, histIsNew, -1);
        cost = a.usd + failureCost(i, target, strong, afterFailures, thread, share1h);
        threadInSub[thread] = 1;
      } else {
        threadInSub[thread] = 0;
        let offset = threadOffset[thread];
        if (P - offset < threadBase[thread]) offset = threadOffset[thread] = 0;
        let compactUsd = 0;
        if (P - offset > plan.compactAboveTokens && threadBase[thread] + sc.summaryTokens < P - offset) {
          // compaction: one summarizing request over the context (read if warm, else input) plus the
          // summary; this turn then writes base + summary
          const context = (target === m ? 1 : sc.tokenizerRatio[target]) * (P - offset);
          const r = Math.min(slots.warm(slotOf(thread, target, MAIN, false), t), context);
          compactUsd = price(i, target, context - r, r, 0, 0, sc.summaryTokens);
          res.compactions += 1;
          res.compactionUsd += compactUsd;
          offset = threadOffset[thread] = P - (threadBase[thread] + sc.summaryTokens);
        }
        const slot = slotOf(thread, target, MAIN);
        const mirrors = advanceHistory(i, hist, histIsNew, slot) && offset === 0;
        if (!mirrors) slots.diverge(slot);
        if (target === m && mirrors) {
          // as observed; a stable prefix turns a share of an observed break into reads
          observed(i, a);
          const read = a.r;
          if (plan.stablePrefix && f.observedBreak[i] === 1 && sc.recover > 0) recoverBreak(f, i, sc.recover, a, res);
          slots.touch(slot, t, read, a.c5, a.c1h);
          cost = a.usd;
        } else {
          const same = target === m;
          const rho = same ? 1 : sc.tokenizerRatio[target];
          const recovered = plan.stablePrefix && f.observedBreak[i] === 1 ? sc.recover * f.rewrittenTokens[i] : 0;
          priceCached(i, target, rho * (P - offset), (same ? 1 : sc.outputRatio[target]) * O, rho * f.input[i], rho * R,
            compactUsd > 0 ? 0 : mirrors ? rho * (R + recovered) : divergedRead(i, slot, rho, recovered, same), share1h);
          slots.touch(slot, t, a.r, a.c5, a.c1h);
          cost = a.usd + compactUsd + (same ? 0 : failureCost(i, target, strong, afterFailures, thread, share1h));
        }
      }
    }

    budgets.charge(i, cost, by);
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
  res.budgetEvents = budgets.events();
  if (rows) res.rows = rows;
  return res;

  /**
   * Whether `to` is dearer than `from` for row i: a higher input or output list rate on the row's day
   * and price list. An unpriced target is not dearer here (it is kept out further on).
   */
  function dearer(i: number, to: number, from: number): boolean {
    const a = rateIx(f, i, to);
    const b = rateIx(f, i, from);
    return rt.input[a] > rt.input[b] || rt.output[a] > rt.output[b];
  }

  /**
   * History's slot `hist` advances past row i, which the replay ran in slot `replayed` (-1: in no
   * main context); returns whether `replayed` still mirrors history's slot.
   */
  function advanceHistory(i: number, hist: number, histIsNew: boolean, replayed: number): boolean {
    const mirrors = slots.follow(hist, histIsNew, replayed);
    observed(i, scratch);
    slots.touch(hist, f.tS[i], scratch.r, scratch.c5, scratch.c1h);
    return mirrors;
  }

  /**
   * What a slot that no longer mirrors history can read: its warm prefix, up to where an observed
   * prefix break or context reset cut the prompt (a break's recovered share aside); on the model
   * history used, never more than history read there.
   */
  function divergedRead(i: number, slot: number, rho: number, recovered: number, same: boolean): number {
    const warm = slots.warm(slot, f.tS[i]);
    const cut = rho * (f.cacheRead[i] + recovered);
    return f.observedBreak[i] !== 0 || same ? Math.min(warm, cut) : warm;
  }
}

/** The history side of one evaluated row: baseline totals by rule, task type and model. */
function countBaseline(res: ReplayResult, f: ReplayFrame, i: number, rule: number, base: number, tokens: number): void {
  const m = f.modelIx[i];
  const req = f.requests[i];
  res.baselineUsd += base;
  res.billedUsd += Number.isNaN(f.costUsd[i]) ? base : f.costUsd[i];
  res.byRule.requests[rule] += req;
  res.byRule.baselineUsd[rule] += base;
  res.byTaskType.baselineUsd[f.taskTypeIx[i]] += base;
  res.byModelBefore.requests[m] += req;
  res.byModelBefore.tokens[m] += tokens;
  res.byModelBefore.costUsd[m] += base;
}
