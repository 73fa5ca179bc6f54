import { hasColumns } from '../common/file-head.js';
import { afterLastLine } from '../common/resume.js';
import { jsonRecords } from '../common/json-records.js';
import type { Importer } from '../format.js';

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
  // a gateway log can be one big file: streamed line by line
  // then openrouter/stage-generations.sql, shared with the JSON variant
  dir: 'openrouter',
  read: { kind: 'json-lines', each: 'file', reader: 'read-generations-jsonl', stage: 'stage-generations', resume: afterLastLine },
  sample: 'samples/openrouter/generations.jsonl',
  detect: (head) => jsonRecords(head).some(isGeneration),
};

/** OpenRouter generation stats saved as a JSON document: one {data:{…}} response or an array of them. */
export const openrouterGenerationsJson: Importer = {
  id: 'openrouter-generations-json',
  title: 'OpenRouter generation stats (JSON document)',
  provider: 'openrouter',
  role: 'requests',
  merge: 'keep-best',
  // the mapping shared with the JSON lines variant
  dir: 'openrouter',
  read: { kind: 'json-document', each: 'all', reader: 'read-generations-json', stage: 'stage-generations' },
  sample: 'samples/openrouter/generations.json',
  detect: (head) => {
    const t = head.text.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    if (jsonRecords(head).some(isGeneration)) return false; // one response per line: openrouter-generations
    return /"id"\s*:\s*"gen-/.test(head.text) && (head.text.includes('"native_tokens_prompt"') || head.text.includes('"total_cost"'));
  },
};

/** OpenRouter activity export (CSV from openrouter.ai/activity): one row per generation. */
export const openrouterActivityCsv: Importer = {
  id: 'openrouter-activity-csv',
  title: 'OpenRouter activity export (CSV)',
  provider: 'openrouter',
  role: 'requests',
  merge: 'keep-best',
  dir: 'openrouter',
  read: { kind: 'csv', stage: 'stage-activity', header: 'header-activity.csv' },
  sample: 'samples/openrouter/activity.csv',
  detect: (head) => hasColumns(head, 'generation_id', 'created_at', 'model_permaslug', 'tokens_prompt'),
};
