import { isSpendLog } from './litellm-spendlogs-jsonl.js';
import { jsonRecords } from './openrouter-generations.js';
import type { Importer } from './types.js';

/** LiteLLM proxy spend logs exported as a JSON document (an array of rows, or a {"data":[…]} page). */
export const litellmSpendlogsJson: Importer = {
  id: 'litellm-spendlogs-json',
  title: 'LiteLLM proxy spend logs (JSON document)',
  provider: '(per request)', // each row's custom_llm_provider
  role: 'requests',
  merge: 'keep-best',
  staging: 'all-files',
  prestage: ['read_litellm_json'],
  stageQuery: 'stage_litellm_spendlogs', // the mapping shared by the three LiteLLM variants
  sample: 'samples/litellm/spend-logs.json',
  detect: (head) => {
    const t = head.text.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    if (jsonRecords(head).some(isSpendLog)) return false; // one row per line: litellm-spendlogs-jsonl
    return /"request_id"\s*:/.test(head.text) && /"spend"\s*:/.test(head.text) && /"startTime"\s*:/.test(head.text);
  },
};
