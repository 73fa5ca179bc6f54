import { jsonMentions } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** OpenAI Usage API pages: GET /v1/organization/usage/completions. */
export const openaiUsageApi: Importer = {
  id: 'openai-usage-api',
  title: 'OpenAI Usage API, completions (JSON pages)',
  provider: 'openai',
  role: 'aggregate',
  merge: 'replace',
  // pages → bucket results (api_results), shared by the four API importers
  dir: 'openai-usage-api',
  read: { kind: 'json-document', each: 'all', reader: 'common/api-pages', stage: 'stage' },
  sample: 'samples/openai/usage-api-completions.json',
  detect: (head) =>
    jsonMentions(head, 'data') &&
    (head.text.includes('organization.usage.completions.result') ||
      (head.text.includes('"bucket"') && head.text.includes('"num_model_requests"'))),
};
