import { jsonRecords } from './openrouter-generations.js';
import type { Importer } from './types.js';

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
  staging: 'one-file', // a gateway log can be one big file: streamed line by line
  prestage: ['read_litellm_jsonl'],
  stageQuery: 'stage_litellm_spendlogs', // the mapping shared by the three LiteLLM variants
  sample: 'samples/litellm/spend-logs.jsonl',
  detect: (head) => jsonRecords(head).some(isSpendLog),
};
