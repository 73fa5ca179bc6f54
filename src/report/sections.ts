/**
 * The report's sections: each turns its part of ReportData into markup (charts rendered to inline SVG).
 * A section returns null to leave itself out.
 */
import { renderChart } from './charts.js';
import { cacheHitSpec, costPerRequestSpec, spendOverTimeSpec, taskTypeSpec, tierSpec, tokenMixSpec } from './chart-specs.js';
import { headlineSection } from './first-screen.js';
import { compact, duration, int, pct, table, usd, utcMinute } from './format.js';
import { html, type Html } from './html.js';
import type { ReportData } from './model.js';
import { OTHER } from './section-data.js';
import { whatifSection } from './whatif-section.js';
import { plansSection } from './plans-section.js';
import { completedTasksSection } from './completed-tasks-section.js';
import { tierSection } from './tier-section.js';

export { headlineSection } from './first-screen.js';

export interface ReportSection {
  id: string; // the section's anchor (#id) and its entry in the contents
  title: string;
  render(data: ReportData): Promise<Html | null>;
}

const code = (text: string) => html`<code>${text}</code>`;
const muted = (text: string | Html) => html`<p class="note">${text}</p>`;

/** What one call costs per model: after spend (the first screen), since a dear call matters by how often it runs. */
export const costPerRequestSection: ReportSection = {
  id: 'cost-per-request',
  title: 'Cost per request',
  async render(d) {
    const rows = d.headline.cost_per_request;
    if (!rows.length) return muted('No model has both a request count and a cost in this period.');
    return renderChart(
      'cost-per-request',
      costPerRequestSpec(rows),
      `What one request costs, per model (the ${rows.length} costliest models with known request counts), dearest first.`,
      'Bar chart: cost per request by model',
    );
  },
};

export const findingsSection: ReportSection = {
  id: 'findings',
  title: 'Findings',
  async render(d) {
    if (!d.findings.length) return muted('Nothing stands out: no unpriced models, concentration, cache breaks, runaway sessions, anomalous days or invoice gaps.');
    return html`<p class="note">Ranked by dollars at stake; unknown costs first. Each names the command that shows the detail.</p>
<ol class="findings">${d.findings.map(
      (f) => html`<li><span class="impact${f.impact_usd == null ? ' unknown' : ''}">${f.impact_usd == null ? 'cost unknown' : usd(f.impact_usd)}</span> ${f.title}<div class="detail">${code(f.query)}</div></li>`,
    )}</ol>`;
  },
};

export const spendOverTimeSection: ReportSection = {
  id: 'spend-over-time',
  title: 'Spend over time',
  async render(d) {
    const s = d.spend_over_time;
    if (!s.points.length) return muted('No priced spend in this period.');
    const folded = s.series.includes(OTHER) ? ` Models past the top ${s.series.length - 1} are summed as “${OTHER}”.` : '';
    return renderChart(
      'spend-over-time',
      spendOverTimeSpec(s),
      `Spend per day${d.period.tz === 'UTC' ? ' (UTC days)' : ` (days in ${d.period.tz}; a provider's daily bucket keeps its UTC date)`}, stacked by model: ${usd(s.total_cost_usd)} over ${int(s.days)} days.${folded}`,
      'Stacked bar chart: spend per day by model',
    );
  },
};

export const taskTypeSection: ReportSection = {
  id: 'task-types',
  title: 'By task type and tier',
  async render(d) {
    const t = d.task_types;
    if (!t.by_task_type.length) return muted('No spend in this period.');
    const coverage = t.classified_share == null ? '' : ` ${pct(t.classified_share)} of spend has a task type.`;
    const hint = t.classified_share != null && t.classified_share < 0.5 ? html` Most rows are unclassified: provider aggregates carry no tools or prompts; ${code('recount classify')} labels request logs and transcripts.` : '';
    return html`<div class="pair">${await renderChart('task-types', taskTypeSpec(t), 'Spend per task type, coloured by routing tier.', 'Bar chart: spend by task type')}${await renderChart(
      'tiers',
      tierSpec(t),
      'Spend per routing tier (1 cheap, 2 mid-size, 3 frontier).',
      'Bar chart: spend by tier',
    )}</div>${muted(html`Task types come from the classifier's rules (first match wins).${coverage}${hint}`)}`;
  },
};

export const tokenMixSection: ReportSection = {
  id: 'token-mix',
  title: 'Token mix',
  async render(d) {
    const m = d.token_mix;
    if (m.list_cost_usd <= 0) return muted('No priced tokens in this period.');
    const unpriced = m.unpriced_records ? ` ${int(m.unpriced_records)} unpriced records are left out.` : '';
    return html`${await renderChart('token-mix', tokenMixSpec(m), `Share of the list cost (${usd(m.list_cost_usd)}) from each token bucket.${unpriced}`, 'Bar chart: share of cost by token bucket')}
${table(
  [
    { label: 'bucket', cell: (p) => p.bucket },
    { label: 'tokens', cell: (p) => (p.bucket === 'web search' ? `${int(p.tokens)} requests` : compact(p.tokens)), num: true },
    { label: 'list cost', cell: (p) => usd(p.cost_usd), num: true },
    { label: 'share', cell: (p) => pct(p.share, 1), num: true },
  ],
  m.parts,
)}`;
  },
};

export const cacheSection: ReportSection = {
  id: 'cache',
  title: 'Prompt cache',
  async render(d) {
    const c = d.cache;
    if (!c.days.length) return muted('No per-request rows with prompts in this period: the cache hit ratio needs request logs or agent transcripts.');
    const breaks = c.breaks.length
      ? table(
          [
            { label: 'session', cell: (b) => b.session_id, anywhere: true },
            { label: 'project', cell: (b) => b.project ?? '—' },
            { label: 'source', cell: (b) => b.source, nowrap: true },
            { label: 'requests', cell: (b) => int(b.requests), num: true },
            { label: 'prefix breaks', cell: (b) => int(b.prefix_breaks), num: true },
            { label: 'idle expiries', cell: (b) => int(b.idle_expiries), num: true },
            { label: 'cost of breaks', cell: (b) => usd(b.break_cost_usd), num: true },
            { label: 'of session', cell: (b) => pct(b.share_of_session), num: true },
          ],
          c.breaks,
          `The costliest cache breaks: ${int(c.sessions_with_breaks)} sessions, ${usd(c.total_break_cost_usd)} more than cache reads would have cost`,
        )
      : muted('No prefix breaks or idle expiries in this period.');
    return html`${await renderChart(
      'cache-hit-ratio',
      cacheHitSpec(c),
      `Cache reads as a share of prompt tokens per day (per-request rows): ${pct(c.overall_hit_ratio)} over the period, saving ${usd(c.cache_savings_usd)} against uncached input.`,
      'Line chart: cache hit ratio per day',
    )}
${breaks}${muted(html`A prefix break is a cold prompt (reads under 10% from cache) of the same model, with a warm cache and a prompt as large as before; an idle expiry came after the cache's lifetime. Every break: ${code('recount query cache_cold_starts')}.`)}`;
  },
};

export const topSessionsSection: ReportSection = {
  id: 'sessions',
  title: 'Top sessions',
  async render(d) {
    if (!d.top_sessions.length) return muted('No sessions in this period (sessions come from request logs and agent transcripts).');
    return table(
      [
        { label: 'session', cell: (s) => s.session_id, anywhere: true },
        { label: 'projects', cell: (s) => s.projects.join(', ') || '—' },
        { label: 'models', cell: (s) => s.models.join(', ') },
        { label: 'started', cell: (s) => utcMinute(s.first_started_at), nowrap: true },
        { label: 'ran', cell: (s) => duration(s.duration_minutes), num: true },
        { label: 'requests', cell: (s) => int(s.requests), num: true },
        { label: 'cost', cell: (s) => usd(s.cost_usd), num: true },
        { label: 'per request', cell: (s) => usd(s.cost_per_request_usd), num: true },
      ],
      d.top_sessions,
      'The costliest sessions',
    );
  },
};

/** What an anomalous day was compared with (anomalous_days' coverage). */
const COVERAGE: Record<string, string> = { aggregate: 'export days', requests: 'request-log days', mixed: 'mixed days' };

export const anomaliesSection: ReportSection = {
  id: 'anomalies',
  title: 'Anomalous days',
  async render(d) {
    const a = d.anomalies;
    if (!a.days.length) return muted('No day stands out: every model spent within its usual range.');
    const more = a.total > a.days.length ? ` (the ${a.days.length} largest of ${int(a.total)})` : '';
    return html`${table(
      [
        { label: 'day', cell: (r) => r.day, nowrap: true },
        { label: 'provider', cell: (r) => r.provider ?? '—' },
        { label: 'model', cell: (r) => r.model ?? '—' },
        { label: 'compared with', cell: (r) => COVERAGE[r.coverage ?? ''] ?? '—', nowrap: true },
        { label: 'spent', cell: (r) => usd(r.cost_usd), num: true },
        { label: 'median day', cell: (r) => usd(r.median_usd), num: true },
        { label: 'excess', cell: (r) => usd(r.excess_usd), num: true },
        { label: 'robust z', cell: (r) => (r.robust_z == null ? (r.excess_usd >= 0 ? '∞' : '−∞') : r.robust_z.toFixed(1)), num: true },
      ],
      a.days,
      `Days a model spent far from its usual day${more}`,
    )}${muted('A day is compared only with days the ledger covers the same way: a provider\'s usage export with export days, request logs and transcripts with theirs. Robust z = (spend − median day) / spread, over the model\'s days from its first to its last; the spread is 1.4826 × the median absolute deviation (the mean deviation when most days are equal), at least $1. |z| ≥ 3.5 is flagged; a day without any usage of the provider is not.')}`;
  },
};

export const reconciliationSection: ReportSection = {
  id: 'reconciliation',
  title: 'Invoices against usage',
  async render(d) {
    const r = d.reconciliation;
    if (!r) return muted(html`No invoices imported for this period: import the providers' cost exports (OpenAI costs, Anthropic cost report) to compare what was billed with what usage prices to.`);
    const providers = table(
      [
        { label: 'provider', cell: (p) => p.provider },
        { label: 'invoiced', cell: (p) => usd(p.invoiced_usd), num: true },
        { label: 'usage priced', cell: (p) => (p.priced_usd == null ? 'unknown (unpriced model)' : usd(p.priced_usd)), num: true },
        { label: 'gap', cell: (p) => usd(p.gap_usd), num: true },
        { label: 'lines compared', cell: (p) => int(p.lines), num: true },
      ],
      r.providers,
      `Invoiced against priced usage, ${r.first_day} to ${r.last_day} (UTC days with invoice lines)`,
    );
    const gaps = r.gaps.length
      ? table(
          [
            { label: 'day', cell: (g) => g.usage_date, nowrap: true },
            { label: 'provider', cell: (g) => g.provider },
            { label: 'model', cell: (g) => g.model ?? '—' },
            { label: 'token type', cell: (g) => g.token_type },
            { label: 'invoiced', cell: (g) => usd(g.invoiced_usd), num: true },
            { label: 'priced', cell: (g) => usd(g.priced_usd), num: true },
            { label: 'gap', cell: (g) => usd(g.gap_usd), num: true },
            { label: 'likely reason', cell: (g) => g.likely_reason },
          ],
          r.gaps,
          'The largest gaps (a cent or more)',
        )
      : muted('Every compared line matches to the cent.');
    return html`${providers}${gaps}${muted(html`Detail per day, model and token type: ${code('recount query reconciliation')}.`)}`;
  },
};

export const methodologySection: ReportSection = {
  id: 'methodology',
  title: 'Methodology and provenance',
  async render(d) {
    const p = d.provenance;
    const views = table(
      [
        { label: 'provider', cell: (v) => v.provider ?? '—' },
        { label: 'source', cell: (v) => v.source, nowrap: true },
        { label: 'role', cell: (v) => v.role },
        { label: 'records', cell: (v) => int(v.records), num: true },
        { label: 'counted', cell: (v) => int(v.counted_records), num: true },
        { label: 'days', cell: (v) => (v.first_day ? `${v.first_day} … ${v.last_day}` : '—'), nowrap: true },
        { label: 'cost', cell: (v) => usd(v.cost_usd), num: true },
        { label: 'not counted', cell: (v) => usd(v.not_counted_cost_usd), num: true },
      ],
      p.views,
      'Sources in the period, and which are counted',
    );
    const formats = table(
      [
        { label: 'format', cell: (f) => f.format, nowrap: true },
        { label: 'files', cell: (f) => int(f.files), num: true },
        { label: 'rows read', cell: (f) => int(f.rows_read), num: true },
        { label: 'imported', cell: (f) => int(f.imported), num: true },
        { label: 'duplicates removed', cell: (f) => int(f.duplicates), num: true },
        { label: 'rejected', cell: (f) => int(f.rejected), num: true },
        // incremental imports: files found as the ledger read them were not opened again
        ...(p.unchanged_skips ? [{ label: 'skipped as unchanged', cell: (f: (typeof p.formats)[number]) => int(f.unchanged_skips), num: true }] : []),
      ],
      p.formats,
      `Every import into this ledger: ${int(p.totals.files)} files, ${int(p.totals.rows_read)} rows read, ${int(p.totals.imported)} imported, ${int(p.totals.duplicates)} duplicates removed, ${int(p.totals.rejected)} rejected` +
        (p.unchanged_skips ? `; ${int(p.unchanged_skips)} file reads skipped as unchanged` : ''),
    );
    const files = p.files.length
      ? table(
          [
            { label: 'file', cell: (f) => f.path, anywhere: true },
            { label: 'format', cell: (f) => f.format, nowrap: true },
            { label: 'rows read', cell: (f) => int(f.rows_read), num: true },
            { label: 'imported', cell: (f) => int(f.imported), num: true },
            { label: 'duplicates', cell: (f) => int(f.duplicates), num: true },
            { label: 'rejected', cell: (f) => int(f.rejected), num: true },
          ],
          p.files,
          p.totals.files > p.files.length ? `The ${p.files.length} largest of ${int(p.totals.files)} files` : 'Files',
        )
      : '';
    return html`<div class="method">
<p>Every number comes from the DuckDB ledger through recount's named SQL queries (${code('recount query')} lists them). Token buckets are disjoint: uncached input, cache reads, 5-minute and 1-hour cache writes, output. Each row is priced from a dated price catalog (long-context tiers, batch and flex discounts); the cost is what the source billed where it says so, else the list price. Unpriced models are counted and named, never priced at $0.</p>
<p>Where request logs and a provider's own usage export describe the same traffic, the request logs count and the export adds only what they leave out (per provider, day and model); what is already counted from the other side is listed as not counted. Prompt text never leaves the ledger and is not in this report.${d.redacted ? ' API keys, users, projects, sessions and file paths are replaced by pseudonyms (the same value, the same name).' : ''}</p>
</div>
${views}${formats}${files}
<dl class="facts">
<dt>Ledger</dt><dd>${code(p.ledger)}</dd>
<dt>Rejected rows</dt><dd>${int(p.rejects_kept)}${p.rejects_kept ? html` (see ${code('recount rejects')})` : ''}</dd>
<dt>Price catalog</dt><dd>${d.price_catalog.label}, fingerprint ${code(d.price_catalog.fingerprint)}</dd>
<dt>Period</dt><dd>${d.period_label}${d.period.tz === 'UTC' ? ' (UTC days)' : ''}</dd>
<dt>Generated</dt><dd>${utcMinute(d.generated_at)} by recount ${d.version}</dd>
</dl>`;
  },
};

/** The sections in page order (the what-if and plan sections show only when the report replayed policies or plans). */
export const defaultSections: readonly ReportSection[] = [
  headlineSection,
  findingsSection,
  spendOverTimeSection,
  costPerRequestSection,
  taskTypeSection,
  tokenMixSection,
  cacheSection,
  topSessionsSection,
  anomaliesSection,
  reconciliationSection,
  whatifSection,
  tierSection,
  plansSection,
  completedTasksSection,
  methodologySection,
];

/** A copy of `sections` with `section` placed before or after the one with the given id (else at the end). */
export function insertSection(sections: readonly ReportSection[], section: ReportSection, where: { before?: string; after?: string } = {}): ReportSection[] {
  const out = [...sections];
  const anchor = out.findIndex((s) => s.id === (where.before ?? where.after));
  if (anchor < 0) out.push(section);
  else out.splice(where.before ? anchor : anchor + 1, 0, section);
  return out;
}
