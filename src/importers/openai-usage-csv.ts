import { hasColumns } from './file-head.js';
import type { Importer } from './types.js';

/** OpenAI dashboard usage export (CSV). */
export const openaiUsageCsv: Importer = {
  id: 'openai-usage-csv',
  title: 'OpenAI dashboard usage export (CSV)',
  provider: 'openai',
  role: 'aggregate',
  merge: 'replace',
  staging: 'one-file',
  sample: 'samples/openai/usage-dashboard.csv',
  detect: (head) => hasColumns(head, 'start_time', 'num_model_requests', 'input_tokens', 'output_tokens'),
};
