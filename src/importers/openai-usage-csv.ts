import { hasColumns, sampleCsvColumn } from './file-head.js';
import type { Importer } from './types.js';

/** OpenAI dashboard usage export (CSV). */
export const openaiUsageCsv: Importer = {
  id: 'openai-usage-csv',
  title: 'OpenAI dashboard usage export (CSV)',
  provider: 'openai',
  role: 'aggregate',
  merge: 'replace',
  staging: 'one-file',
  // bucket rows carry no tool names, prompt or tags for the task-type rules
  direct: { query: 'direct_openai_usage_csv', ruleInputs: { tools: 'NULL::VARCHAR[]', prompt_text: 'NULL::VARCHAR', tags: 'NULL::JSON' } },
  sampleModelNames: (file) => sampleCsvColumn(file, 'model'),
  sample: 'samples/openai/usage-dashboard.csv',
  detect: (head) => hasColumns(head, 'start_time', 'num_model_requests', 'input_tokens', 'output_tokens'),
};
