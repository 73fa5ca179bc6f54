import { hasColumns, sampleCsvColumn } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** OpenAI dashboard usage export (CSV). */
export const openaiUsageCsv: Importer = {
  id: 'openai-usage-csv',
  title: 'OpenAI dashboard usage export (CSV)',
  provider: 'openai',
  role: 'aggregate',
  merge: 'replace',
  // bucket rows carry no tool names, prompt or tags for the task-type rules
  dir: 'openai-usage-csv',
  read: { kind: 'csv', stage: 'stage', header: 'header.csv' },
  macros: ['openai_usage_csv_fields', 'openai_usage_csv_key'],
  direct: {
    query: 'direct',
    ruleInputs: { tools: 'NULL::VARCHAR[]', prompt_text: 'NULL::VARCHAR', tags: 'NULL::JSON' },
    sampleModelNames: (file) => sampleCsvColumn(file, 'model'),
  },
  sample: 'samples/openai/usage-dashboard.csv',
  detect: (head) => hasColumns(head, 'start_time', 'num_model_requests', 'input_tokens', 'output_tokens'),
};
