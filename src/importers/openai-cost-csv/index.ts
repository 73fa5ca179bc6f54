import { hasColumns } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** OpenAI dashboard cost export (CSV, dollars; goes to invoice_lines). */
export const openaiCostCsv: Importer = {
  id: 'openai-cost-csv',
  title: 'OpenAI dashboard cost export (CSV)',
  provider: 'openai',
  role: 'invoice',
  merge: 'replace',
  dir: 'openai-cost-csv',
  read: { kind: 'csv', stage: 'stage', header: 'header.csv' },
  sample: 'samples/openai/cost-dashboard.csv',
  detect: (head) => hasColumns(head, 'start_time', 'amount_value', 'line_item'),
};
