/** Aligned plain-text tables for human output. Numbers right-aligned, with thousands separators. */
import { outputWidth, wrapLine } from './output-options.js';

export interface Column {
  key: string;
  label?: string;
  format?: (value: unknown, row: Record<string, unknown>) => string;
  /** 0: primary, never dropped; higher numbers are dropped first when the terminal is narrow. Default: the first column 0, then its position. */
  priority?: number;
  /** a text column is not cut narrower than this (default 10, or its header) */
  minWidth?: number;
}

export interface TableOptions {
  /** keys of the columns kept whatever the width (besides the first); the rest go, last first, before any is cut below its floor */
  primary?: string[];
  /** the width to fit; default the terminal's (see outputWidth) */
  width?: number;
}

const GAP = 2;
const FLOOR = 10; // a text column is not cut narrower than this (or its header)

export function renderTable(rows: Record<string, unknown>[], columns?: Column[], options: TableOptions = {}): string {
  const all: Column[] = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key }));
  if (!all.length) return '(no rows)\n';
  // one line per row: a newline or tab inside a cell would break the columns
  const cell = (c: Column, row: Record<string, unknown>) => (c.format ? c.format(row[c.key], row) : formatCell(row[c.key], c.key)).replace(/[\r\n\t]+/g, ' ');
  const cells = rows.map((row) => all.map((c) => cell(c, row)));
  const numeric = all.map((c) => rows.length > 0 && rows.every((r) => r[c.key] == null || typeof r[c.key] === 'number'));
  const headers = all.map((c) => c.label ?? c.key);
  const natural = all.map((_, i) => Math.max(headers[i].length, ...cells.map((r) => r[i].length)));
  const layout = fitColumns(all, natural, numeric, headers, options);
  const shown = layout.kept;
  const fit = (v: string, w: number) => (v.length > w ? `${v.slice(0, Math.max(w - 1, 0))}…` : v);
  const line = (vals: string[]) =>
    shown
      .map((i, n) => (numeric[i] ? fit(vals[i], layout.widths[n]).padStart(layout.widths[n]) : fit(vals[i], layout.widths[n]).padEnd(layout.widths[n])))
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [line(headers), layout.widths.map((w) => '─'.repeat(w)).join(' '.repeat(GAP)), ...cells.map(line)];
  if (!rows.length) out.push('(no rows)');
  const hidden = all.map((c, i) => (shown.includes(i) ? '' : headers[i])).filter(Boolean);
  if (hidden.length) out.push(...wrapLine(`(${hidden.length} column${hidden.length === 1 ? '' : 's'} left out to fit ${layout.width} columns: ${hidden.join(', ')}; --wide shows all)`, 1, layout.width));
  return out.join('\n') + '\n';
}

interface Layout {
  kept: number[]; // indexes of the columns shown, in order
  widths: number[]; // their widths
  width: number; // the width fitted
}

/**
 * Which columns to show and how wide. Text columns are cut (down to a floor) before a column is
 * dropped; numbers are never cut (a cut number reads as another number). Secondary columns go first,
 * the highest priority number first; primary ones stay even if the line then runs over.
 */
function fitColumns(cols: Column[], natural: number[], numeric: boolean[], headers: string[], options: TableOptions): Layout {
  const width = options.width ?? outputWidth();
  const priority = cols.map((c, i) => c.priority ?? (i === 0 || options.primary?.includes(c.key) ? 0 : i));
  const floor = natural.map((w, i) => (numeric[i] ? w : Math.min(w, Math.max(cols[i].minWidth ?? FLOOR, headers[i].length))));
  const kept = cols.map((_, i) => i);
  const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + GAP * Math.max(ws.length - 1, 0);
  while (sum(kept.map((i) => floor[i])) > width) {
    const droppable = kept.filter((i) => priority[i] > 0);
    if (!droppable.length) break;
    const worst = droppable.reduce((a, b) => (priority[b] >= priority[a] ? b : a));
    kept.splice(kept.indexOf(worst), 1);
  }
  return { kept, widths: shareWidth(kept.map((i) => natural[i]), kept.map((i) => floor[i]), width - GAP * Math.max(kept.length - 1, 0)), width };
}

/** Column widths within `room`: the widest are cut to a common cap, none below its floor. */
function shareWidth(natural: number[], floor: number[], room: number): number[] {
  const at = (cap: number) => natural.map((w, i) => Math.min(w, Math.max(cap, floor[i])));
  const total = (cap: number) => at(cap).reduce((a, b) => a + b, 0);
  if (total(Math.max(...natural)) <= room) return natural;
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
}

export function formatCell(value: unknown, key = ''): string {
  if (value == null) return '—';
  if (typeof value === 'number') {
    if (key.endsWith('_usd')) return usd(value);
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  }
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function usd(value: number | null | undefined): string {
  if (value == null) return '—';
  const abs = Math.abs(value);
  const digits = abs !== 0 && abs < 0.01 ? 4 : 2;
  return `${value < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** JSON with Dates as ISO strings and bigints as strings; one value per line-friendly output. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
}
