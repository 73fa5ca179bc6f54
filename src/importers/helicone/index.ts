import { hasColumns, readHead } from '../common/file-head.js';
import { afterLastLine } from '../common/resume.js';
import type { FileHead, Importer } from '../format.js';

/** Helicone request export (`npx @helicone/export`), JSONL or JSON array. */
export const heliconeJsonl: Importer = {
  id: 'helicone-jsonl',
  title: 'Helicone request export (JSONL or JSON)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  // the line reader numbers one file's lines with row_number()
  // the mapping shared with helicone-csv
  dir: 'helicone',
  read: { kind: 'json-lines', each: 'file', reader: 'read-jsonl', stage: 'stage', params: (files) => ({ json_array: isJsonArray(files[0]) }), resume: afterLastLine },
  // one reader for both shapes: JSONL streams through the line reader, a JSON array through the JSON
  // reader; the bound flag leaves the other reader out of the plan
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

/** Helicone request export in CSV (`npx @helicone/export --format csv`). */
export const heliconeCsv: Importer = {
  id: 'helicone-csv',
  title: 'Helicone request export (CSV)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  // the mapping shared with helicone-jsonl
  dir: 'helicone',
  read: { kind: 'csv', reader: 'read-csv', stage: 'stage', header: 'header.csv' },
  sample: 'samples/helicone/requests.csv',
  // older exporter versions wrote response_id instead of request_id
  detect: (head) =>
    hasColumns(head, 'request_created_at', 'prompt_tokens', 'completion_tokens') &&
    (hasColumns(head, 'request_id') || hasColumns(head, 'response_id')),
};
