import { describe, expect, it } from 'vitest';
import type { PolicyOutcome, WhatIfReport } from '../../src/replay/whatif.js';
import { bestPolicy, headlineSection, spendByModel, usdRange, wasteOf } from '../../src/report/first-screen.js';
import type { FindingItem, ReportData } from '../../src/report/model.js';
import { OTHER } from '../../src/report/section-data.js';

const finding = (kind: string, impact: number | null, title = `${kind} ${impact}`): FindingItem => ({ kind, title, impact_usd: impact, query: 'recount query x' });

const policy = (name: string, central: number, low: number, high: number): PolicyOutcome =>
  ({ name, baseline_cost_usd: 788, savings_usd: { low, central, high }, savings_pct: { low: low / 788, central: central / 788, high: high / 788 } }) as PolicyOutcome;

/** The parts of ReportData the first screen reads: a day of a coding agent, $788 of it. */
function day(over: Partial<ReportData> = {}): ReportData {
  return {
    period: { since: '2026-10-21', until: '2026-10-21', tz: 'UTC' },
    headline: {
      cost_usd: 788, list_cost_usd: 790, billed_cost_usd: 0, records: 3572, requests: 3572, first_at: '2026-10-21T07:00:00.000Z', last_at: '2026-10-21T20:00:00.000Z',
      models: 3, top_model: 'claude-opus-4-6', top_model_cost_usd: 615, top_model_share: 615 / 788, unpriced_records: 0, uncosted_records: 0, unpriced_models: [], cost_per_request: [],
    },
    spend_over_time: {
      series: ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
      points: [
        { day: '2026-10-21', series: 'claude-opus-4-6', cost_usd: 615 },
        { day: '2026-10-21', series: 'claude-sonnet-4-5', cost_usd: 171.5 },
        { day: '2026-10-21', series: 'claude-haiku-4-5', cost_usd: 1.5 },
      ],
      days: 1,
      total_cost_usd: 788,
    },
    findings: [
      finding('anomalous_day', 748, '2026-10-21: claude-opus-4-6 spent $788.00, $748.00 above its median day'),
      finding('concentration', 201.5, '78% of spend ($615.00 of $788.00) is claude-opus-4-6; 61% of its calls were tier-1 work'),
      finding('runaway_session', 120, 'session 7f3c9a1e… ran 412 turns over 3.1 hours'),
      finding('cache_breaks', 63, '41 cache breaks in 9 sessions cost $63.00 more than cache reads would have'),
      finding('reconciliation', 14.2),
    ],
    whatif: { history: { requests: 3572 }, policies: [policy('identity', 0, 0, 0), policy('task-tiers', 310, 120, 402), policy('cheap-by-default', 520.4, 388.1, 601.9)] } as unknown as WhatIfReport,
    ...over,
  } as ReportData;
}

const text = async (d: ReportData) => (await headlineSection.render(d))!.value.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the first screen', () => {
  it('answers in plain words: spent and on what, waste found, the best policy with its range', async () => {
    const t = await text(day());
    expect(t).toContain('$788.00 spent · $615.00 of it on claude-opus-4-6');
    // the largest waste finding (tier-1 work on the flagship); with the runaway session and the cache
    // breaks up to $384.50 — never the anomalous day or the invoice gap
    expect(t).toContain('$201.50 of waste found The largest of 3 findings');
    expect(t).toContain('together up to $384.50, as they can overlap');
    expect(t).toContain('best policy: cheap-by-default saves $520.40 ($388.10–$601.90)');
    expect(t).toMatch(/cheap-by-default saves \$520\.40 task-tiers saves \$310\.00 identity saves \$0\.00/); // the others, best first
    expect(t).toContain('All 5 findings (also anomalous days, invoice gaps)');
    // spend by model, costliest first, with shares
    expect(t).toMatch(/claude-opus-4-6 \$615\.00 · 78%.*claude-sonnet-4-5 \$171\.50 · 22%.*claude-haiku-4-5 \$1\.50 · &lt;1%/);
  });

  it('says so when nothing was replayed, nothing saves money, or there is no waste', async () => {
    expect(await text(day({ whatif: undefined }))).toContain('No policy replayed Replay one over this period: recount report --policy cheap-by-default');
    const losing = day({ whatif: { history: { requests: 10 }, policies: [policy('identity', 0, 0, 0), policy('task-tiers', -2.36, -3.14, -2.03)] } as unknown as WhatIfReport });
    expect(await text(losing)).toContain('No policy saves money here (best: identity, $0.00)');
    const quiet = await text(day({ findings: [finding('anomalous_day', 12)] }));
    expect(quiet).toContain('No waste found');
    expect(quiet).toContain('$12.00 anomalous_day 12'); // the strongest findings still show
  });

  it('folds models past the top five, and the chart folds, into one line', () => {
    const rows = spendByModel(
      {
        series: ['a', 'b', 'c', 'd', 'e', 'f', OTHER],
        points: ['a', 'b', 'c', 'd', 'e', 'f', OTHER].map((series, i) => ({ day: '2026-10-01', series, cost_usd: 70 - i * 10 })),
        days: 1,
        total_cost_usd: 280,
      },
      280,
    );
    expect(rows.map((r) => [r.model, r.cost_usd])).toEqual([['a', 70], ['b', 60], ['c', 50], ['d', 40], ['e', 30], [OTHER, 20 + 10]]);
    expect(rows[0].share).toBe(0.25);
  });

  it('adds only waste kinds, and picks the best policy by its central savings', () => {
    expect(wasteOf([finding('unpriced', null), finding('budget', 5), finding('cache_breaks', 0), finding('reconciliation', 99)], 100)).toEqual({ usd: 5, up_to_usd: 5, findings: [finding('budget', 5)] });
    // overlapping findings never add up to more than was spent
    const day788 = wasteOf([finding('concentration', 929.14), finding('runaway_session', 851.72), finding('cache_breaks', 225.15)], 995.64);
    expect([day788.usd, day788.up_to_usd]).toEqual([929.14, 995.64]);
    expect(wasteOf([], 10)).toEqual({ usd: 0, up_to_usd: 0, findings: [] });
    expect(bestPolicy([policy('a', 1, -5, 9), policy('b', 3, 2, 4)])?.name).toBe('b');
    expect(bestPolicy([])).toBeNull();
    expect([usdRange(2, 4), usdRange(-616.27, 173.66)]).toEqual(['$2.00–$4.00', '-$616.27 to $173.66']);
  });
});
