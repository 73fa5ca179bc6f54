import { MAIN, type ReplayPass } from './pass.js';
import { R_EXPLICIT } from './rates.js';
import { MAX_ATTEMPTS } from './result.js';
import type { LaneSums } from './lanes.js';

/**
 * Row i served on `model` with the prompt in p.a, priced in p.price (pass.ts priceCached, priceBucket):
 * each lane `from` … `to` − 1's output (row i's, times its output ratio on another model), price,
 * expected failure cost (`fails`: the row was routed), cost (plus `shared`), counted in its sums. One
 * loop over the lanes; each sum still takes its values in the row order and lane by lane, as ever.
 * Functions of the pass rather than methods only to keep pass.ts short; they are as monomorphic.
 */
export function laneCosts(p: ReplayPass, i: number, rule: number, model: number, strong: number, n: number, thread: number, shared: number, fails: boolean, from: number, to: number): void {
  const f = p.f;
  const a = p.a;
  const prompt = a.u + a.r + a.w5 + a.w1h;
  const strongListed = fails && failurePrices(p, i, model, strong, thread, prompt);
  const k = p.lanes;
  const cell = model * p.nTypes + f.taskTypeIx[i];
  // per (model, task type, attempts) sums, so failure-rate sweeps need no second replay
  const g = (cell * MAX_ATTEMPTS + Math.min(n, MAX_ATTEMPTS) - 1) * k;
  const most = p.mostAttempts;
  const power = p.powers.power;
  const retries = p.powers.retries;
  const ratio = model === f.modelIx[i] ? -1 : model * k; // -1: on row i's own model, no output ratio
  const strongRatio = strong === f.modelIx[i] ? -1 : strong * k;
  const O = f.output[i];
  const sums = p.sums;
  const req = f.requests[i];
  const r = rule * k;
  const t = f.taskTypeIx[i] * k;
  const s = f.sessionIx[i] * k;
  const m = model * k;
  for (let l = from; l < to; l++) {
    const o = (ratio < 0 ? 1 : p.outputRatio[ratio + l]) * O;
    const usd = p.price.usd(o);
    p.o[l] = o;
    p.usd[l] = usd;
    let fail = 0;
    if (fails) {
      const fr = p.failRate[cell * k + l];
      const retryUsd = p.retry.usd(o);
      const strongUsd = strongListed ? f.listCostUsd[i] : p.strong.usd((strongRatio < 0 ? 1 : p.outputRatio[strongRatio + l]) * O);
      const x = (cell * k + l) * most + n - 1;
      const slope = retryUsd * retries[x] + power[x] * strongUsd;
      sums.failSlope[l] += slope;
      sums.failTerm[l] += fr * slope;
      sums.retry[g + l] += retryUsd;
      sums.strong[g + l] += strongUsd;
      fail = fr * slope;
      p.fail[l] = fail;
    }
    const c = usd + shared + fail;
    p.cost[l] = c;
    countLane(sums, l, c, r, t, s, m, req, prompt + o);
  }
  a.o = p.o[from];
  a.usd = p.usd[from];
}

/**
 * A failed attempt's retries on the warm prefix of `prompt` on `model` (into p.retry) and its
 * escalation to `strong` (into p.strong, with the thread's warm main context, or re-priced as a
 * bucket). True when the escalation is the bucket as observed (its list cost).
 */
function failurePrices(p: ReplayPass, i: number, model: number, strong: number, thread: number, prompt: number): boolean {
  const f = p.f;
  const a = p.a;
  const at = p.rateAt(i, model);
  const retryRead = p.rate[at + R_EXPLICIT] === 1 ? a.r + a.w5 + a.w1h : p.cacheable(model, prompt) ? prompt : 0;
  p.retry.set(p.rate, f, i, model, at, prompt - retryRead, retryRead, 0, 0);
  const same = strong === f.modelIx[i];
  if (thread < 0) {
    if (same) return true;
    const b = p.scratch;
    p.bucketOn(i, strong, b);
    p.strong.set(p.rate, f, i, strong, p.rateAt(i, strong), b.u, b.r, b.w5, b.w1h);
    return false;
  }
  const share1h = p.share1h;
  const rho = same ? 1 : p.sc.tokenizerRatio[strong];
  const sP = rho * (f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i]);
  const sAt = p.rateAt(i, strong);
  const explicit = p.rate[sAt + R_EXPLICIT] === 1;
  const ok = p.cacheable(strong, sP);
  const u0 = !ok ? sP : explicit ? Math.min(rho * f.input[i], sP) : 0;
  const r = ok ? Math.min(p.slots.warm(p.slotOf(thread, strong, MAIN, false), f.tS[i]), sP - u0) : 0;
  const w = explicit && ok ? sP - u0 - r : 0;
  p.strong.set(p.rate, f, i, strong, sAt, sP - r - w, r, w * (1 - share1h), w * share1h);
  return false;
}

/**
 * Lane l's cost `c` of a row into its sums: the lane's total, and by rule, task type, session and
 * model (r, t, s, m: each id × lanes), with the row's requests and tokens.
 */
export function countLane(sums: LaneSums, l: number, c: number, r: number, t: number, s: number, m: number, req: number, tokens: number): void {
  sums.cost[l] += c;
  sums.rule[r + l] += c;
  sums.type[t + l] += c;
  sums.session[s + l] += c;
  sums.modelRequests[m + l] += req;
  sums.modelTokens[m + l] += tokens;
  sums.modelCost[m + l] += c;
}
