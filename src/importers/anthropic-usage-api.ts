import { jsonMentions } from './file-head.js';
import type { Importer } from './types.js';

/** Anthropic Admin API usage report: GET /v1/organizations/usage_report/messages. */
export const anthropicUsageApi: Importer = {
  id: 'anthropic-usage-api',
  title: 'Anthropic usage report (JSON)',
  provider: 'anthropic',
  target: 'usage',
  merge: 'replace',
  sample: 'samples/anthropic/usage-report.json',
  detect: (head) => jsonMentions(head, 'data', 'starting_at') && head.text.includes('"uncached_input_tokens"'),
};
