import { homeRateIx, type ReplayFrame } from './frame.js';
import type { ReplayResult } from './result.js';
import type { PolicyOutcome, Usage } from './whatif.js';

/**
 * Price classes for whatif's before/after distribution: a model's class is set by its own output
 * list rate. tier-targets.ts numbers these classes as routing tiers 1–3.
 */

/** Model tiers by output list price ($/MTok), for the before/after distribution. */
export const MODEL_TIERS = [
  { tier: 'frontier', minOutputUsdPerMtok: 20 },
  { tier: 'mid', minOutputUsdPerMtok: 6 },
  { tier: 'small', minOutputUsdPerMtok: 0 },
];

/** A model's tier by its own list price (its home provider's output rate), whoever served it. */
function tierOf(frame: ReplayFrame, model: number): string {
  const r = frame.rates;
  let out = NaN;
  for (let d = 0; d < r.days; d++) {
    const v = r.output[homeRateIx(r, model, d)];
    if (!Number.isNaN(v) && !(v <= out)) out = v;
  }
  if (Number.isNaN(out)) return 'unpriced';
  return MODEL_TIERS.find((t) => out >= t.minOutputUsdPerMtok)!.tier;
}

/** Calls, tokens and spend per price class, before and after the policy; empty classes left out. */
export function tierDistribution(frame: ReplayFrame, r: ReplayResult): PolicyOutcome['tiers'] {
  const tiers = new Map<string, { before: Usage; after: Usage }>();
  for (const t of [...MODEL_TIERS.map((x) => x.tier), 'unpriced']) tiers.set(t, { before: { requests: 0, tokens: 0, cost_usd: 0 }, after: { requests: 0, tokens: 0, cost_usd: 0 } });
  frame.models.forEach((_, k) => {
    const t = tiers.get(tierOf(frame, k))!;
    for (const [side, src] of [['before', r.byModelBefore], ['after', r.byModelAfter]] as const) {
      t[side].requests += src.requests[k];
      t[side].tokens += src.tokens[k];
      t[side].cost_usd += src.costUsd[k];
    }
  });
  return [...tiers].map(([tier, v]) => ({ tier, ...v })).filter((x) => x.before.requests > 0 || x.after.requests > 0);
}
