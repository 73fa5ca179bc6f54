import { jsonMentions } from './file-head.js';
import type { Importer } from './types.js';

/** OpenAI Usage API pages: GET /v1/organization/usage/completions. */
export const openaiUsageApi: Importer = {
  id: 'openai-usage-api',
  title: 'OpenAI Usage API, completions (JSON pages)',
  provider: 'openai',
  role: 'aggregate',
  merge: 'replace',
  staging: 'all-files',
  prestage: ['read_api_pages'], // pages → bucket results (api_results), shared by the four API importers
  sample: 'samples/openai/usage-api-completions.json',
  detect: (head) =>
    jsonMentions(head, 'data') &&
    (head.text.includes('organization.usage.completions.result') ||
      (head.text.includes('"bucket"') && head.text.includes('"num_model_requests"'))),
};
