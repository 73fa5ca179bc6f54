import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOLD_ADVANCES, REGULAR_ADVANCES, UNITS_PER_EM } from '../../src/report/font-metrics.js';
import { LABEL_LIMIT, renderSvg } from '../../src/report/charts.js';
import { barChart, LONG } from './bar-chart.js';
import { charAdvanceEm, FALLBACK_EM, isBold, measureItem, REPORT_FONT, scenegraphCopies, textWidth } from '../../src/report/text-width.js';
import { loadVega } from '../../src/report/vega-runtime.js';

interface Metrics {
  textMetrics: { width: (item: unknown, text: unknown) => number; estimateWidth: (item: unknown, text: unknown) => number };
}

describe('text widths from the report font', () => {
  it('reads the advance widths of Liberation Sans (Arial metrics) from the table', () => {
    const advance = (ranges: typeof REGULAR_ADVANCES, ch: string) => {
      const cp = ch.codePointAt(0)!;
      const [first, widths] = ranges.find(([f, w]) => cp >= f && cp < f + w.length)!;
      return widths[cp - first];
    };
    expect(UNITS_PER_EM).toBe(2048);
    // Arial's well-known advances: space 569, 'A' 1366, 'a' 1139, 'i' 455, 'W' 1933, '0' 1139; bold 'a' 1139, 'm' 1821
    expect([' ', 'A', 'a', 'i', 'W', '0'].map((c) => advance(REGULAR_ADVANCES, c))).toEqual([569, 1366, 1139, 455, 1933, 1139]);
    expect(advance(BOLD_ADVANCES, 'm')).toBe(1821);
    expect(textWidth('A', 11)).toBeCloseTo((1366 / 2048) * 11, 10);
    const word = 'claude-opus-4-6';
    const sum = [...word].reduce((a, c) => a + advance(REGULAR_ADVANCES, c), 0);
    expect(textWidth(word, 12)).toBeCloseTo((sum / 2048) * 12, 10);
    expect(textWidth(word, 12, true)).toBeGreaterThan(textWidth(word, 12));
  });

  it('covers Latin-1 and punctuation, gives unknown characters a full em and control characters nothing', () => {
    expect(charAdvanceEm('é'.codePointAt(0)!)).toBeCloseTo(1139 / 2048, 10);
    expect(charAdvanceEm('…'.codePointAt(0)!)).toBeCloseTo(2048 / 2048, 10);
    expect(charAdvanceEm('漢'.codePointAt(0)!)).toBe(FALLBACK_EM);
    expect(textWidth('\t\n', 11)).toBe(0);
  });

  it('measures vega text items as vega draws them: trimmed, 11px by default, bold by weight', () => {
    expect(measureItem({}, '  gpt-5  ')).toBeCloseTo(textWidth('gpt-5', 11), 10);
    expect(measureItem({ fontSize: 14, fontWeight: 'bold' }, 'gpt-5')).toBeCloseTo(textWidth('gpt-5', 14, true), 10);
    expect(measureItem({ fontSize: 0 }, 'x')).toBe(0);
    expect([isBold('bold'), isBold(700), isBold('600'), isBold('normal'), isBold(400), isBold(undefined)]).toEqual([true, true, true, false, false, false]);
  });
});

describe('vega with the width table', () => {
  const copies: Metrics[] = [];
  beforeAll(async () => {
    for (const file of scenegraphCopies()) copies.push((await import(pathToFileURL(file).href)) as Metrics);
    await loadVega();
  });
  afterAll(() => copies.forEach((c) => (c.textMetrics.width = measureItem)));

  it('patches every copy of vega-scenegraph that vega loads', () => {
    expect(copies.length).toBeGreaterThanOrEqual(1);
    for (const c of copies) expect(c.textMetrics.width).toBe(measureItem);
  });

  it('sets the report font in the chart config and the SVG', async () => {
    const svg = await renderSvg(barChart(['gpt-5']));
    expect(svg).toContain(`font-family="${REPORT_FONT.replace(/"/g, '&quot;')}"`);
  });

  it('draws a long model name whole, where the 0.8 em guess would cut it', async () => {
    expect(0.8 * 11 * LONG.length).toBeGreaterThan(LABEL_LIMIT); // the guess is past the limit
    expect(textWidth(LONG, 11)).toBeLessThan(LABEL_LIMIT); // the real width is not
    const svg = await renderSvg(barChart([LONG, 'gpt-5']));
    expect(svg).toContain(`>${LONG}</text>`);
    expect(svg).not.toContain('…');

    // the same chart measured by vega's own guess loses the end of the name (so this test can fail)
    for (const c of copies) c.textMetrics.width = c.textMetrics.estimateWidth;
    try {
      const guessed = await renderSvg(barChart([LONG, 'gpt-5']));
      expect(guessed).toContain('…');
      expect(guessed).not.toContain(`>${LONG}</text>`);
    } finally {
      for (const c of copies) c.textMetrics.width = measureItem;
    }
  });

  it('lays the axis out for the measured width of the longest label', async () => {
    const label = 'claude-sonnet-4-5 (openrouter)';
    const svg = await renderSvg(barChart([label, 'o4-mini']));
    const [, x] = /<g fill="none" stroke-miterlimit="4" transform="translate\(([\d.]+),/.exec(svg)!;
    // padding 4 + label + label padding 2 + tick 5: the plot starts right after the measured label
    expect(Number(x)).toBeGreaterThanOrEqual(textWidth(label, 11) + 11);
    expect(Number(x)).toBeLessThanOrEqual(Math.ceil(textWidth(label, 11) + 11) + 1);
    expect(Number(x)).toBeLessThan(0.8 * 11 * label.length); // not the guess
  });
});

describe('chart SVG geometry', () => {
  it('rounds coordinates to hundredths, and only in geometry attributes', async () => {
    const { roundGeometry } = await import('../../src/report/charts.js');
    const svg = '<g transform="translate(31.428571428571427,16)"><path d="M0,21h421.37203428571416v18h-421.3720342857143Z" aria-label="cost: 0.123456"/><text x="-0.0001">a d="1.23456"</text></g>';
    expect(roundGeometry(svg)).toBe('<g transform="translate(31.43,16)"><path d="M0,21h421.37v18h-421.37Z" aria-label="cost: 0.123456"/><text x="0">a d="1.23456"</text></g>');
  });
});
