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

type Row = Record<string, unknown>;

/** Runs a named query over the period in force (`given` fills its other parameters). */
export type QueryRunner = (name: string, given?: Record<string, string>) => Promise<Row[]>;

/**
 * Runs the forensic queries through `q` and returns the period's totals and the findings, ranked by
 * dollars at stake. `recount forensics` prints them; `recount report` lists them.
 */
export async function collectFindings(q: QueryRunner, opts: { capUsd?: number } = {}): Promise<{ summary: Row; findings: Finding[] }> {
  const [summary] = await q('summary');
  const findings: Finding[] = [
    ...unpricedFindings(summary),
    ...concentrationFindings(await q('model_tier_mix')),
    ...cacheBreakFindings(await q('cache_breaks_by_session')),
    ...runawayFindings(await q('runaway_sessions')),
    ...anomalyFindings(await q('anomalous_days')),
    ...reconciliationFindings(await q('reconciliation')),
    ...(opts.capUsd ? budgetFindings(await q('budget_audit', { cap_usd: String(opts.capUsd) }), opts.capUsd) : []),
  ];
  return { summary, findings: rankFindings(findings) };
}
