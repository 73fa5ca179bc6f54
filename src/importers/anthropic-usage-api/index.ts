import { jsonMentions } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** Anthropic Admin API usage report: GET /v1/organizations/usage_report/messages. */
export const anthropicUsageApi: Importer = {
  id: 'anthropic-usage-api',
  title: 'Anthropic usage report (JSON)',
  provider: 'anthropic',
  role: 'aggregate',
  merge: 'replace',
  // pages → bucket results (api_results), shared by the four API importers
  dir: 'anthropic-usage-api',
  read: { kind: 'json-document', each: 'all', reader: 'common/api-pages', stage: 'stage' },
  sample: 'samples/anthropic/usage-report.json',
  // the cost report names the same token types as values, but only it has amounts
  detect: (head) => jsonMentions(head, 'data', 'starting_at', 'uncached_input_tokens') && !head.text.includes('"amount"'),
};
