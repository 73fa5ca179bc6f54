import { hasColumns } from './file-head.js';
import type { Importer } from './types.js';

/** Anthropic Console cost export (CSV, dollars; goes to invoice_lines). */
export const anthropicCostCsv: Importer = {
  id: 'anthropic-cost-csv',
  title: 'Anthropic Console cost export (CSV)',
  provider: 'anthropic',
  role: 'invoice',
  merge: 'replace',
  staging: 'one-file',
  sample: 'samples/anthropic/console-cost.csv',
  detect: (head) => hasColumns(head, 'usage_date_utc', 'token_type', 'cost_usd'),
};
