import { copyAttempt, priceAttempt, recoverBreak, type Attempt } from './attempt.js';
import type { ReplayFrame } from './frame.js';
import type { ReplayPlan } from './plan.js';
import { countLane, laneCosts } from './lane-costs.js';
import { COMPACTION_USD, COMPACTIONS, HIST, MAIN, ReplayPass, T_BASE, T_IN_SUB, T_LAST_PROMPT, T_OFFSET, T_SHARE_1H, T_STRIDE } from './pass.js';

/**
 * One evaluated row in one pass (engine.ts walks the rows and decides, once for every pass, which
 * model serves the row): `enter` moves history's side of the pass past the row's start, `step` replays
 * it with the pass's own states and counts each lane's cost. The model is engine.ts's.
 */

/** Row i's thread takes its TTL mix, and the pass finds history's cache slot for it (p.hist). */
export function enter(p: ReplayPass, f: ReplayFrame, i: number, thread: number, m: number): void {
  p.hist = -1;
  p.histIsNew = false;
  p.share1h = 0;
  if (thread < 0 || p.observedOnly) return; // every request as observed: no cache state is read
  const at = thread * T_STRIDE;
  const writes = f.write5m[i] + f.write1h[i];
  if (writes > 0) p.th[at + T_SHARE_1H] = f.write1h[i] / writes;
  p.share1h = p.th[at + T_SHARE_1H];
  // history's cache slot for this request (advanced past it once the replay has run it)
  let hist = p.slotOf(thread, m, HIST, false);
  p.histIsNew = hist < 0;
  if (p.histIsNew) hist = p.slotOf(thread, m, HIST, true);
  p.hist = hist;
}

/** Row i replayed on `target` in pass p: every lane's cost (p.cost), and each lane's sums. */
export function step(p: ReplayPass, f: ReplayFrame, plan: ReplayPlan, i: number, m: number, thread: number, rule: number, target: number, sub: boolean, strong: number, afterFailures: number): void {
  const a = p.a;
  const th = p.th;
  const at = thread * T_STRIDE;
  const P = f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i];
  if (thread < 0) {
    const fails = target !== m;
    if (!fails) {
      p.observed(i, a);
      p.uniform();
    } else {
      p.priceBucket(i, target);
      laneCosts(p, i, rule, target, strong, afterFailures, -1, 0, true, 0, p.lanes);
      return;
    }
    settle(p, f, i, rule, target, a, 0, p.lanes);
    return;
  }
  if (Number.isNaN(th[at + T_BASE])) th[at + T_BASE] = P;
  const lastPrompt = th[at + T_LAST_PROMPT];
  th[at + T_LAST_PROMPT] = P;
  if (f.observedBreak[i] === 2) th[at + T_OFFSET] = 0; // the agent reset its own context: compaction restarts
  if (sub) {
    subagentSteps(p, f, i, thread, rule, target, strong, afterFailures, P, lastPrompt);
    th[at + T_IN_SUB] = 1;
  } else {
    th[at + T_IN_SUB] = 0;
    mainStep(p, f, plan, i, m, thread, rule, target, strong, afterFailures, P);
  }
}

/** Row i of a thread in its main loop, on `target` (the model stays, or the loop switches). */
function mainStep(p: ReplayPass, f: ReplayFrame, plan: ReplayPlan, i: number, m: number, thread: number, rule: number, target: number, strong: number, afterFailures: number, P: number): void {
  const sc = p.sc;
  const slots = p.slots;
  const a = p.a;
  const th = p.th;
  const at = thread * T_STRIDE;
  const t = f.tS[i];
  const R = f.cacheRead[i];
  if (p.observedOnly) {
    observedStep(p, f, plan, i, rule, target);
    return;
  }
  let offset = th[at + T_OFFSET];
  if (P - offset < th[at + T_BASE]) offset = th[at + T_OFFSET] = 0;
  let compactUsd = 0;
  if (P - offset > plan.compactAboveTokens) {
    compactUsd = compact(p, f, i, m, thread, target, P, offset);
    offset = th[at + T_OFFSET];
  }
  const slot = p.slotOf(thread, target, MAIN, true);
  const mirrors = p.advanceHistory(p.hist, p.histIsNew, slot) && offset === 0;
  if (!mirrors) slots.diverge(slot);
  if (target === m && mirrors) {
    p.observed(i, a);
    slots.touch(slot, t, a.r, a.c5, a.c1h);
    observedStep(p, f, plan, i, rule, target);
    return;
  }
  // lanes share one state only while every request runs as observed (lanes.ts)
  if (!p.sameRecover) throw new Error('step: lanes that recover different shares of breaks must run every request as observed');
  const same = target === m;
  const rho = same ? 1 : sc.tokenizerRatio[target];
  const recovered = plan.stablePrefix && f.observedBreak[i] === 1 ? sc.recover * f.rewrittenTokens[i] : 0;
  p.priceCached(i, target, rho * (P - offset), rho * f.input[i], rho * R,
    compactUsd > 0 ? 0 : mirrors ? rho * (R + recovered) : p.divergedRead(i, slot, rho, recovered, same));
  slots.touch(slot, t, a.r, a.c5, a.c1h);
  laneCosts(p, i, rule, target, strong, afterFailures, thread, compactUsd, !same, 0, p.lanes);
}

/**
 * Compaction before row i when its context (past `offset`) outgrew base + summary: one summarizing
 * request over the context (read if warm, else input) plus the summary; this turn then writes base +
 * summary (the thread's new offset). Returns its cost (0 when there was none). Out of mainStep: rare.
 */
function compact(p: ReplayPass, f: ReplayFrame, i: number, m: number, thread: number, target: number, P: number, offset: number): number {
  const sc = p.sc;
  const th = p.th;
  const at = thread * T_STRIDE;
  if (!(th[at + T_BASE] + sc.summaryTokens < P - offset)) return 0;
  const context = (target === m ? 1 : sc.tokenizerRatio[target]) * (P - offset);
  const r = Math.min(p.slots.warm(p.slotOf(thread, target, MAIN, false), f.tS[i]), context);
  const usd = priceAttempt(f, i, target, context - r, r, 0, 0, sc.summaryTokens);
  p.tally[COMPACTIONS] += 1;
  p.tally[COMPACTION_USD] += usd;
  th[at + T_OFFSET] = P - (th[at + T_BASE] + sc.summaryTokens);
  return usd;
}

/** Row i as observed (in `a`, filled here when the pass keeps no cache state); a stable prefix turns a share of an observed break into reads. */
function observedStep(p: ReplayPass, f: ReplayFrame, plan: ReplayPlan, i: number, rule: number, target: number): void {
  const a = p.a;
  if (p.observedOnly) p.observed(i, a);
  if (plan.stablePrefix && f.observedBreak[i] === 1) recoverLanes(p, f, i, rule, target);
  else {
    p.uniform();
    settle(p, f, i, rule, target, a, 0, p.lanes);
  }
}

/**
 * Row i as observed (in `a`) with an observed prefix break under a stable prefix: each lane turns its
 * recovered share into reads. Lanes that share it share the result; else lane 0's is done last, on
 * `a` itself, so `a` ends as lane 0's request.
 */
function recoverLanes(p: ReplayPass, f: ReplayFrame, i: number, rule: number, target: number): void {
  const a = p.a;
  if (p.sameRecover) {
    const saved = p.sc.recover > 0 ? recoverBreak(f, i, p.sc.recover, a) : 0;
    if (p.sc.recover > 0) for (let l = 0; l < p.lanes; l++) p.sums.recovered[l] += saved;
    p.uniform();
    settle(p, f, i, rule, target, a, 0, p.lanes);
    return;
  }
  for (let l = p.lanes - 1; l >= 0; l--) {
    const x = l === 0 ? a : copyAttempt(a, p.laneAttempt);
    const recover = p.scs[l].recover;
    if (recover > 0) p.sums.recovered[l] += recoverBreak(f, i, recover, x);
    p.o[l] = x.o;
    p.usd[l] = x.usd;
    settle(p, f, i, rule, target, x, l, l + 1);
  }
}

/**
 * Lanes `from` … `to` − 1 of row i, served with `x`'s prompt at each lane's price (p.o, p.usd; no
 * failures, nothing shared): each one's cost, counted (lane-costs.ts counts the rows that may fail).
 */
function settle(p: ReplayPass, f: ReplayFrame, i: number, rule: number, target: number, x: Attempt, from: number, to: number): void {
  const sums = p.sums;
  const k = p.lanes;
  const req = f.requests[i];
  const prompt = x.u + x.r + x.w5 + x.w1h;
  const r = rule * k;
  const t = f.taskTypeIx[i] * k;
  const s = f.sessionIx[i] * k;
  const m = target * k;
  for (let l = from; l < to; l++) {
    const c = p.usd[l] + 0; // as price + shared + failures were summed: a −0 price costs +0
    p.cost[l] = c;
    countLane(sums, l, c, r, t, s, m, req, prompt + p.o[l]);
  }
}

/**
 * Row i of a thread routed to a subagent on `target`, in each subagent group of the pass; the main
 * loop skips it. The first group last, so that `a` and lane 0 end as the first lane's.
 */
function subagentSteps(p: ReplayPass, f: ReplayFrame, i: number, thread: number, rule: number, target: number, strong: number, afterFailures: number, P: number, lastPrompt: number): void {
  const fresh = p.th[thread * T_STRIDE + T_IN_SUB] === 0;
  p.advanceHistory(p.hist, p.histIsNew, -1);
  for (let g = p.subFrom.length - 1; g >= 0; g--) {
    subagentStep(p, g, f, i, thread, target, P, lastPrompt, fresh);
    laneCosts(p, i, rule, target, strong, afterFailures, thread, 0, true, p.subFrom[g], p.subTo[g]);
  }
}

/** Row i in subagent group g: its own small context, grown by the steps it takes (`fresh`: the first of a run). */
function subagentStep(p: ReplayPass, g: number, f: ReplayFrame, i: number, thread: number, target: number, P: number, lastPrompt: number, fresh: boolean): void {
  const context = p.scs[p.subFrom[g]].subagentContextTokens;
  const slots = p.subSlots[g];
  const tokens = p.subTokens[g];
  const a = p.a;
  const t = f.tS[i];
  const rho = p.sc.tokenizerRatio[target];
  // what the step adds is the prompt's growth: a cold start or prefix break re-writes old context
  const last = lastPrompt;
  const grown = Number.isNaN(last) ? f.input[i] + f.write5m[i] + f.write1h[i] : Math.min(f.input[i] + f.write5m[i] + f.write1h[i], Math.max(0, P - last));
  tokens[thread] = (fresh ? 0 : tokens[thread]) + rho * grown;
  // a subagent never holds more than the main loop it stands in for (a long run of steps would
  // otherwise grow past any context window)
  tokens[thread] = Math.min(tokens[thread], Math.max(0, rho * P - context));
  const prompt = context + tokens[thread];
  const slot = slots.slot(thread * p.nModels + target, true);
  const warm = Math.min(slots.warm(slot, t), fresh ? context : Infinity);
  p.priceCached(i, target, prompt, rho * f.input[i], 0, warm);
  slots.touch(slot, t, a.r, a.c5, a.c1h);
}
