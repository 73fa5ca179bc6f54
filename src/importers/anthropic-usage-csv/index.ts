import { hasColumns } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** Anthropic Console usage export (CSV), current and older single-cache-write variants. */
export const anthropicUsageCsv: Importer = {
  id: 'anthropic-usage-csv',
  title: 'Anthropic Console usage export (CSV)',
  provider: 'anthropic',
  role: 'aggregate',
  merge: 'replace',
  dir: 'anthropic-usage-csv',
  read: { kind: 'csv', stage: 'stage', header: 'header.csv' },
  sample: 'samples/anthropic/console-usage.csv',
  detect: (head) => hasColumns(head, 'usage_date_utc', 'model_version', 'usage_input_tokens_no_cache'),
};
