import type { PriceBook } from '../pricing/install.js';
import { TIER_TARGETS, tierShares, type ClassUsage } from '../replay/tier-targets.js';
import { MODEL_TIERS } from '../replay/price-tiers.js';
import type { WhatIfReport } from '../replay/whatif.js';
import type { TierDistribution } from './model.js';

type Row = Record<string, unknown>;

const TARGETS = { tier12_min_request_share: TIER_TARGETS.tier12MinRequestShare, tier3_max_request_share: TIER_TARGETS.tier3MaxRequestShare };

/**
 * The tier panel's data. With routing policies, from the report's what-if: the history once (every
 * policy replays the same history, so the first one's "before" is it), then each policy's replay.
 * Without, the history alone from spend_by_model's rows (requests and list cost per model), each
 * model tiered by its dearest output list rate in the price book, by the replay's thresholds.
 * Labels are unique, since a chart draws one bar per label and two policies may share a name.
 * Null when there are no calls to show.
 */
export function tierDistributionData(w: WhatIfReport | undefined, history?: { byModel: Row[]; dearestOutput: ReadonlyMap<string, number> }): TierDistribution | null {
  if (w?.policies.length) {
    if (w.history.requests === 0) return null;
    const seen = new Map<string, number>();
    const unique = (name: string) => {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      return n === 1 ? name : `${name} (${n})`;
    };
    return {
      targets: TARGETS,
      scenarios: [
        { label: unique('now (history)'), kind: 'history', ...w.policies[0].tier_shares.before },
        ...w.policies.map((p) => ({ label: unique(p.name), kind: 'policy' as const, ...p.tier_shares.after })),
      ],
    };
  }
  if (!history) return null;
  const now = tierShares(historyClasses(history.byModel, history.dearestOutput));
  return now.requests + now.untiered_requests > 0 ? { targets: TARGETS, scenarios: [{ label: 'now (history)', kind: 'history', ...now }] } : null;
}

/** Calls and list spend per price class, from spend_by_model rows; unpriced rows have no class. */
function historyClasses(rows: Row[], dearestOutput: ReadonlyMap<string, number>): ClassUsage[] {
  const classOf = modelClass(dearestOutput);
  const out = new Map<string, ClassUsage>();
  const add = (tier: string, requests: number, cost: number) => {
    const c = out.get(tier) ?? out.set(tier, { tier, requests: 0, cost_usd: 0 }).get(tier)!;
    c.requests += requests;
    c.cost_usd += cost;
  };
  for (const r of rows) {
    const requests = Number(r.requests ?? 0);
    const unpriced = Number(r.unpriced_records ?? 0) > 0 && r.list_cost_usd == null;
    add(unpriced || r.model == null ? 'unpriced' : classOf(String(r.model)), requests, Number(r.list_cost_usd ?? 0));
  }
  return [...out.values()];
}

/** Each model's dearest output list rate among a book's rows (no output rate, e.g. an embedding model, counts as 0). */
export function dearestOutputRates(book: PriceBook): Map<string, number> {
  const dearest = new Map<string, number>();
  for (const { row } of book.rows) dearest.set(row.model, Math.max(dearest.get(row.model) ?? 0, row.output_usd_per_mtok ?? 0));
  return dearest;
}

/** A model's price class (price-tiers.ts MODEL_TIERS) by its dearest output list rate: the cheapest class without one, as the replay has it. */
function modelClass(dearestOutput: ReadonlyMap<string, number>): (model: string) => string {
  return (model) => {
    const out = dearestOutput.get(model);
    return out == null ? 'unpriced' : MODEL_TIERS.find((t) => out >= t.minOutputUsdPerMtok)!.tier;
  };
}
