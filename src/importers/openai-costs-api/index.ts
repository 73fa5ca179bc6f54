import { jsonMentions } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** OpenAI Costs API pages: GET /v1/organization/costs (goes to invoice_lines). */
export const openaiCostsApi: Importer = {
  id: 'openai-costs-api',
  title: 'OpenAI Costs API (JSON pages)',
  provider: 'openai',
  role: 'invoice',
  merge: 'replace',
  // pages → bucket results (api_results), shared by the four API importers
  dir: 'openai-costs-api',
  read: { kind: 'json-document', each: 'all', reader: 'common/api-pages', stage: 'stage' },
  sample: 'samples/openai/costs-api.json',
  detect: (head) =>
    jsonMentions(head, 'data') &&
    (head.text.includes('organization.costs.result') ||
      (head.text.includes('"bucket"') && head.text.includes('"line_item"') && head.text.includes('"amount"'))),
};
