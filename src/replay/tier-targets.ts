/**
 * The tier distribution the routing guides tell teams to watch: the share of calls (and of spend) on
 * each routing tier, against their targets of about 80% of calls on tiers 1–2 and at most 15% on
 * tier 3. A call's tier is the tier of the model that serves it: in the history the model it ran on,
 * after a policy the model the replay routes it to. Models are tiered by list price (MODEL_TIERS in
 * price-tiers.ts) and numbered as the classifier numbers tiers (usage.tier: 1 cheap, 2 mid-size,
 * 3 frontier), so a policy routing `tier: 1` work to a small model moves those calls to tier 1.
 * Pure: the counts come from the replay's existing per-model sums (no second pass).
 */

/** The guides' monitoring targets, on shares of calls. */
export const TIER_TARGETS = {
  /** tiers 1–2 should carry about this share of calls; below it is flagged */
  tier12MinRequestShare: 0.8,
  /** tier 3 should carry at most this share of calls; above it is flagged */
  tier3MaxRequestShare: 0.15,
} as const;

/** price-tiers.ts's price classes as the classifier's tier numbers. */
const TIER_OF_CLASS: Record<string, 1 | 2 | 3> = { small: 1, mid: 2, frontier: 3 };

export interface TierShare {
  tier: 1 | 2 | 3;
  requests: number;
  cost_usd: number;
  request_share: number; // of the tiered calls
  cost_share: number; // of the tiered spend (list prices)
}

export interface TierShares {
  requests: number; // calls on a priced model (the ones with a tier)
  cost_usd: number;
  untiered_requests: number; // calls of a model with no list price: no tier, left out of the shares
  tiers: TierShare[]; // tiers 1, 2, 3, always all three
  tier12_request_share: number | null; // null: no tiered calls
  tier3_request_share: number | null;
  /** what is outside the targets, in words; empty when within them (or with no calls) */
  outside_targets: string[];
}

/** Per price class (whatif's `tiers`, one side): calls and spend. */
export interface ClassUsage {
  tier: string; // 'small' | 'mid' | 'frontier' | 'unpriced'
  requests: number;
  cost_usd: number;
}

/** Shares of calls and spend per tier from one side of whatif's per-class sums, with the targets checked. */
export function tierShares(classes: readonly ClassUsage[]): TierShares {
  const tiers: TierShare[] = ([1, 2, 3] as const).map((tier) => ({ tier, requests: 0, cost_usd: 0, request_share: 0, cost_share: 0 }));
  let untiered = 0;
  for (const c of classes) {
    const n = TIER_OF_CLASS[c.tier];
    if (!n) {
      untiered += c.requests;
      continue;
    }
    tiers[n - 1].requests += c.requests;
    tiers[n - 1].cost_usd += c.cost_usd;
  }
  const requests = tiers.reduce((a, t) => a + t.requests, 0);
  const cost = tiers.reduce((a, t) => a + t.cost_usd, 0);
  for (const t of tiers) {
    t.request_share = requests > 0 ? t.requests / requests : 0;
    t.cost_share = cost > 0 ? t.cost_usd / cost : 0;
  }
  const low = requests > 0 ? (tiers[0].requests + tiers[1].requests) / requests : null;
  const high = requests > 0 ? tiers[2].requests / requests : null;
  return { requests, cost_usd: cost, untiered_requests: untiered, tiers, tier12_request_share: low, tier3_request_share: high, outside_targets: outsideTargets(low, high) };
}

// a share just past a target is rounded away from it, so the words never read "80% (target 80%)"
const percent = (x: number, round: (x: number) => number = Math.round) => `${String(round(x * 1000) / 10)}%`;

/** The targets a distribution misses, in words (exactly at a target is within it). */
export function outsideTargets(tier12: number | null, tier3: number | null): string[] {
  const out: string[] = [];
  const t = TIER_TARGETS;
  if (tier12 != null && tier12 < t.tier12MinRequestShare) out.push(`tiers 1–2 carry ${percent(tier12, (v) => Math.floor(v + 1e-9))} of calls (target about ${percent(t.tier12MinRequestShare)})`);
  if (tier3 != null && tier3 > t.tier3MaxRequestShare) out.push(`tier 3 carries ${percent(tier3, (v) => Math.ceil(v - 1e-9))} of calls (target at most ${percent(t.tier3MaxRequestShare)})`);
  return out;
}
