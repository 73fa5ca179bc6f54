/** Small formatting helpers for the bench's printed output. */

export const int = (n: number) => Math.round(n).toLocaleString('en-US');

export const secs = (s: number) => `${s.toFixed(2)} s`;

export const mib = (kib: number | null | undefined) => (kib == null ? '—' : `${int(kib / 1024)} MiB`);

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** 1_000_000 → '1M', 300_000 → '300k' (for labels). */
export function compact(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return int(n);
}

/** "x.x× faster" / "x.x× slower" for recount's time against a baseline's. */
export function speedup(recountSeconds: number, baselineSeconds: number): string {
  const r = baselineSeconds / recountSeconds;
  return r >= 1 ? `${r.toFixed(1)}× faster` : `${(1 / r).toFixed(1)}× slower`;
}

/** Left-aligned columns separated by at least two spaces; a null row prints as a blank line. */
export function renderTable(rows: (string[] | null)[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row?.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => (row ? indent + row.map((cell, i) => cell.padEnd(widths[i])).join('  ') : '').trimEnd())
    .join('\n');
}

export const verdict = (ok: boolean) => (ok ? 'ok' : 'MISMATCH');

export const log = (line = '') => process.stdout.write(line + '\n');
