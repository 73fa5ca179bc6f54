import { isGeneration, jsonRecords } from './openrouter-generations.js';
import type { Importer } from './types.js';

/** OpenRouter generation stats saved as a JSON document: one {data:{…}} response or an array of them. */
export const openrouterGenerationsJson: Importer = {
  id: 'openrouter-generations-json',
  title: 'OpenRouter generation stats (JSON document)',
  provider: 'openrouter',
  role: 'requests',
  merge: 'keep-best',
  staging: 'all-files',
  prestage: ['read_openrouter_generations_json'],
  stageQuery: 'stage_openrouter_generations', // the mapping shared with the JSON lines variant
  sample: 'samples/openrouter/generations.json',
  detect: (head) => {
    const t = head.text.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    if (jsonRecords(head).some(isGeneration)) return false; // one response per line: openrouter-generations
    return /"id"\s*:\s*"gen-/.test(head.text) && (head.text.includes('"native_tokens_prompt"') || head.text.includes('"total_cost"'));
  },
};
