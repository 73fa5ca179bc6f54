/**
 * The report's tier distribution panel: the share of calls and of spend on each routing tier, now and
 * after each --policy, against the routing guides' targets (about 80% of calls on tiers 1–2, at most
 * 15% on tier 3), with a flag where a distribution is outside them. Data: ReportData.tier_distribution
 * (tier-data.ts, from the what-if's per-tier sums); this file only draws it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { MODEL_TIERS } from '../replay/price-tiers.js';
import { tierColors } from './chart-specs.js';
import { FULL_WIDTH, renderChart, withReportConfig } from './charts.js';
import { int, pct, table, usd } from './format.js';
import { html } from './html.js';
import type { ReportData, TierDistribution } from './model.js';
import type { ReportSection } from './sections.js';
import { tierLabel } from './section-data.js';

type Scenario = TierDistribution['scenarios'][number];

const TIERS = [1, 2, 3].map(tierLabel);
const FLAG_COLOR = '#c0392b';
const code = (text: string) => html`<code>${text}</code>`;
const OUTSIDE = ' (outside targets)';
// MODEL_TIERS, dearest first: frontier, mid, small → tiers 3, 2, 1
const BY_PRICE = MODEL_TIERS.map((t, i) => `tier ${3 - i} ${t.minOutputUsdPerMtok ? `from $${t.minOutputUsdPerMtok}/MTok` : 'below'}`).join(', ');

/** A scenario's row label: its name, and the flag when it misses a target (the chart's visible flag). */
export const rowLabel = (s: Scenario): string => (s.outside_targets.length ? `${s.label}${OUTSIDE}` : s.label);

/**
 * Stacked bars of shares, one per scenario: calls on top with the targets as dashed reference lines
 * (tiers 1–2 should reach past the first; tier 3 should start past the second), spend below (the
 * targets are on calls, so no lines there). Flagged rows have their label in red.
 */
export function tierDistributionSpec(d: TierDistribution): TopLevelSpec {
  const rows = d.scenarios.map(rowLabel);
  const values = d.scenarios.flatMap((s) => s.tiers.map((t) => ({ scenario: rowLabel(s), tier: tierLabel(t.tier), calls: t.request_share, spend: t.cost_share, order: t.tier })));
  const y = {
    field: 'scenario',
    type: 'nominal',
    title: null,
    sort: rows,
    axis: { labelColor: { condition: { test: `indexof(datum.value, ${JSON.stringify(OUTSIDE)}) >= 0`, value: FLAG_COLOR }, value: '#333' } },
  };
  const color = { field: 'tier', type: 'nominal', title: 'tier of the serving model', scale: { domain: TIERS, range: tierColors(TIERS) }, legend: { orient: 'bottom' } };
  const bars = (field: 'calls' | 'spend', title: string) => ({
    data: { values },
    mark: { type: 'bar', height: { band: 0.7 } },
    encoding: { y, x: { field, type: 'quantitative', stack: 'zero', title, scale: { domain: [0, 1] }, axis: { format: '.0%' } }, color, order: { field: 'order', type: 'quantitative' } },
  });
  const low = d.targets.tier12_min_request_share;
  const tier3Start = 1 - d.targets.tier3_max_request_share;
  // the two lines sit close together: one label to the left of its line, the other to the right
  const target = (share: number, label: string, align: 'left' | 'right') => [
    { data: { values: [{ share }] }, mark: { type: 'rule', color: '#222', strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'share', type: 'quantitative' } } },
    {
      data: { values: [{ share, label }] },
      mark: { type: 'text', align, dx: align === 'left' ? 4 : -4, baseline: 'bottom', fontSize: 10, color: '#222' },
      encoding: { x: { field: 'share', type: 'quantitative' }, y: { value: -3 }, text: { field: 'label' } },
    },
  ];
  const width = FULL_WIDTH - 240;
  return withReportConfig({
    spacing: 14,
    vconcat: [
      { width, height: { step: 22 }, layer: [bars('calls', 'share of calls'), ...target(low, `tiers 1–2 target ${pct(low)}`, 'right'), ...target(tier3Start, `tier 3 at most ${pct(1 - tier3Start)}`, 'left')] },
      { width, height: { step: 22 }, layer: [bars('spend', 'share of spend (list prices)')] },
    ],
  });
}

/** The chart's numbers as a table, one row per scenario, with what each misses. */
function tierTable(d: TierDistribution) {
  const share = (s: Scenario, tier: number, key: 'request_share' | 'cost_share') => (s.requests > 0 ? pct(s.tiers[tier - 1][key], 1) : '—');
  return table(
    [
      { label: 'scenario', cell: (s: Scenario) => s.label, nowrap: true },
      { label: 'calls', cell: (s) => int(s.requests), num: true },
      ...[1, 2, 3].map((t) => ({ label: `tier ${t} calls`, cell: (s: Scenario) => share(s, t, 'request_share'), num: true })),
      ...[1, 2, 3].map((t) => ({ label: `tier ${t} spend`, cell: (s: Scenario) => share(s, t, 'cost_share'), num: true })),
      { label: 'spend', cell: (s) => usd(s.cost_usd), num: true },
      { label: 'against the targets', cell: (s) => (s.requests === 0 ? '—' : s.outside_targets.length ? html`<strong>outside:</strong> ${s.outside_targets.join('; ')}` : 'within') },
    ],
    d.scenarios,
    `Share of calls and spend per tier; targets: tiers 1–2 about ${pct(d.targets.tier12_min_request_share)} of calls, tier 3 at most ${pct(d.targets.tier3_max_request_share)}`,
  );
}

export const tierSection: ReportSection = {
  id: 'tier-distribution',
  title: 'Tier distribution',
  async render(d: ReportData) {
    const t = d.tier_distribution;
    if (!t) return null;
    const flagged = t.scenarios.filter((s) => s.outside_targets.length);
    const untiered = Math.max(...t.scenarios.map((s) => s.untiered_requests));
    const policies = t.scenarios.some((s) => s.kind === 'policy');
    const chart = await renderChart(
      'tier-distribution',
      tierDistributionSpec(t),
      `Share of calls (top) and of spend (bottom) on each tier, ${policies ? "now and after each policy's replay" : 'now'}. Dashed lines: the routing guides' targets, about ${pct(t.targets.tier12_min_request_share)} of calls on tiers 1–2 and at most ${pct(t.targets.tier3_max_request_share)} on tier 3 (the tier 3 bar should start right of its line). Red labels are outside them.`,
      'Stacked bar charts: share of calls and of spend per tier, now and after each policy, with the target lines',
    );
    return html`${flagged.length ? html`<p class="warn">Outside the targets: ${flagged.map((s, i) => html`${i ? '; ' : ''}<strong>${s.label}</strong>: ${s.outside_targets.join(', ')}`)}.</p>` : ''}
${chart}
${tierTable(t)}
<p class="note">A call's tier is the tier of the model that serves it, by the model's output list price (${BY_PRICE}; numbered as the classifier numbers task tiers): now the model it ran on, after a policy the model the replay routes it to.${policies ? ' Calls a policy blocks are not counted after it.' : ''}${untiered ? ` ${int(untiered)} calls of models without a list price have no tier and are left out.` : ''} The guides check this after 48 hours of routing; tier 3 above its line means the classification sends too much to frontier models.${policies ? '' : html` With ${code('--policy FILE')}, the panel adds where each policy would move the calls.`}</p>`;
  },
};
