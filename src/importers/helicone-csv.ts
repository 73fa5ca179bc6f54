import { hasColumns } from './file-head.js';
import type { Importer } from './types.js';

/** Helicone request export in CSV (`npx @helicone/export --format csv`). */
export const heliconeCsv: Importer = {
  id: 'helicone-csv',
  title: 'Helicone request export (CSV)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file',
  prestage: ['read_helicone_csv'],
  stageQuery: 'stage_helicone', // the mapping shared with helicone-jsonl
  sample: 'samples/helicone/requests.csv',
  // older exporter versions wrote response_id instead of request_id
  detect: (head) =>
    hasColumns(head, 'request_created_at', 'prompt_tokens', 'completion_tokens') &&
    (hasColumns(head, 'request_id') || hasColumns(head, 'response_id')),
};
