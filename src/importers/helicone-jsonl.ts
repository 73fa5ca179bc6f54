import { readHead } from './file-head.js';
import type { FileHead, Importer } from './types.js';

/** Helicone request export (`npx @helicone/export`), JSONL or JSON array. */
export const heliconeJsonl: Importer = {
  id: 'helicone-jsonl',
  title: 'Helicone request export (JSONL or JSON)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file', // the line reader numbers one file's lines with row_number()
  // one reader for both shapes: JSONL streams through the line reader, a JSON array through the JSON
  // reader; the bound flag leaves the other reader out of the plan
  prestage: ['read_helicone_jsonl'],
  prestageParams: (files) => ({ json_array: isJsonArray(files[0]) }),
  stageQuery: 'stage_helicone', // the mapping shared with helicone-csv
  sample: 'samples/helicone/requests.jsonl',
  detect: (head) => looksLikeHeliconeJson(head),
};

function looksLikeHeliconeJson(head: FileHead): boolean {
  const t = head.text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  // pretty-printed or long lines: the keys still show up in the head; both are Helicone's own names
  return /"request_id"\s*:/.test(head.text) && /"request_created_at"\s*:/.test(head.text);
}

function isJsonArray(file: string): boolean {
  return readHead(file, 4096).text.trimStart().startsWith('[');
}
