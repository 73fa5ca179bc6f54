/**
 * The report's first screen: three answers a lead reads before scrolling. What it cost and on what
 * (spend by model), where the waste was (the strongest findings, in dollars), and what the best
 * replayed policy would have saved (with its low–high bounds). Pure: figures come from ReportData.
 */
import type { PolicyOutcome } from '../replay/whatif.js';
import { int, pct, usd, utcMinute } from './format.js';
import { html, type Html } from './html.js';
import type { FindingItem, ReportData, SpendOverTime } from './model.js';
import { OTHER } from './section-data.js';
import type { ReportSection } from './sections.js';

const code = (text: string) => html`<code>${text}</code>`;

export interface ModelSpend {
  model: string;
  cost_usd: number;
  share: number; // of the period's spend
}

/** Spend per model over the period, costliest first: the top `topN` by name, the rest as one line. */
export function spendByModel(s: SpendOverTime, totalUsd: number, topN = 5): ModelSpend[] {
  const byModel = new Map<string, number>();
  for (const p of s.points) byModel.set(p.series, (byModel.get(p.series) ?? 0) + p.cost_usd);
  const named = s.series.filter((m) => m !== OTHER).map((model) => ({ model, cost_usd: byModel.get(model) ?? 0 }));
  const shown = named.slice(0, topN);
  const rest = named.slice(topN).reduce((a, m) => a + m.cost_usd, 0) + (byModel.get(OTHER) ?? 0);
  const rows = rest > 0 ? [...shown, { model: OTHER, cost_usd: rest }] : shown;
  return rows.map((r) => ({ ...r, share: totalUsd > 0 ? r.cost_usd / totalUsd : 0 }));
}

/**
 * Findings whose dollars were spent for nothing or could have been spent on a cheaper model: cache
 * breaks, runaway sessions, tier-1 work on the top model, spend past a cap. Anomalous days (their excess
 * is often a runaway session's) and invoice gaps (a billing question) are listed but not counted.
 */
const WASTE_KINDS = new Set(['cache_breaks', 'runaway_session', 'concentration', 'budget']);

/**
 * The waste the findings show. They overlap (a runaway session's cache breaks are in both, its tier-1
 * calls in the concentration too), so their sum overstates it: `usd` is the largest finding's dollars,
 * which no overlap can shrink, and `up_to_usd` the sum, capped at what was spent.
 */
export function wasteOf(findings: FindingItem[], spentUsd: number): { usd: number; up_to_usd: number; findings: FindingItem[] } {
  const waste = findings.filter((f) => WASTE_KINDS.has(f.kind) && f.impact_usd != null && f.impact_usd > 0);
  const sizes = waste.map((f) => f.impact_usd ?? 0);
  const sum = sizes.reduce((a, x) => a + x, 0);
  return { usd: sizes.length ? Math.max(...sizes) : 0, up_to_usd: Math.max(Math.min(sum, spentUsd), ...sizes, 0), findings: waste };
}

/** The policy that saves the most (central estimate); null without a what-if. */
export function bestPolicy(policies: PolicyOutcome[]): PolicyOutcome | null {
  let best: PolicyOutcome | null = null;
  for (const p of policies) if (!best || p.savings_usd.central > best.savings_usd.central) best = p;
  return best;
}

/** "$12.40–$88.10", or "-$3.00 to $8.00" when a bound is negative (a dash would read as a minus). */
export function usdRange(low: number, high: number): string {
  return low < 0 || high < 0 ? `${usd(low)} to ${usd(high)}` : `${usd(low)}–${usd(high)}`;
}

function costAnswer(d: ReportData): Html {
  const models = spendByModel(d.spend_over_time, d.headline.cost_usd);
  const top = models[0];
  const tile = top && top.model !== OTHER
    ? html`<strong class="big">${usd(d.headline.cost_usd)}</strong> spent · <strong>${usd(top.cost_usd)}</strong> of it on <strong>${top.model}</strong>`
    : html`<strong class="big">${usd(d.headline.cost_usd)}</strong> spent`;
  const bars = models.length
    ? html`<ol class="bars">${models.map(
        (m) => html`<li><span class="bar-label">${m.model}</span><span class="bar-value">${usd(m.cost_usd)} · ${m.share > 0 && m.share < 0.005 ? '<1%' : pct(m.share)}</span><span class="bar" aria-hidden="true"><span style="width: ${(Math.min(1, Math.max(0, m.share)) * 100).toFixed(1)}%"></span></span></li>`,
      )}</ol>`
    : html`<p class="note">No priced spend in this period.</p>`;
  return html`<div class="answer" id="answer-cost"><p class="question">What it cost, and on what</p>
<p class="tile">${tile}</p>${bars}</div>`;
}

const KIND_LABEL: Record<string, string> = {
  unpriced: 'unpriced models',
  concentration: 'concentration on one model',
  cache_breaks: 'cache breaks',
  runaway_session: 'runaway sessions',
  anomalous_day: 'anomalous days',
  reconciliation: 'invoice gaps',
  budget: 'budget caps',
};

function wasteAnswer(d: ReportData): Html {
  const waste = wasteOf(d.findings, d.headline.cost_usd);
  const n = waste.findings.length;
  // the findings the figure comes from; without any, the strongest priced findings
  const shown = (n ? waste.findings : d.findings.filter((f) => f.impact_usd != null)).slice(0, 3);
  const tile = n ? html`<strong class="big">${usd(waste.usd)}</strong> of waste found` : html`<strong class="big">No waste</strong> found`;
  const basis =
    n > 1 && waste.up_to_usd > waste.usd + 0.005
      ? html`<p class="note">The largest of ${int(n)} findings (cache breaks, runaway sessions, tier-1 work on the top model, spend past a cap); together up to ${usd(waste.up_to_usd)}, as they can overlap.</p>`
      : '';
  const list = shown.length
    ? html`<ol class="top-findings">${shown.map((f) => html`<li><span class="impact">${usd(f.impact_usd)}</span> ${f.title}</li>`)}</ol>`
    : html`<p class="note">Nothing stands out in this period.</p>`;
  const rest = d.findings.filter((f) => !shown.includes(f));
  const kinds = [...new Set(rest.map((f) => KIND_LABEL[f.kind] ?? f.kind.replace(/_/g, ' ')))];
  const more = rest.length ? html`<p class="note"><a href="#findings">All ${int(d.findings.length)} findings</a> (also ${kinds.join(', ')})</p>` : '';
  return html`<div class="answer" id="answer-waste"><p class="question">Where the waste was</p>
<p class="tile">${tile}</p>${basis}${list}${more}</div>`;
}

function policyAnswer(d: ReportData): Html {
  const w = d.whatif;
  const best = w && w.history.requests > 0 ? bestPolicy(w.policies) : null;
  const head = html`<div class="answer" id="answer-policy"><p class="question">What the best policy would have saved</p>`;
  if (!w || !best) {
    return html`${head}<p class="tile"><strong class="big">No policy</strong> replayed</p>
<p class="note">Replay one over this period: ${code('recount report --policy cheap-by-default')}.</p></div>`;
  }
  const s = best.savings_usd;
  const tile = s.central > 0.005
    ? html`best policy: <strong>${best.name}</strong> saves <strong class="big">${usd(s.central)}</strong> <span class="nobr">(${usdRange(s.low, s.high)})</span>`
    : html`<strong class="big">No policy</strong> saves money here (best: ${best.name}, ${usd(s.central)})`;
  const ranked = [...w.policies].sort((a, b) => b.savings_usd.central - a.savings_usd.central || a.name.localeCompare(b.name)).slice(0, 5);
  return html`${head}<p class="tile">${tile}</p>
<p class="note">${pct(best.savings_pct.central, 1)} of ${usd(best.baseline_cost_usd)} at list prices; the range puts every assumption at its pessimistic, then its optimistic end.</p>
<ol class="policies">${ranked.map((p) => html`<li><span class="bar-label">${p.name}</span><span class="bar-value">${p.savings_usd.central < -0.005 ? `costs ${usd(-p.savings_usd.central)} more` : `saves ${usd(p.savings_usd.central)}`}</span></li>`)}</ol>
<p class="note"><a href="#whatif">The replay, rule by rule</a></p></div>`;
}

export const headlineSection: ReportSection = {
  id: 'headline',
  title: 'At a glance',
  async render(d) {
    const h = d.headline;
    const p = d.period;
    const days = p.tz === 'UTC' ? '' : `days in ${p.tz}; `;
    const dataRange = h.first_at ? `${days}data from ${utcMinute(h.first_at)} to ${utcMinute(h.last_at)}` : `${days}no data in this period`;
    const unpriced = h.unpriced_records
      ? html`<p class="warn"><strong>${int(h.unpriced_records)} record${h.unpriced_records === 1 ? ' has' : 's have'} no catalog price</strong> (${h.unpriced_models.join(', ')}): ${
          h.uncosted_records === 0 ? 'all are in the totals at what the source billed' : `${int(h.uncosted_records)} of them are missing from the totals`
        }. Add their rates with ${code('--prices FILE')}.</p>`
      : '';
    return html`<div class="answers">
${costAnswer(d)}
${wasteAnswer(d)}
${policyAnswer(d)}
</div>
<p class="note facts-line">${int(h.requests)} requests in ${int(h.records)} ledger records across ${int(h.models)} models · list price ${usd(h.list_cost_usd)}, billed where the source says ${usd(h.billed_cost_usd)} · ${dataRange}</p>
${unpriced}`;
  },
};
