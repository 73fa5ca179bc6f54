import {
  anomalyFindings,
  budgetFindings,
  cacheBreakFindings,
  concentrationFindings,
  rankFindings,
  reconciliationFindings,
  runawayFindings,
  unpricedFindings,
  type Finding,
} from './findings.js';
import { outcomeFindings } from './outcome-findings.js';

type Row = Record<string, unknown>;

/** Raise or lower a task type's routing by how its turns ended (outcome-findings.ts). */
async function turnFindings(q: QueryRunner): Promise<Finding[]> {
  const outcomes = await q('outcomes_by_model_and_task');
  return outcomes.length ? outcomeFindings(outcomes, await q('model_list_prices')) : [];
}

/** Runs a named query over the period in force (`given` fills its other parameters). */
export type QueryRunner = (name: string, given?: Record<string, string>) => Promise<Row[]>;

/** How many findings a lead reads: past ten, the list stops being read. */
export const MAX_FINDINGS = 10;

/**
 * Runs the forensic queries through `q` and returns the period's totals and the `limit` strongest
 * findings (unknown costs first, then by dollars at stake); `found` counts them before the cut.
 * `recount forensics` prints them; `recount report` lists them.
 */
export async function collectFindings(
  q: QueryRunner,
  opts: { capUsd?: number; limit?: number } = {},
): Promise<{ summary: Row; findings: Finding[]; found: number }> {
  const [summary] = await q('summary');
  const findings: Finding[] = [
    ...unpricedFindings(summary),
    ...concentrationFindings(await q('model_tier_mix')),
    ...cacheBreakFindings(await q('cache_breaks_by_session')),
    ...runawayFindings(await q('runaway_sessions')),
    ...anomalyFindings(await q('anomalous_days')),
    ...reconciliationFindings(await q('reconciliation')),
    // agent turns (issue 18): none on a ledger without transcripts' signals, and no prices query then
    ...await turnFindings(q),
    ...(opts.capUsd ? budgetFindings(await q('budget_audit', { cap_usd: String(opts.capUsd) }), opts.capUsd) : []),
  ];
  return { summary, findings: rankFindings(findings).slice(0, opts.limit ?? MAX_FINDINGS), found: findings.length };
}
