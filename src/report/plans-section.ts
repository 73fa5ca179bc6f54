/**
 * The report's "Plan or API?" section: for the plan policies given with --policy (samples/plans/), what
 * each plan would have cost a month (bar, with low–high whiskers), where its limits would have tripped
 * (a timeline), and the cheapest plan per seat. Data: the `plans` field of the whatif JSON
 * (src/replay/plan-outcome.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PlanOutcome, PlansReport } from '../replay/plan-outcome.js';
import { FULL_WIDTH, PALETTE, renderChart, withReportConfig } from './charts.js';
import { int, table, usd } from './format.js';
import { html } from './html.js';
import type { ReportData } from './model.js';
import type { ReportSection } from './sections.js';

/** One bar per plan (central cost a month, all seats) with low–high whiskers; the dashed line is the usage at list prices. */
export function planCostSpec(r: PlansReport): TopLevelSpec {
  const rows = r.plans.map((p) => ({ plan: p.name, central: p.cost_usd_per_month.central, low: p.cost_usd_per_month.low, high: p.cost_usd_per_month.high }));
  return withReportConfig({
    width: FULL_WIDTH - 220,
    height: { step: 26 },
    data: { values: rows },
    encoding: { y: { field: 'plan', type: 'nominal', title: null, sort: null } },
    layer: [
      { mark: { type: 'bar', color: PALETTE[0], height: { band: 0.6 } }, encoding: { x: { field: 'central', type: 'quantitative', title: 'cost a month (USD): central, with low–high bounds', axis: { format: '$,.0f' } } } },
      { mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { mark: { type: 'tick', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: { field: 'low', type: 'quantitative' } } },
      { mark: { type: 'tick', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: { field: 'high', type: 'quantitative' } } },
      { data: { values: [{ usage: r.api_equivalent_usd / r.months }] }, mark: { type: 'rule', color: PALETTE[2], strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'usage', type: 'quantitative' }, y: null } },
    ],
  });
}

/** Where each plan's limits trip (central): a tick when a window runs out, a bar for the hours the seat waits. */
export function planTimelineSpec(r: PlansReport): TopLevelSpec {
  const values = r.plans.flatMap((p) => p.trips.map((t) => ({ plan: p.name, limit: t.limit === '5h' ? '5-hour' : 'weekly', at: t.tripped_at, until: t.resumes_at ?? t.tripped_at })));
  const minute = 'utcyearmonthdatehoursminutes';
  const x = { field: 'at', type: 'temporal', timeUnit: minute, title: 'when a limit ran out (UTC); the bar is the wait', axis: { format: '%b %d', grid: false } } as const;
  const color = { field: 'limit', type: 'nominal', title: 'limit', scale: { domain: ['5-hour', 'weekly'], range: [PALETTE[1], PALETTE[2]] }, legend: { orient: 'bottom' } } as const;
  return withReportConfig({
    width: FULL_WIDTH - 220,
    height: { step: 26 },
    data: { values },
    encoding: { y: { field: 'plan', type: 'nominal', title: null, sort: r.plans.map((p) => p.name) } },
    layer: [
      { mark: { type: 'bar', height: { band: 0.5 }, opacity: 0.6 }, encoding: { x, x2: { field: 'until', timeUnit: minute }, color } },
      { mark: { type: 'tick', thickness: 1.5, size: 14 }, encoding: { x, color } },
    ],
  });
}

const bounds = (p: PlanOutcome) => html`<span class="nobr">${usd(p.cost_usd_per_month.low)} – ${usd(p.cost_usd_per_month.high)}</span>`;
const hours = (h: number) => h.toLocaleString('en-US', { maximumFractionDigits: 1 });
const limits = (p: PlanOutcome) => `${int(p.limited_windows.central)}${p.limited_windows.low !== p.limited_windows.high ? ` (${int(p.limited_windows.low)}–${int(p.limited_windows.high)})` : ''}`;

/** Plan files with rules of their own: what the rules moved before the plan metered the requests. */
function routingNote(r: PlansReport) {
  const routed = r.plans.filter((p) => p.routing);
  if (!routed.length) return '';
  const a = (x: number) => usd(x / r.months);
  return html`<p class="note">${routed.map((p, i) => {
    const g = p.routing!;
    return html`${i ? ' ' : ''}<code>${p.name}</code> routes first, and its plan meters the routed requests: ${int(g.moved_requests)} of ${int(g.requests)} agent requests moved to another model${g.kept_requests ? `, ${int(g.kept_requests)} kept as they ran (unpriced)` : ''}; at list prices ${a(g.api_equivalent_before_usd)} a month as they ran, ${a(g.api_equivalent_usd.central)} routed (${a(g.api_equivalent_usd.low)} – ${a(g.api_equivalent_usd.high)}).`;
  })}</p>`;
}

export const plansSection: ReportSection = {
  id: 'plans',
  title: 'Plan or API?',
  async render(d: ReportData) {
    const r = d.whatif?.plans;
    if (!r || !r.plans.length) return null;
    if (!r.seats.length) return html`<p class="note">No Claude Code or Codex usage in this period: nothing to replay against ${r.plans.map((p, i) => html`${i ? ', ' : ''}${p.name}`)}.</p>`;
    // with --redact, seats (users, API keys) are shown by number
    const seat = (s: string) => (d.redacted ? `seat ${r.seats.indexOf(s) + 1}` : s);
    const cost = await renderChart(
      'plans-cost',
      planCostSpec(r),
      'What each plan would have cost a month for every seat (bar: central; whisker: low fee with the high allowance, to high fee with the low allowance); the dashed line is the same agent usage at API list prices.',
      'Bar chart with whiskers: cost a month per plan',
    );
    const tripped = r.plans.some((p) => p.trips_total > 0);
    const timeline = tripped
      ? await renderChart('plans-timeline', planTimelineSpec(r), 'Where each plan\'s limits would have run out (central allowances, all seats): a tick when a window ran out, a bar for the hours the work waited.', 'Timeline: where plan limits trip')
      : html`<p class="note">No plan's limit would have run out at its central allowance.</p>`;
    const summary = table(
      [
        { label: 'plan', cell: (p: PlanOutcome) => p.name, nowrap: true },
        { label: 'a month', cell: (p) => usd(p.cost_usd_per_month.central), num: true },
        { label: 'bounds', cell: (p) => bounds(p), num: true },
        { label: 'fees', cell: (p) => usd(p.fees_usd_per_month.central), num: true },
        { label: 'at list prices', cell: (p) => usd(p.overflow_usd_per_month.central + p.uncovered_usd_per_month), num: true },
        { label: 'limits hit', cell: (p) => limits(p), num: true },
        { label: 'hours waiting', cell: (p) => hours(p.blocked_hours.central), num: true },
        { label: 'pays off above', cell: (p) => (p.break_even_usd_per_seat_month == null ? '—' : `${usd(p.break_even_usd_per_seat_month)} a seat (${p.seats_past_break_even} of ${p.seats} past it)`) },
      ],
      r.plans,
      html`${int(r.seats.length)} seat${r.seats.length === 1 ? '' : 's'}; agent usage at list prices ${usd(r.api_equivalent_usd / r.months)} a month`,
    );
    const mix = table(
      [
        { label: 'seat', cell: (c: PlansReport['cheapest_mix'][number]) => seat(c.seat), nowrap: true },
        { label: 'plan', cell: (c) => c.plan, nowrap: true },
        { label: 'a month', cell: (c) => usd(c.cost_usd_per_month), num: true },
        { label: 'hours waiting', cell: (c) => hours(c.blocked_hours), num: true },
      ],
      r.cheapest_mix.slice(0, 20),
      html`Cheapest plan per seat: ${usd(r.cheapest_mix_usd_per_month)} a month${r.cheapest_mix.length > 20 ? ` (first 20 of ${int(r.cheapest_mix.length)} seats)` : ''}`,
    );
    const routing = routingNote(r);
    return html`<p>Would flat-fee plans have been cheaper than paying the API? A plan pays off for a seat whose agent usage at list prices passes its fee, as long as its limits hold the work; past a limit the work waits for the next window (or is billed at list prices, as the plan file says).</p>
${cost}
${summary}
${routing}
${timeline}
${mix}
<p class="note">${r.assumptions} Plan files: ${r.plans.map((p, i) => html`${i ? ', ' : ''}<code>${p.name}</code> (${p.fingerprint})`)}.</p>`;
  },
};
