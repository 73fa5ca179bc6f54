import { hasColumns } from './file-head.js';
import type { Importer } from './types.js';

/** LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as CSV. */
export const litellmSpendlogsCsv: Importer = {
  id: 'litellm-spendlogs-csv',
  title: 'LiteLLM proxy spend logs (CSV)',
  provider: '(per request)', // each row's custom_llm_provider
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file',
  prestage: ['read_litellm_csv'],
  stageQuery: 'stage_litellm_spendlogs', // the mapping shared by the three LiteLLM variants
  sample: 'samples/litellm/spend-logs.csv',
  detect: (head) => hasColumns(head, 'request_id', 'spend', 'starttime', 'prompt_tokens'),
};
