import { rateIx, type ReplayFrame } from './frame.js';

/**
 * Buckets of one priced attempt: U′ R′ W5′ W1h′ O′ and its list price, plus what the provider's cache
 * holds after it beyond the read (`c5`, `c1h`: the billed writes on explicit-cache models, the prompt
 * cached implicitly on the others).
 */
export interface Attempt {
  u: number;
  r: number;
  w5: number;
  w1h: number;
  o: number;
  usd: number;
  c5: number;
  c1h: number;
}

/**
 * An attempt not yet priced. Its fields start as NaN, not 0: V8 then keeps them as doubles from the
 * start, where a 0 (a small integer) would change their representation at the first fraction and
 * throw away the optimized replay loop once more in the first policy's run.
 */
export function newAttempt(): Attempt {
  return { u: NaN, r: NaN, w5: NaN, w1h: NaN, o: NaN, usd: NaN, c5: NaN, c1h: NaN };
}

export function setAttempt(a: Attempt, u: number, r: number, w5: number, w1h: number, o: number, usd: number): void {
  a.u = u;
  a.r = r;
  a.w5 = w5;
  a.w1h = w1h;
  a.o = o;
  a.usd = usd;
  a.c5 = w5;
  a.c1h = w1h;
}

/** `from`'s fields into `into` (returned). */
export function copyAttempt(from: Attempt, into: Attempt): Attempt {
  into.u = from.u;
  into.r = from.r;
  into.w5 = from.w5;
  into.w1h = from.w1h;
  into.o = from.o;
  into.usd = from.usd;
  into.c5 = from.c5;
  into.c1h = from.c1h;
  return into;
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

/** stable_prefix on an observed break: `recover` of the rewritten tokens become reads, and of its cost is saved (returned). */
export function recoverBreak(f: ReplayFrame, i: number, recover: number, a: Attempt): number {
  const moved = recover * f.rewrittenTokens[i];
  const writes = a.w5 + a.w1h;
  if (writes > 0) {
    const take = Math.min(moved, writes);
    const keep = (writes - take) / writes; // scaled, not subtracted: a full recovery leaves 0, never -1e-12
    a.w5 *= keep;
    a.w1h *= keep;
    a.r += take;
  } else {
    const take = Math.min(moved, a.u);
    a.u -= take;
    a.r += take;
  }
  const saved = recover * f.breakCostUsd[i];
  a.usd -= saved;
  return saved;
}
