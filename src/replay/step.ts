import { priceAttempt, recoverBreak } from './attempt.js';
import type { ReplayFrame } from './frame.js';
import type { ReplayPlan } from './plan.js';
import { COMPACTION_USD, COMPACTIONS, HIST, MAIN, RECOVERED, ReplayPass, SUB, T_BASE, T_IN_SUB, T_LAST_PROMPT, T_OFFSET, T_SHARE_1H, T_STRIDE, T_SUB_TOKENS } from './pass.js';

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
  if (thread < 0) return;
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
export function step(p: ReplayPass, f: ReplayFrame, plan: ReplayPlan, i: number, m: number, thread: number, rule: number, target: number, sub: boolean, strong: number, afterFailures: number, req: number): void {
  const sc = p.sc;
  const slots = p.slots;
  const a = p.a;
  const th = p.th;
  const at = thread * T_STRIDE;
  const t = f.tS[i];
  const P = f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i];
  const O = f.output[i];
  const R = f.cacheRead[i];
  // each lane's cost: the attempt's price (p.usd), plus what is shared (compaction), plus failures (p.fail)
  let shared = 0;
  let fails = false;

  if (thread < 0) {
    if (target === m) {
      p.observed(i, a);
      p.uniform();
    } else {
      p.priceBucket(i, target);
      p.failureCost(i, target, strong, afterFailures, -1, 0);
      fails = true;
    }
  } else {
    if (Number.isNaN(th[at + T_BASE])) th[at + T_BASE] = P;
    const lastPrompt = th[at + T_LAST_PROMPT];
    th[at + T_LAST_PROMPT] = P;
    if (f.observedBreak[i] === 2) th[at + T_OFFSET] = 0; // the agent reset its own context: compaction restarts
    if (sub) {
      subagentStep(p, f, i, thread, target, strong, afterFailures, P, lastPrompt);
      fails = true;
      th[at + T_IN_SUB] = 1;
    } else {
      th[at + T_IN_SUB] = 0;
      let offset = th[at + T_OFFSET];
      if (P - offset < th[at + T_BASE]) offset = th[at + T_OFFSET] = 0;
      let compactUsd = 0;
      if (P - offset > plan.compactAboveTokens && th[at + T_BASE] + sc.summaryTokens < P - offset) {
        // compaction: one summarizing request over the context (read if warm, else input) plus the
        // summary; this turn then writes base + summary
        const context = (target === m ? 1 : sc.tokenizerRatio[target]) * (P - offset);
        const r = Math.min(slots.warm(p.slotOf(thread, target, MAIN, false), t), context);
        compactUsd = priceAttempt(f, i, target, context - r, r, 0, 0, sc.summaryTokens);
        p.tally[COMPACTIONS] += 1;
        p.tally[COMPACTION_USD] += compactUsd;
        offset = th[at + T_OFFSET] = P - (th[at + T_BASE] + sc.summaryTokens);
      }
      const slot = p.slotOf(thread, target, MAIN, true);
      const mirrors = p.advanceHistory(p.hist, p.histIsNew, slot) && offset === 0;
      if (!mirrors) slots.diverge(slot);
      if (target === m && mirrors) {
        // as observed; a stable prefix turns a share of an observed break into reads
        p.observed(i, a);
        const read = a.r;
        if (plan.stablePrefix && f.observedBreak[i] === 1 && sc.recover > 0) p.tally[RECOVERED] += recoverBreak(f, i, sc.recover, a);
        slots.touch(slot, t, read, a.c5, a.c1h);
        p.uniform();
      } else {
        const same = target === m;
        const rho = same ? 1 : sc.tokenizerRatio[target];
        const recovered = plan.stablePrefix && f.observedBreak[i] === 1 ? sc.recover * f.rewrittenTokens[i] : 0;
        p.priceCached(i, target, rho * (P - offset), O, rho * f.input[i], rho * R,
          compactUsd > 0 ? 0 : mirrors ? rho * (R + recovered) : p.divergedRead(i, slot, rho, recovered, same), p.share1h);
        slots.touch(slot, t, a.r, a.c5, a.c1h);
        shared = compactUsd;
        if (!same) p.failureCost(i, target, strong, afterFailures, thread, p.share1h);
        fails = !same;
      }
    }
  }
  const cost = p.cost;
  for (let l = 0; l < p.lanes; l++) cost[l] = p.usd[l] + shared + (fails ? p.fail[l] : 0);
  p.sums.count(f, i, rule, target, req, a.u + a.r + a.w5 + a.w1h, p.o, cost);
}

/** Row i of a thread routed to a subagent on `target` (its own small context; the main loop skips it). */
function subagentStep(p: ReplayPass, f: ReplayFrame, i: number, thread: number, target: number, strong: number, afterFailures: number, P: number, lastPrompt: number): void {
  const sc = p.sc;
  const slots = p.slots;
  const a = p.a;
  const th = p.th;
  const at = thread * T_STRIDE;
  const t = f.tS[i];
  const O = f.output[i];
  // the step runs in a subagent with its own small context; the main loop skips it
  const fresh = th[at + T_IN_SUB] === 0;
  const rho = sc.tokenizerRatio[target];
  // what the step adds is the prompt's growth: a cold start or prefix break re-writes old context
  const last = lastPrompt;
  const grown = Number.isNaN(last) ? f.input[i] + f.write5m[i] + f.write1h[i] : Math.min(f.input[i] + f.write5m[i] + f.write1h[i], Math.max(0, P - last));
  th[at + T_SUB_TOKENS] = (fresh ? 0 : th[at + T_SUB_TOKENS]) + rho * grown;
  // a subagent never holds more than the main loop it stands in for (a long run of steps would
  // otherwise grow past any context window)
  th[at + T_SUB_TOKENS] = Math.min(th[at + T_SUB_TOKENS], Math.max(0, rho * P - sc.subagentContextTokens));
  const prompt = sc.subagentContextTokens + th[at + T_SUB_TOKENS];
  const slot = p.slotOf(thread, target, SUB, true);
  const warm = Math.min(slots.warm(slot, t), fresh ? sc.subagentContextTokens : Infinity);
  p.priceCached(i, target, prompt, O, rho * f.input[i], 0, warm, p.share1h);
  slots.touch(slot, t, a.r, a.c5, a.c1h);
  p.advanceHistory(p.hist, p.histIsNew, -1);
  p.failureCost(i, target, strong, afterFailures, thread, p.share1h);
}
