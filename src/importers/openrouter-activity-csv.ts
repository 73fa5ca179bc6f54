import { hasColumns } from './file-head.js';
import type { Importer } from './types.js';

/** OpenRouter activity export (CSV from openrouter.ai/activity): one row per generation. */
export const openrouterActivityCsv: Importer = {
  id: 'openrouter-activity-csv',
  title: 'OpenRouter activity export (CSV)',
  provider: 'openrouter',
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file',
  sample: 'samples/openrouter/activity.csv',
  detect: (head) => hasColumns(head, 'generation_id', 'created_at', 'model_permaslug', 'tokens_prompt'),
};
