/**
 * Vega-Lite specs of the report's charts: pure functions from a section's data to a spec with its data
 * inlined. charts.ts renders them to SVG.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FULL_WIDTH, HALF_WIDTH, PALETTE, seriesColors, withReportConfig } from './charts.js';
import type { CacheSection, CostPerRequest, SpendOverTime, TaskTypeSpend, TokenMix } from './model.js';

const BAR_STEP = 20; // px per bar in horizontal bar charts

/** Days (YYYY-MM-DD, parsed as UTC midnight) on a UTC time axis, so the machine's zone never shifts a day. */
const DAY_AXIS = { field: 'day', type: 'temporal', timeUnit: 'utcyearmonthdate', title: null, axis: { format: '%b %d', labelOverlap: true, grid: false } } as const;

/** Spend per day, stacked by model (the top models by name, the rest as one grey series). */
export function spendOverTimeSpec(data: SpendOverTime): TopLevelSpec {
  return withReportConfig({
    width: FULL_WIDTH,
    height: 240,
    data: { values: data.points },
    mark: { type: 'bar' },
    encoding: {
      x: DAY_AXIS,
      y: { field: 'cost_usd', type: 'quantitative', aggregate: 'sum', title: 'spend (USD)', axis: { format: '$,.0f' } },
      color: {
        field: 'series',
        type: 'nominal',
        title: 'model',
        scale: { domain: data.series, range: seriesColors(data.series) },
        legend: { orient: 'bottom', columns: 3, symbolLimit: 0 },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(data.series)}, datum.series)`, as: 'order' }],
  });
}

/** What one call costs per model, dearest first. */
export function costPerRequestSpec(rows: CostPerRequest[]): TopLevelSpec {
  return withReportConfig({
    width: FULL_WIDTH - 200,
    height: { step: BAR_STEP },
    data: { values: rows },
    mark: { type: 'bar', color: PALETTE[0] },
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null },
      x: { field: 'cost_per_request_usd', type: 'quantitative', title: 'USD per request', axis: { format: '$,.3~f' } },
    },
  });
}

/** Spend per task type, coloured by routing tier. */
export function taskTypeSpec(data: TaskTypeSpend): TopLevelSpec {
  const tiers = [...new Set(data.by_task_type.map((r) => r.tier))].sort();
  return withReportConfig({
    width: HALF_WIDTH,
    height: { step: BAR_STEP },
    data: { values: data.by_task_type },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'task_type', type: 'nominal', title: null, sort: null },
      x: { field: 'cost_usd', type: 'quantitative', title: 'spend (USD)', axis: { format: '$,.2~f' } },
      // the tier chart beside it names the colours
      color: { field: 'tier', type: 'nominal', title: 'tier', scale: { domain: tiers, range: tierColors(tiers) }, legend: null },
    },
  });
}

/** Spend per routing tier. */
export function tierSpec(data: TaskTypeSpend): TopLevelSpec {
  const tiers = data.by_tier.map((r) => r.tier);
  return withReportConfig({
    width: HALF_WIDTH,
    height: { step: BAR_STEP },
    data: { values: data.by_tier },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'tier', type: 'nominal', title: null, sort: null },
      x: { field: 'cost_usd', type: 'quantitative', title: 'spend (USD)', axis: { format: '$,.2~f' } },
      color: { field: 'tier', type: 'nominal', scale: { domain: tiers, range: tierColors(tiers) }, legend: null },
    },
  });
}

/** Fixed colours for the routing tiers (shared with the tier panel, tier-section.ts). */
export function tierColors(tiers: string[]): string[] {
  const fixed: Record<string, string> = { 'tier 1 (cheap)': '#3ca951', 'tier 2 (mid-size)': '#4269d0', 'tier 3 (frontier)': '#ff725c', unclassified: '#9498a0', mixed: '#c9ccd1' };
  return tiers.map((t, i) => fixed[t] ?? PALETTE[(i + 3) % PALETTE.length]);
}

/** Share of list cost per token bucket. */
export function tokenMixSpec(data: TokenMix): TopLevelSpec {
  return withReportConfig({
    width: FULL_WIDTH - 200,
    height: { step: BAR_STEP },
    data: { values: data.parts },
    mark: { type: 'bar', color: PALETTE[1] },
    encoding: {
      y: { field: 'bucket', type: 'nominal', title: null, sort: null },
      x: { field: 'share', type: 'quantitative', title: 'share of list cost', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
    },
  });
}

/** Cache hit ratio per day (cache reads / prompt tokens of per-request rows). */
export function cacheHitSpec(data: CacheSection): TopLevelSpec {
  return withReportConfig({
    width: FULL_WIDTH,
    height: 180,
    data: { values: data.days },
    mark: { type: 'line', point: { filled: true, size: 30 }, color: PALETTE[3], strokeWidth: 2 },
    encoding: {
      x: DAY_AXIS,
      y: { field: 'cache_hit_ratio', type: 'quantitative', title: 'cache hit ratio', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
    },
  });
}
