import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BOLD_ADVANCES, REGULAR_ADVANCES, UNITS_PER_EM, type AdvanceRanges } from './font-metrics.js';

/**
 * The report's font stack, used by the page's CSS and every chart's vega config alike. Liberation Sans
 * and Arial share their advance widths, so the table in font-metrics.ts measures whichever of the two
 * the reader's machine has (Helvetica's are within a hair of them).
 */
export const REPORT_FONT = '"Liberation Sans", Arial, Helvetica, sans-serif';

/** Width of a character the table does not cover (CJK, emoji, symbols), in em: a full em, never too narrow. */
export const FALLBACK_EM = 1;

type Table = Map<number, number>; // code point → advance in em

function buildTable(ranges: AdvanceRanges): Table {
  const table: Table = new Map();
  for (const [first, widths] of ranges) {
    widths.forEach((w, i) => {
      if (w >= 0) table.set(first + i, w / UNITS_PER_EM);
    });
  }
  return table;
}

const REGULAR = buildTable(REGULAR_ADVANCES);
const BOLD = buildTable(BOLD_ADVANCES);

/** Advance width of one character in em (0 for control characters). */
export function charAdvanceEm(codePoint: number, bold = false): number {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  return (bold ? BOLD : REGULAR).get(codePoint) ?? FALLBACK_EM;
}

/** The width in pixels of `text` set in the report font at `fontSize` px (no kerning: a hair wide, never narrow). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charAdvanceEm(ch.codePointAt(0)!, bold);
  return em * fontSize;
}

/** Vega's fontWeight values that select the bold face. */
export function isBold(weight: unknown): boolean {
  if (weight == null) return false;
  if (typeof weight === 'number') return weight >= 600;
  const w = String(weight).toLowerCase();
  return w === 'bold' || w === 'bolder' || (/^\d+$/.test(w) && Number(w) >= 600);
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: unknown;
}

/** What vega measures a text mark's line with: the table instead of its 0.8 × font size per character guess. */
export function measureItem(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11; // vega's default font size
  const line = text == null ? '' : String(text).trim(); // vega trims what it draws
  return size <= 0 ? 0 : textWidth(line, size, isBold(item.fontWeight));
}

/** vega-scenegraph's `textMetrics`: vega-runtime.ts points `width` at `measureItem`. */
export interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
  estimateWidth?: (item: TextItem, text: unknown) => number;
}

/**
 * Every copy of vega-scenegraph that vega's packages load. npm nests a newer copy under some of them
 * (vega 6.3 pins ~5.2 at the top while vega-view-transforms, vega-label and vega-functions want ^5.3),
 * and each copy has its own `textMetrics`: the one vega-view-transforms loads lays out axes and legends,
 * the top one draws. Walks vega's vega-* dependencies and resolves vega-scenegraph from each.
 */
export function scenegraphCopies(): string[] {
  const found = new Set<string>();
  const visited = new Set<string>();
  const visit = (entry: string, depth: number) => {
    if (visited.has(entry)) return;
    visited.add(entry);
    const req = createRequire(entry);
    try {
      found.add(fs.realpathSync(req.resolve('vega-scenegraph')));
    } catch {
      // this package does not load vega-scenegraph
    }
    if (depth === 0) return;
    const deps = Object.keys(readPackageJson(entry)?.dependencies ?? {}).filter((d) => d.startsWith('vega-'));
    for (const dep of deps) {
      try {
        visit(fs.realpathSync(req.resolve(dep)), depth - 1);
      } catch {
        // not resolvable from here (a dependency without a default export): nothing to patch through it
      }
    }
  };
  visit(fs.realpathSync(createRequire(import.meta.url).resolve('vega')), 3);
  return [...found].sort();
}

function readPackageJson(entry: string): { dependencies?: Record<string, string> } | null {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return null;
}
