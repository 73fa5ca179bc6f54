import { usd } from '../format/table.js';
import { failTriple, MIN_OBSERVED_TURNS } from '../replay/observed.js';
import { MODEL_TIERS } from '../replay/price-tiers.js';
import type { Finding } from './findings.js';

/**
 * Routing findings from agent turns (issue 18; the guides: "If a cheap route causes frequent rework,
 * raise that task type to a stronger model. If a premium route rarely changes the answer, lower it."),
 * per task type, with models tiered by list price as the replay tiers them (MODEL_TIERS: small, mid,
 * frontier). Both sides need MIN_OBSERVED_TURNS turns with a known outcome.
 * - raise: the small models' failure rate is above the frontier models' beyond doubt: the low end of
 *   its 90% Wilson interval above the high end of theirs.
 * - lower: frontier turns succeed no more often than mid-tier turns (central rates): the premium buys
 *   nothing measurable there.
 * Counts and dollars only; nothing of a turn's text.
 */

type Row = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
const pct = (x: number) => `${Math.round(x * 100)}%`;

interface TierTurns {
  turns: number;
  known: number;
  failed: number;
  succeeded: number;
  costUsd: number;
  models: string[];
}

/** A model's price tier from its output list rate; null when it has no price. */
export function priceTier(outputUsdPerMtok: number | null | undefined): string | null {
  if (outputUsdPerMtok == null || !Number.isFinite(outputUsdPerMtok)) return null;
  return MODEL_TIERS.find((t) => outputUsdPerMtok >= t.minOutputUsdPerMtok)!.tier;
}

/** outcomes_by_model_and_task rows summed per task type and price tier (model_list_prices rows give the tier). */
export function turnsByTaskAndTier(outcomes: Row[], prices: Row[]): Map<string, Map<string, TierTurns>> {
  const tierOf = new Map(prices.map((p) => [String(p.model), priceTier(p.output_usd_per_mtok == null ? 0 : n(p.output_usd_per_mtok))]));
  const out = new Map<string, Map<string, TierTurns>>();
  for (const r of outcomes) {
    const tier = tierOf.get(String(r.model));
    if (!tier) continue; // unpriced: no tier
    const type = String(r.task_type ?? 'unclassified');
    const byTier = out.get(type) ?? out.set(type, new Map()).get(type)!;
    const t = byTier.get(tier) ?? byTier.set(tier, { turns: 0, known: 0, failed: 0, succeeded: 0, costUsd: 0, models: [] }).get(tier)!;
    t.turns += n(r.turns);
    t.failed += n(r.failed_turns);
    t.succeeded += n(r.succeeded_turns);
    t.known += n(r.failed_turns) + n(r.succeeded_turns);
    t.costUsd += n(r.cost_usd);
    t.models.push(String(r.model));
  }
  return out;
}

export function outcomeFindings(outcomes: Row[], prices: Row[], minTurns = MIN_OBSERVED_TURNS): Finding[] {
  const findings: Finding[] = [];
  for (const [type, tiers] of [...turnsByTaskAndTier(outcomes, prices)].sort((a, b) => a[0].localeCompare(b[0]))) {
    const enough = (t: TierTurns | undefined): t is TierTurns => t != null && t.known >= minTurns;
    const small = tiers.get('small');
    const mid = tiers.get('mid');
    const frontier = tiers.get('frontier');
    if (enough(small) && enough(frontier)) {
      const cheap = failTriple(small.failed, small.known);
      const premium = failTriple(frontier.failed, frontier.known);
      if (cheap.low > premium.high) findings.push(raiseFinding(type, small, frontier));
    }
    if (enough(mid) && enough(frontier) && frontier.succeeded / frontier.known <= mid.succeeded / mid.known) findings.push(lowerFinding(type, mid, frontier));
  }
  return findings;
}

const side = (t: TierTurns) => ({ models: t.models, turns: t.turns, known_turns: t.known, failed_turns: t.failed, succeeded_turns: t.succeeded, cost_usd: t.costUsd });

function raiseFinding(type: string, small: TierTurns, frontier: TierTurns): Finding {
  const cheap = failTriple(small.failed, small.known);
  const premium = failTriple(frontier.failed, frontier.known);
  // at stake: what the failed cheap turns cost (their share of the small tier's spend), redone or not
  const failedCost = small.turns > 0 ? (small.costUsd * small.failed) / small.turns : 0;
  return {
    kind: 'outcomes',
    title: `${type}: cheap-model turns fail ${pct(cheap.central)} (${small.failed} of ${small.known}; 90% ${pct(cheap.low)}–${pct(cheap.high)}) against ${pct(premium.central)} on frontier models (${frontier.failed} of ${frontier.known}): raise ${type} to a stronger model (failed cheap turns cost ${usd(failedCost)})`,
    impact_usd: failedCost,
    evidence: { task_type: type, action: 'raise', small: side(small), frontier: side(frontier) },
    query: 'recount query outcomes_by_model_and_task',
  };
}

function lowerFinding(type: string, mid: TierTurns, frontier: TierTurns): Finding {
  const premiumRate = frontier.succeeded / frontier.known;
  const midRate = mid.succeeded / mid.known;
  // at stake: the frontier turns at the mid tier's cost per turn
  const premium = Math.max(0, frontier.costUsd - (frontier.turns * mid.costUsd) / Math.max(mid.turns, 1));
  return {
    kind: 'outcomes',
    title: `${type}: frontier-model turns succeed ${pct(premiumRate)} (${frontier.succeeded} of ${frontier.known}), no more often than mid-tier turns (${pct(midRate)}, ${mid.succeeded} of ${mid.known}): lower ${type} to a mid-tier model (${usd(premium)} above mid-tier cost per turn)`,
    impact_usd: premium,
    evidence: { task_type: type, action: 'lower', mid: side(mid), frontier: side(frontier) },
    query: 'recount query outcomes_by_model_and_task',
  };
}
