import { hasColumns } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** Anthropic Console cost export (CSV, dollars; goes to invoice_lines). */
export const anthropicCostCsv: Importer = {
  id: 'anthropic-cost-csv',
  title: 'Anthropic Console cost export (CSV)',
  provider: 'anthropic',
  role: 'invoice',
  merge: 'replace',
  dir: 'anthropic-cost-csv',
  read: { kind: 'csv', stage: 'stage', header: 'header.csv' },
  sample: 'samples/anthropic/console-cost.csv',
  detect: (head) => hasColumns(head, 'usage_date_utc', 'token_type', 'cost_usd'),
};
