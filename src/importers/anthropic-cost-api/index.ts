import { jsonMentions } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** Anthropic Admin API cost report: amounts are decimal strings in cents (goes to invoice_lines). */
export const anthropicCostApi: Importer = {
  id: 'anthropic-cost-api',
  title: 'Anthropic cost report (JSON, cents)',
  provider: 'anthropic',
  role: 'invoice',
  merge: 'replace',
  // pages → bucket results (api_results), shared by the four API importers
  dir: 'anthropic-cost-api',
  read: { kind: 'json-document', each: 'all', reader: 'common/api-pages', stage: 'stage' },
  sample: 'samples/anthropic/cost-report.json',
  detect: (head) =>
    jsonMentions(head, 'data', 'starting_at', 'amount') && (head.text.includes('"cost_type"') || head.text.includes('"token_type"')),
};
