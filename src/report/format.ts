/** Number and time formats the report prints (fixed locale, UTC, so a report reads the same everywhere). */
import { usd as usdExact } from '../format/table.js';
import { html, type Html } from './html.js';

/** Dollars as recount prints them (4 decimals below a cent); an amount that rounds to nothing prints $0.00, not -$0.0000. */
export const usd = (value: number | null | undefined): string => usdExact(value != null && Math.abs(value) < 0.00005 ? 0 : value);

export const int = (n: number | null | undefined): string => (n == null ? '—' : Math.round(n).toLocaleString('en-US'));

export const pct = (share: number | null | undefined, digits = 0): string =>
  share == null || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(digits)}%`;

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** 215,354,741 → 215.4M */
export const compact = (n: number | null | undefined): string => (n == null ? '—' : compactFormat.format(n));

/** An ISO instant as `2026-10-01 09:30 UTC`. */
export const utcMinute = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

/** 27 min, 5.6 h, 14.1 d */
export function duration(minutes: number): string {
  if (minutes < 90) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

/** A table column: its header, how to get a row's cell, and whether it is a number (right-aligned). */
export interface Column<T> {
  label: string;
  cell: (row: T) => unknown;
  num?: boolean; // right-aligned, tabular figures, kept on one line
  nowrap?: boolean; // short identifiers and dates: kept on one line
  anywhere?: boolean; // long unbroken values (file paths): may wrap at any character
}

/** A table whose every cell is escaped (cells may also be `Html`). */
export function table<T>(columns: Column<T>[], rows: T[], caption?: string | Html): Html {
  return html`<table>${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${columns.map(
    (c) => html`<th${cellClass(c)}>${c.label}</th>`,
  )}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${columns.map((c) => html`<td${cellClass(c)}>${c.cell(r)}</td>`)}</tr>`,
  )}</tbody></table>`;
}

function cellClass(c: { num?: boolean; nowrap?: boolean; anywhere?: boolean }): Html | string {
  return c.num ? html` class="num"` : c.nowrap ? html` class="nowrap"` : c.anywhere ? html` class="any"` : '';
}
