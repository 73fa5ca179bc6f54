/** Aligned plain-text tables for human output. Numbers right-aligned, with thousands separators. */

export interface Column {
  key: string;
  label?: string;
  format?: (value: unknown, row: Record<string, unknown>) => string;
}

export function renderTable(rows: Record<string, unknown>[], columns?: Column[]): string {
  const cols: Column[] = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key }));
  if (!cols.length) return '(no rows)\n';
  const cells = rows.map((row) => cols.map((c) => (c.format ? c.format(row[c.key], row) : formatCell(row[c.key], c.key))));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => r[c.key] == null || typeof r[c.key] === 'number'));
  const headers = cols.map((c) => c.label ?? c.key);
  const widths = cols.map((_, i) => Math.max(headers[i].length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
  if (!rows.length) out.push('(no rows)');
  return out.join('\n') + '\n';
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
