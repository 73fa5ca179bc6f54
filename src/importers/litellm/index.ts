import { hasColumns } from '../common/file-head.js';
import { afterLastLine } from '../common/resume.js';
import type { Importer } from '../format.js';
import { jsonRecords } from '../common/json-records.js';

/** A LiteLLM_SpendLogs row: its key fields, whatever else the export kept. */
export function isSpendLog(o: Record<string, unknown>): boolean {
  return typeof o.request_id === 'string' && 'spend' in o && 'startTime' in o;
}

/** LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as JSON lines. */
export const litellmSpendlogsJsonl: Importer = {
  id: 'litellm-spendlogs-jsonl',
  title: 'LiteLLM proxy spend logs (JSON lines)',
  provider: '(per request)', // each row's custom_llm_provider
  role: 'requests',
  merge: 'keep-best',
  // a gateway log can be one big file: streamed line by line
  // the mapping shared by the three LiteLLM variants
  dir: 'litellm',
  read: { kind: 'json-lines', each: 'file', reader: 'read-jsonl', stage: 'stage', resume: afterLastLine },
  sample: 'samples/litellm/spend-logs.jsonl',
  detect: (head) => jsonRecords(head).some(isSpendLog),
};

/** LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as CSV. */
export const litellmSpendlogsCsv: Importer = {
  id: 'litellm-spendlogs-csv',
  title: 'LiteLLM proxy spend logs (CSV)',
  provider: '(per request)', // each row's custom_llm_provider
  role: 'requests',
  merge: 'keep-best',
  // the mapping shared by the three LiteLLM variants
  dir: 'litellm',
  read: { kind: 'csv', reader: 'read-csv', stage: 'stage', header: 'header.csv' },
  sample: 'samples/litellm/spend-logs.csv',
  detect: (head) => hasColumns(head, 'request_id', 'spend', 'starttime', 'prompt_tokens'),
};

/** LiteLLM proxy spend logs exported as a JSON document (an array of rows, or a {"data":[…]} page). */
export const litellmSpendlogsJson: Importer = {
  id: 'litellm-spendlogs-json',
  title: 'LiteLLM proxy spend logs (JSON document)',
  provider: '(per request)', // each row's custom_llm_provider
  role: 'requests',
  merge: 'keep-best',
  // the mapping shared by the three LiteLLM variants
  dir: 'litellm',
  read: { kind: 'json-document', each: 'all', reader: 'read-json', stage: 'stage' },
  sample: 'samples/litellm/spend-logs.json',
  detect: (head) => {
    const t = head.text.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    if (jsonRecords(head).some(isSpendLog)) return false; // one row per line: litellm-spendlogs-jsonl
    return /"request_id"\s*:/.test(head.text) && /"spend"\s*:/.test(head.text) && /"startTime"\s*:/.test(head.text);
  },
};
