import type { TopLevelSpec } from 'vega-lite';
import { html, unsafe, type Html } from './html.js';
import { OTHER } from './section-data.js';
import { REPORT_FONT } from './text-width.js';
import { loadVega } from './vega-runtime.js';

/** Labels longer than this (px) are cut with an ellipsis; with exact widths a 50-character model name fits. */
export const LABEL_LIMIT = 340;

/** Plot widths (px) of a full-width and a half-width chart; the SVG scales down to the page with CSS. */
export const FULL_WIDTH = 640;
export const HALF_WIDTH = 260;

/** Series colours (Observable's 10-colour scheme); "other" is always grey. */
export const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#2a9d8f'];
export const OTHER_COLOR = '#9498a0';

/** Labels and titles of axes and legends: the report font at 11px, titles bold, long labels whole. */
const GUIDE_TEXT = {
  labelFont: REPORT_FONT,
  titleFont: REPORT_FONT,
  labelFontSize: 11,
  titleFontSize: 11,
  titleFontWeight: 'bold',
  labelLimit: LABEL_LIMIT,
} as const;

/** The vega config every report chart shares: the report's font (which the width table measures), no chrome. */
export const CHART_CONFIG = {
  font: REPORT_FONT,
  background: 'white',
  padding: 4,
  view: { stroke: null },
  axis: {
    ...GUIDE_TEXT,
    labelOverlap: true, // with exact widths, drop labels that would touch…
    labelSeparation: 8, // …keeping a gap between neighbours
    labelColor: '#333',
    titleColor: '#333',
    domainColor: '#999',
    tickColor: '#999',
    gridColor: '#e6e6e6',
  },
  legend: { ...GUIDE_TEXT, symbolType: 'square' },
  title: { font: REPORT_FONT, fontSize: 12 },
  text: { font: REPORT_FONT },
} as const;

/** The colour of each series, in order; "other" grey. */
export function seriesColors(series: readonly string[]): string[] {
  let i = 0;
  return series.map((s) => (s === OTHER ? OTHER_COLOR : PALETTE[i++ % PALETTE.length]));
}

/** A vega-lite spec with the report's config, data inlined (never a URL: the report makes no requests). */
export function withReportConfig(spec: Record<string, unknown>): TopLevelSpec {
  return { config: CHART_CONFIG, ...spec } as TopLevelSpec;
}

/**
 * Renders a vega-lite spec to an SVG string on the server: compiled with vega-lite, laid out by vega
 * with the report font's width table, no canvas, no DOM, no network. A chart rendered ahead with the
 * same spec (`renderAhead`) is taken as it is.
 */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  const key = JSON.stringify(spec);
  const early = ahead.get(key);
  if (early) {
    ahead.delete(key);
    return early;
  }
  return inTurn(() => drawSvg(spec));
}

async function drawSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await loadVega();
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return roundGeometry(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Charts rendered ahead of their page, by spec JSON; `aheadStarted` once a report's first is queued. */
const ahead = new Map<string, Promise<string>>();
let aheadStarted = false;
let queue: Promise<unknown> = Promise.resolve();

/** One chart at a time, in the order asked: vega's SVG ids count up in that order. */
function inTurn<T>(work: () => T | Promise<T>): Promise<T> {
  const result = queue.then(work);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Starts rendering a chart before its page: `report` asks as each chart's data arrives, so vega works on
 * the main thread (idle otherwise) while DuckDB runs the later queries. Asked in page order, the charts
 * take the same SVG ids as drawn with the page; a spec the page never asks for only costs its time.
 */
export function renderAhead(spec: TopLevelSpec): void {
  const key = JSON.stringify(spec);
  if (ahead.has(key)) return;
  if (!aheadStarted) {
    aheadStarted = true;
    inTurn(resetIds).catch(() => undefined); // a failure to load vega surfaces with the first chart
  }
  const svg = inTurn(() => drawSvg(spec));
  svg.catch(() => undefined); // a failure surfaces when the page takes the chart
  ahead.set(key, svg);
}

const GEOMETRY = / (d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g;

/**
 * Vega writes coordinates with full float precision (421.37203428571416); a hundredth of a pixel is
 * plenty. Only geometry attributes inside tags are touched: text and labels (which may hold ledger
 * values) stay exactly as vega escaped them. Smaller files, and output that float noise in the last
 * digits of a sum does not change.
 */
export function roundGeometry(svg: string): string {
  return svg.replace(/<[^<>]*>/g, (tag) =>
    tag.replace(GEOMETRY, (_m, name: string, value: string) => ` ${name}="${value.replace(/-?\d*\.\d+(?:e-?\d+)?/g, round2)}"`),
  );
}

function round2(num: string): string {
  const r = Math.round(Number(num) * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/**
 * A chart as a figure: the SVG inline (vega escapes every text and attribute it writes), a caption,
 * and `alt` as the SVG's accessible name. Readable without JavaScript; does not break across printed pages.
 */
export async function renderChart(id: string, spec: TopLevelSpec, caption: string | Html, alt: string): Promise<Html> {
  const svg = await renderSvg(spec);
  const labelled = svg.replace(/^<svg /, () => html`<svg role="img" aria-label="${alt}" data-chart="${id}" `.value);
  return html`<figure class="chart" id="chart-${id}">${unsafe(labelled)}<figcaption>${caption}</figcaption></figure>`;
}

/**
 * Starts a report's chart ids (vega's clip and gradient ids) from 1, so one report's output is
 * reproducible; charts rendered ahead started the count already.
 */
export async function resetChartIds(): Promise<void> {
  if (!aheadStarted) await inTurn(resetIds);
}

/** The page is done: charts rendered ahead and not taken are dropped, the next report counts from 1. */
export function endCharts(): void {
  ahead.clear();
  aheadStarted = false;
}

async function resetIds(): Promise<void> {
  (await loadVega()).vega.resetSVGDefIds();
}
