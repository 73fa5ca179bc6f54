/**
 * The report's what-if section: each policy's replayed cost against the history, with its bounds,
 * savings by rule, the model-tier mix before and after, break-even failure rates, and the assumptions
 * with the price catalog they were priced with. Data: the `recount whatif` JSON (src/replay/whatif.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { MODEL_TIERS } from '../replay/price-tiers.js';
import type { PolicyOutcome, WhatIfReport } from '../replay/whatif.js';
import { FULL_WIDTH, PALETTE, withReportConfig } from './charts.js';
import { renderChart } from './charts.js';
import { int, pct, table, usd } from './format.js';
import { html, type Html } from './html.js';
import type { ReportData } from './model.js';
import type { ReportSection } from './sections.js';

const TIER_ORDER = ['frontier', 'mid', 'small', 'unpriced'];
const TIER_COLORS = [PALETTE[2], PALETTE[1], PALETTE[3], '#9498a0'];

/** One bar per policy (central cost) with its low–high bounds as a whisker, and the history as a rule. */
export function policyCostSpec(w: WhatIfReport): TopLevelSpec {
  const rows = w.policies.map((p) => ({ policy: p.name, central: p.cost_usd.central, low: p.cost_usd.low, high: p.cost_usd.high }));
  const history = w.policies[0]?.baseline_cost_usd ?? 0;
  return withReportConfig({
    width: FULL_WIDTH - 220,
    height: { step: 26 },
    data: { values: rows },
    encoding: { y: { field: 'policy', type: 'nominal', title: null, sort: null } },
    layer: [
      { mark: { type: 'bar', color: PALETTE[0], height: { band: 0.6 } }, encoding: { x: { field: 'central', type: 'quantitative', title: 'replayed cost (USD): central, with low–high bounds', axis: { format: '$,.0f' } } } },
      { mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { mark: { type: 'tick', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: { field: 'low', type: 'quantitative' } } },
      { mark: { type: 'tick', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: { field: 'high', type: 'quantitative' } } },
      { data: { values: [{ history }] }, mark: { type: 'rule', color: PALETTE[2], strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'history', type: 'quantitative' }, y: null } },
    ],
  });
}

/** Spend by model tier: the history, then each policy (central), stacked. */
export function tierMixSpec(w: WhatIfReport): TopLevelSpec {
  const values: { scenario: string; tier: string; cost_usd: number; order: number }[] = [];
  const push = (scenario: string, tiers: PolicyOutcome['tiers'], side: 'before' | 'after') => {
    for (const t of tiers) values.push({ scenario, tier: t.tier, cost_usd: t[side].cost_usd, order: TIER_ORDER.indexOf(t.tier) });
  };
  if (w.policies[0]) push('history', w.policies[0].tiers, 'before');
  for (const p of w.policies) push(p.name, p.tiers, 'after');
  const present = TIER_ORDER.filter((t) => values.some((v) => v.tier === t));
  return withReportConfig({
    width: FULL_WIDTH - 220,
    height: { step: 22 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'scenario', type: 'nominal', title: null, sort: null },
      x: { field: 'cost_usd', type: 'quantitative', aggregate: 'sum', title: 'spend (USD) by model tier', axis: { format: '$,.0f' } },
      color: { field: 'tier', type: 'nominal', title: 'model tier', scale: { domain: present, range: present.map((t) => TIER_COLORS[TIER_ORDER.indexOf(t)]) }, legend: { orient: 'bottom' } },
      order: { field: 'order', type: 'quantitative' },
    },
  });
}

const breakEven = (p: PolicyOutcome) =>
  p.break_even_fail_rate == null ? '—' : p.break_even_fail_rate >= 1 ? 'any rate' : p.break_even_fail_rate <= 0 ? 'never (costs more even without failures)' : `below ${pct(p.break_even_fail_rate, 1)}`;

/** A point assumption that changes nothing (a ratio of 1, the default 5-minute TTL) is left out of the table. */
const neutral = (a: PolicyOutcome['assumptions'][number]) =>
  a.low === a.central && a.central === a.high && ((/_ratio$/.test(a.assumption) && a.central === 1) || (a.assumption === 'cache_ttl_seconds' && a.central === 300));
const bounds = (r: { low: number; high: number }) => html`<span class="nobr">${usd(r.low)} – ${usd(r.high)}</span>`;

function policyDetail(p: PolicyOutcome): Html {
  const rules = p.savings_by_rule.filter((r) => r.requests > 0);
  const changed = rules.some((r) => Math.abs(r.savings_usd) >= 0.005) || p.budget_events.length > 0 || p.cost_usd.low !== p.cost_usd.high;
  if (!changed) {
    return html`<h3>${p.name}</h3>
<p>${p.description ? html`${p.description} ` : ''}Over this period it changes nothing: the replay equals the history at list prices, ${usd(p.baseline_cost_usd)}${
      p.budget_events.length === 0 && p.savings_by_transform.length === 0 && rules.length === 1 && p.savings_by_rule.length === 1 ? '' : ' (no rule, budget or transform applied to any request)'
    }.</p>`;
  }
  const assumptions = p.assumptions.filter((a) => !neutral(a));
  const facts: (string | Html)[] = [
    html`replayed cost <strong>${usd(p.cost_usd.central)}</strong> (bounds ${bounds(p.cost_usd)}) against ${usd(p.baseline_cost_usd)} at list prices`,
    html`savings <strong>${usd(p.savings_usd.central)}</strong> (${pct(p.savings_pct.central, 1)}; bounds ${bounds(p.savings_usd)})`,
    html`cache-loss penalty ${usd(p.cache_loss_usd)}`,
  ];
  const b = p.break_even_fail_rate;
  if (b != null) {
    facts.push(b <= 0 ? 'never saves money, even if no routed task needs redoing' : b >= 1 ? 'saves money even if every routed task needs redoing once' : html`saves money while fewer than ${pct(b, 1)} of routed tasks need redoing`);
  }
  for (const t of p.savings_by_transform) facts.push(html`${t.transform} saves ${usd(t.savings_usd)}`);
  if (p.compactions) facts.push(html`${int(p.compactions)} compactions costing ${usd(p.compaction_cost_usd)}`);
  if (p.sensitivity.length) facts.push(html`most sensitive to ${p.sensitivity.slice(0, 3).map((s, i) => html`${i ? ', ' : ''}${s.assumption} (±${usd(s.swing_usd / 2)})`)}`);
  const c = p.coverage;
  facts.push(
    html`coverage: ${int(c.replayed_requests)} requests replayed with cache state, ${int(c.approximated_requests)} re-priced as buckets${
      c.approximated_sources.length ? html` (${c.approximated_sources.slice(0, 4).map((s, i) => html`${i ? ', ' : ''}${s.source}`)}${c.approximated_sources.length > 4 ? ', …' : ''})` : ''
    }, ${int(c.unpriced_requests)} unpriced (left out)${c.blocked_requests ? html`, ${int(c.blocked_requests)} blocked` : ''}`,
  );
  return html`<h3>${p.name}</h3>
${p.description ? html`<p class="note">${p.description}</p>` : ''}
<ul>${facts.map((f) => html`<li>${f}</li>`)}</ul>
${changed && rules.length ? table(
    [
      { label: 'rule', cell: (r: (typeof rules)[number]) => r.rule, nowrap: true },
      { label: 'requests', cell: (r) => int(r.requests), num: true },
      { label: 'history', cell: (r) => usd(r.baseline_cost_usd), num: true },
      { label: 'replayed', cell: (r) => usd(r.cost_usd), num: true },
      { label: 'savings', cell: (r) => usd(r.savings_usd), num: true },
    ],
    rules,
    'Savings by rule (central)',
  ) : ''}
${p.budget_events.length ? table(
    [
      { label: 'crossed at (UTC)', cell: (e: PolicyOutcome['budget_events'][number]) => e.crossed_at.slice(0, 16).replace('T', ' '), nowrap: true },
      { label: 'capped', cell: (e) => `${e.per === 'project' ? 'project' : 'key'} ${e.group ?? '—'}`, nowrap: true },
      { label: 'cap', cell: (e) => e.budget },
      { label: 'action', cell: (e) => e.action },
      { label: 'requests after', cell: (e) => int(e.affected_requests), num: true },
      { label: 'their cost', cell: (e) => usd(e.affected_cost_usd), num: true },
    ],
    p.budget_events.slice(0, 8),
    `Budget events (${int(p.budget_events.length)}${p.budget_events.length > 8 ? ', first 8' : ''})`,
  ) : ''}
${assumptions.length ? table(
    [
      { label: 'assumption', cell: (a: PolicyOutcome['assumptions'][number]) => a.assumption, nowrap: true },
      { label: 'model', cell: (a) => a.model ?? '—', nowrap: true },
      { label: 'task type', cell: (a) => a.task_type ?? '—', nowrap: true },
      { label: 'low', cell: (a) => num(a.low), num: true },
      { label: 'central', cell: (a) => num(a.central), num: true },
      { label: 'high', cell: (a) => num(a.high), num: true },
      // fail_rate: observed: which triples came from agent turns, which are the policy's guesses
      ...(assumptions.some((a) => a.source === 'observed') ? [{ label: 'from', cell: (a: PolicyOutcome['assumptions'][number]) => (a.source === 'observed' ? `${int(a.turns)} turns` : 'guess'), nowrap: true }] : []),
    ],
    assumptions.slice(0, 24),
    html`Assumptions${assumptions.length > 24 ? ` (first 24 of ${assumptions.length})` : ''} · policy fingerprint <code>${p.fingerprint}</code>`,
  ) : ''}`;
}

const num = (x: number) => (Number.isInteger(x) ? int(x) : x.toLocaleString('en-US', { maximumFractionDigits: 3 }));

export const whatifSection: ReportSection = {
  id: 'whatif',
  title: 'What-if: routing policies',
  async render(d: ReportData) {
    const w = d.whatif;
    if (!w || !w.policies.length) return null;
    if (w.history.requests === 0) return html`<p class="note">No usage in this period: nothing to replay under ${w.policies.map((p, i) => html`${i ? ', ' : ''}${p.name}`)}.</p>`;
    const costChart = await renderChart(
      'whatif-cost',
      policyCostSpec(w),
      'What each policy would have cost over this period (bar: central estimate; whisker: the bounds with every assumption at its optimistic or pessimistic end); the dashed line is the history at list prices.',
      'Bar chart with whiskers: replayed cost per policy',
    );
    const tierRule = MODEL_TIERS.map((t) => (t.minOutputUsdPerMtok ? `${t.tier} ≥ $${t.minOutputUsdPerMtok}/MTok` : `${t.tier} below`)).join(', ');
    const tierChart = await renderChart('whatif-tiers', tierMixSpec(w), `Spend by model tier (by output list price: ${tierRule}), history and each policy.`, 'Stacked bar chart: spend by model tier per policy');
    const summary = table(
      [
        { label: 'policy', cell: (p: PolicyOutcome) => p.name, nowrap: true },
        { label: 'cost', cell: (p) => usd(p.cost_usd.central), num: true },
        { label: 'bounds', cell: (p) => bounds(p.cost_usd), num: true },
        { label: 'savings', cell: (p) => usd(p.savings_usd.central), num: true },
        { label: '%', cell: (p) => pct(p.savings_pct.central, 1), num: true },
        { label: 'cache loss', cell: (p) => usd(p.cache_loss_usd), num: true },
        { label: 'break-even fail rate', cell: (p) => breakEven(p), nowrap: true },
        { label: 'evaluated', cell: (p) => pct(p.coverage.evaluated_share), num: true },
      ],
      w.policies,
      html`History at list prices ${usd(w.history.list_cost_usd)} (billed ${usd(w.history.billed_cost_usd)}) over ${int(w.history.requests)} requests`,
    );
    return html`<p class="note">${w.caveat}</p>
${costChart}
${summary}
${tierChart}
${w.policies.map(policyDetail)}
<p class="note">Prices: ${w.price_catalog.label}, fingerprint <code>${w.price_catalog.fingerprint}</code>. Replayed with <code>recount whatif</code>; the method is in the README.</p>`;
  },
};
