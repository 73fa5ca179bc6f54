import type { FileHead, Importer } from './types.js';

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

/** A GET /api/v1/generation response ({data:{…}}) or the bare generation object. */
export function isGeneration(o: Record<string, unknown>): boolean {
  const g = (o.data && typeof o.data === 'object' ? o.data : o) as Record<string, unknown>;
  return typeof g.id === 'string' && g.id.startsWith('gen-') && ('native_tokens_prompt' in g || 'tokens_prompt' in g || 'total_cost' in g);
}

/** OpenRouter generation stats (GET /api/v1/generation responses), saved one per line. */
export const openrouterGenerations: Importer = {
  id: 'openrouter-generations',
  title: 'OpenRouter generation stats (JSON lines)',
  provider: 'openrouter',
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file', // a gateway log can be one big file: streamed line by line
  prestage: ['read_openrouter_generations_jsonl'], // then stage_openrouter_generations.sql, shared with the JSON variant
  sample: 'samples/openrouter/generations.jsonl',
  detect: (head) => jsonRecords(head).some(isGeneration),
};
