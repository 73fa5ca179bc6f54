import type { FileHead } from '../format.js';

/**
 * The JSON objects among the head's complete lines: JSON lines, a one-line array of objects, or one
 * element per line of an array ("[{…}," … "{…}]", as psql's json_agg writes). Cut-off lines are left out.
 */
export function jsonRecords(head: FileHead, max = 20): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of head.lines) {
    if (out.length >= max) break;
    const whole = line.trim();
    const stripped = whole.replace(/^[\s[,]+/, '').replace(/[\s,\]]+$/, '');
    for (const candidate of [whole, stripped]) {
      if (!candidate.startsWith('{') && !candidate.startsWith('[')) continue;
      try {
        const value: unknown = JSON.parse(candidate);
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
        }
        break;
      } catch {
        /* a truncated or pretty-printed line: try the next form, then the next line */
      }
    }
  }
  return out;
}
