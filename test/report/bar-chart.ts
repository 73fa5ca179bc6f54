import type { TopLevelSpec } from 'vega-lite';
import { withReportConfig } from '../../src/report/charts.js';

/** A model id longer than a naive width guess allows on an axis, but within the label limit. */
export const LONG = 'anthropic/claude-sonnet-4-5-20250929-long-context';

/** A bar chart whose y axis lists `labels` (11px labels, the report's config). */
export const barChart = (labels: string[]): TopLevelSpec =>
  withReportConfig({
    width: 200,
    height: { step: 20 },
    data: { values: labels.map((label, i) => ({ label, v: i + 1 })) },
    mark: 'bar',
    encoding: { y: { field: 'label', type: 'nominal', title: null, sort: null }, x: { field: 'v', type: 'quantitative', title: null } },
  });
