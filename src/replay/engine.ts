import { priceAttempt, recoverBreak } from './attempt.js';
import { rateIx, type ReplayFrame } from './frame.js';
import type { ReplayPlan, Scenario } from './plan.js';
import { BudgetLedger } from './budgets.js';
import { HIST, MAIN, ReplayPass, SUB } from './pass.js';
import { emptyResult, emptyRows, type ReplayResult } from './result.js';

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
 * Pure: no I/O, deterministic, no per-row objects. The pricing steps are ReplayPass's (pass.ts).
 */
export function replay(frame: ReplayFrame, plan: ReplayPlan, ruleIx: Int16Array, sc: Scenario, opts: { perRow?: boolean } = {}): ReplayResult {
  const f = frame;
  const rt = f.rates;
  const res = emptyResult(f, plan.ruleTarget.length);
  const rows = opts.perRow ? emptyRows(f.rows) : undefined;
  const p = new ReplayPass(f, plan, sc, res);
  const slots = p.slots;
  const a = p.a;

  // per thread: the compaction offset, the base prompt (its first), the running subagent's
  // accumulated context, and the share of its cache writes made with a 1 h TTL (its latest writes)
  const threadOffset = new Float64Array(f.threads);
  const threadBase = new Float64Array(f.threads).fill(NaN);
  const threadInSub = new Uint8Array(f.threads);
  const threadSubTokens = new Float64Array(f.threads);
  const threadLastPrompt = new Float64Array(f.threads).fill(NaN);
  const threadShare1h = new Float64Array(f.threads);
  const budgets = new BudgetLedger(f, plan);

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
    if (target !== m && plan.ruleAllowUpgrade[rule] === 0 && p.dearer(i, target, m)) target = m; // routing goes down only
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
      hist = p.slotOf(thread, m, HIST, false);
      histIsNew = hist < 0;
      if (histIsNew) hist = p.slotOf(thread, m, HIST, true);
    }
    const share1h = thread >= 0 ? threadShare1h[thread] : 0;

    const action = budgets.actionFor(i);
    let by = action.by;
    if (action.blocked) {
      if (hist >= 0) p.advanceHistory(i, hist, histIsNew, -1);
      res.requests.blocked += req;
      if (rows) rows.model[i] = -1;
      countBaseline(res, f, i, rule, base, P + O);
      continue;
    }
    if (action.downgradeTo >= 0 && !plan.budgets[by].allowUpgrade && p.dearer(i, action.downgradeTo, m)) by = -1; // already cheaper: not a downgrade
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
        p.observed(i, a);
        cost = base;
      } else {
        p.priceBucket(i, target, a);
        cost = a.usd + p.failureCost(i, target, strong, afterFailures, -1, 0);
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
        const slot = p.slotOf(thread, target, SUB, true);
        const warm = Math.min(slots.warm(slot, t), fresh ? sc.subagentContextTokens : Infinity);
        p.priceCached(i, target, prompt, sc.outputRatio[target] * O, rho * f.input[i], 0, warm, share1h);
        slots.touch(slot, t, a.r, a.c5, a.c1h);
        p.advanceHistory(i, hist, histIsNew, -1);
        cost = a.usd + p.failureCost(i, target, strong, afterFailures, thread, share1h);
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
          const r = Math.min(slots.warm(p.slotOf(thread, target, MAIN, false), t), context);
          compactUsd = priceAttempt(f, i, target, context - r, r, 0, 0, sc.summaryTokens);
          res.compactions += 1;
          res.compactionUsd += compactUsd;
          offset = threadOffset[thread] = P - (threadBase[thread] + sc.summaryTokens);
        }
        const slot = p.slotOf(thread, target, MAIN, true);
        const mirrors = p.advanceHistory(i, hist, histIsNew, slot) && offset === 0;
        if (!mirrors) slots.diverge(slot);
        if (target === m && mirrors) {
          // as observed; a stable prefix turns a share of an observed break into reads
          p.observed(i, a);
          const read = a.r;
          if (plan.stablePrefix && f.observedBreak[i] === 1 && sc.recover > 0) recoverBreak(f, i, sc.recover, a, res);
          slots.touch(slot, t, read, a.c5, a.c1h);
          cost = a.usd;
        } else {
          const same = target === m;
          const rho = same ? 1 : sc.tokenizerRatio[target];
          const recovered = plan.stablePrefix && f.observedBreak[i] === 1 ? sc.recover * f.rewrittenTokens[i] : 0;
          p.priceCached(i, target, rho * (P - offset), (same ? 1 : sc.outputRatio[target]) * O, rho * f.input[i], rho * R,
            compactUsd > 0 ? 0 : mirrors ? rho * (R + recovered) : p.divergedRead(i, slot, rho, recovered, same), share1h);
          slots.touch(slot, t, a.r, a.c5, a.c1h);
          cost = a.usd + compactUsd + (same ? 0 : p.failureCost(i, target, strong, afterFailures, thread, share1h));
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
