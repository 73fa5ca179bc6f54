import { collectFindings, type QueryRunner } from '../forensics/collect.js';
import { runNamedQuery } from '../db/named-query.js';
import type { Session } from '../session.js';
import { describePeriod, now, type Period } from '../period.js';
import { version as recountVersion } from '../version.js';
import type { Policy } from '../replay/policy.js';
import { runWhatIf, type WhatIfReport } from '../replay/whatif.js';
import type { ReportData, TierDistribution } from './model.js';
import { completedTasksData } from './completed-tasks-section.js';
import { Pseudonyms } from './redact.js';
import { renderAhead } from './charts.js';
import { preloadVega } from './vega-runtime.js';
import { cacheHitSpec, costPerRequestSpec, spendOverTimeSpec, taskTypeSpec, tierSpec, tokenMixSpec } from './chart-specs.js';
import { tierDistributionSpec } from './tier-section.js';
import { policyCostSpec, tierMixSpec } from './whatif-section.js';
import { withSharedKeyRates, withSharedRollup, withSharedTurns } from './rollup.js';
import { dearestOutputRates, tierDistributionData } from './tier-data.js';
import { sql } from '../db/sql.js';
import {
  anomalyData,
  cacheData,
  findingItems,
  headlineData,
  provenanceData,
  reconciliationData,
  spendOverTimeData,
  taskTypeData,
  tokenMixData,
  topSessionsData,
} from './section-data.js';

export interface GatherOptions {
  title?: string;
  redact?: boolean;
  /** When the report is made; default: now() (RECOUNT_NOW pins it). */
  generatedAt?: Date;
  /** recount's version as printed; default: package.json's. */
  version?: string;
  /** Routing policies to replay over the period for the what-if section. */
  policies?: Policy[];
  /** Render each chart as its data arrives (charts.ts `renderAhead`), while the later queries run. */
  chartsAhead?: boolean;
  /**
   * The session closes after the report: the tables written once for it stay, read by the same names
   * (rollup.ts `keep`; the same rows in the period's zone), instead of the ledger's views and macros
   * being defined again for nothing.
   */
  sessionEnds?: boolean;
}

type Row = Record<string, unknown>;

/**
 * A query runner for one report: each named query runs once per parameter set (findings and sections
 * share the rows), and with `redact` its identifier columns come back as pseudonyms, so nothing
 * downstream ever sees a real key, user, project, session or path.
 */
export function reportQueries(session: Session, period: Period, pseudonyms?: Pseudonyms): QueryRunner {
  const cache = new Map<string, Promise<Row[]>>();
  return (name, given = {}) => {
    const key = `${name}?${JSON.stringify(given)}`;
    let rows = cache.get(key);
    if (!rows) {
      rows = runUnlessEmpty(session, name, () => runNamedQuery<Row>(session.ledger, name, given, period)).then((r) => (pseudonyms ? pseudonyms.rows(r) : r));
      cache.set(key, rows);
    }
    return rows;
  };
}

/**
 * Queries whose every row needs a row of one ledger table, with the statement that says whether it
 * holds any: without one the query's rows are known (none) and its pass over the counted rows is spared.
 */
const EMPTY_WITHOUT: Record<string, string> = { reconciliation: 'forensics/has_invoice_lines' };

async function runUnlessEmpty(session: Session, name: string, run: () => Promise<Row[]>): Promise<Row[]> {
  const check = EMPTY_WITHOUT[name];
  if (check && !(await session.ledger.one<{ has_lines: boolean }>(sql(check))).has_lines) return [];
  return run();
}

/**
 * Gathers every section's data for `period` from the ledger through the named queries (the same ones
 * `recount query` runs; prompt text is never selected). Queries run one after another, in a fixed order,
 * so pseudonyms are numbered the same way every time.
 * The day-grain queries (totals, per model, per day, token mix, concentration, anomalous days) share
 * one rollup of the counted rows per local day (rollup.ts: a few thousand rows, written once), and the
 * agent turns are written once for their readers (completed tasks; a policy's observed outcomes); the
 * others read the priced view themselves, only the columns they need, over pricing-key rates written
 * once too. A temp table of every priced
 * row (~0.5 GB at 1M rows, uncompressed) does not fit under the default memory limit.
 */
export async function gatherReportData(session: Session, period: Period, opts: GatherOptions = {}): Promise<ReportData> {
  const { ledger } = session;
  const keep = Boolean(opts.sessionEnds);
  const gather = () => gatherWithRollup(session, period, opts);
  // vega's modules (~0.2 s of compiling on the main thread) load while DuckDB writes the agent turns:
  // loaded from the start, they held up the ledger's opening and every statement before the turns
  const loadCharts = opts.chartsAhead ? preloadVega : undefined;
  return withSharedKeyRates(ledger, () => withSharedTurns(ledger, () => withSharedRollup(ledger, period, gather, keep), keep, loadCharts), keep);
}

async function gatherWithRollup(session: Session, period: Period, opts: GatherOptions): Promise<ReportData> {
  const pseudonyms = opts.redact ? new Pseudonyms() : undefined;
  const q = reportQueries(session, period, pseudonyms);
  const { summary, findings } = await collectFindings(q);
  const [concentration] = await q('concentration');
  const ahead = opts.chartsAhead ? renderAhead : () => undefined; // in page order, as the sections ask
  const headline = headlineData(summary, concentration, await q('cost_per_request_by_model'));
  const spendOverTime = spendOverTimeData(await q('spend_by_day_and_model'));
  if (spendOverTime.points.length) ahead(spendOverTimeSpec(spendOverTime));
  if (headline.cost_per_request.length) ahead(costPerRequestSpec(headline.cost_per_request));
  const taskTypes = taskTypeData(await q('spend_by_task_type'));
  if (taskTypes.by_task_type.length) [taskTypeSpec(taskTypes), tierSpec(taskTypes)].forEach(ahead);
  const tokenMix = tokenMixData((await q('token_mix', { grain: 'all' }))[0]);
  if (tokenMix.list_cost_usd > 0) ahead(tokenMixSpec(tokenMix));
  const cache = cacheData(await q('cache_hit_ratio', { grain: 'day' }), await q('cache_breaks_by_session'));
  if (cache.days.length) ahead(cacheHitSpec(cache));
  // without policies the tier panel needs only per-model rows of the rollup: asked here, its chart is
  // drawn while the per-request queries below run (the next chart on the page, so its SVG ids are the same)
  const historyTiers = opts.policies?.length ? undefined : await tiersFromHistory(session, q);
  if (historyTiers) ahead(tierDistributionSpec(historyTiers));
  const sessions = topSessionsData(await q('spend_by_session', { limit: '10' }));
  const anomalies = anomalyData(await q('anomalous_days'));
  const reconciliation = reconciliationData(await q('reconciliation'));
  const ledgerPath = pseudonyms ? pseudonyms.of('file', session.ledger.path) : session.ledger.path;
  const provenance = provenanceData(ledgerPath, await q('counted_views'), await q('imports_by_format'), await q('imported_files', { limit: '20' }));
  const whatif = opts.policies?.length ? redactWhatIf(await runWhatIf(session.ledger, session.prices, period, opts.policies), pseudonyms) : undefined;
  if (whatif?.policies.length && whatif.history.requests) [policyCostSpec(whatif), tierMixSpec(whatif)].forEach(ahead);
  // with policies the panel comes from the replay; without, from the history's calls per model
  const tiers = whatif?.policies.length ? tierDistributionData(whatif) : historyTiers !== undefined ? historyTiers : await tiersFromHistory(session, q);
  if (tiers && tiers !== historyTiers) ahead(tierDistributionSpec(tiers)); // the history's was asked for above
  const completedTasks = completedTasksData(await q('outcomes_by_model_and_task'), whatif); // null without agent turns
  const periodLabel = describePeriod(period);
  return {
    title: opts.title ?? `LLM spend, ${periodLabel}`,
    period,
    period_label: periodLabel,
    generated_at: (opts.generatedAt ?? now()).toISOString(),
    version: opts.version ?? recountVersion,
    redacted: Boolean(opts.redact),
    price_catalog: { label: session.prices.label, fingerprint: session.prices.fingerprint },
    headline,
    findings: findingItems(findings),
    spend_over_time: spendOverTime,
    task_types: taskTypes,
    token_mix: tokenMix,
    cache,
    top_sessions: sessions,
    anomalies,
    reconciliation,
    provenance,
    ...(whatif ? { whatif } : {}),
    ...(tiers ? { tier_distribution: tiers } : {}),
    ...(completedTasks ? { completed_tasks: completedTasks } : {}),
  };
}

/** With --redact, a what-if's policy paths and budget groups (keys, projects) become pseudonyms too. */
function redactWhatIf(w: WhatIfReport, pseudonyms: Pseudonyms | undefined): WhatIfReport {
  if (!pseudonyms) return w;
  return {
    ...w,
    policies: w.policies.map((p) => ({
      ...p,
      file: pseudonyms.of('file', p.file),
      budget_events: p.budget_events.map((e) => ({ ...e, group: e.group == null ? null : pseudonyms.of(e.per === 'project' ? 'project' : 'key', e.group) })),
    })),
  };
}

/** The tier panel's data from the history alone: calls and list spend per model, each model tiered by its dearest output rate. */
async function tiersFromHistory(session: Session, q: QueryRunner): Promise<TierDistribution | null> {
  return tierDistributionData(undefined, { byModel: await q('spend_by_model'), dearestOutput: await dearestOutput(session) });
}

/**
 * Each model's dearest output rate for the tier panel. With the build's price cache the session's
 * price_rows hold the catalog's rows already: reading them there spares loading the catalog (~0.2 s),
 * which book.rows would do just for this panel.
 */
async function dearestOutput(session: Session): Promise<Map<string, number>> {
  if (!session.prices.cache) return dearestOutputRates(session.prices);
  const rows = await session.ledger.all<{ model: string; output_usd_per_mtok: number }>(sql('pricing/model_dearest_output'));
  return new Map(rows.map((r) => [r.model, Number(r.output_usd_per_mtok)]));
}
