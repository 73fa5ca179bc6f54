import type { FileHead, Importer } from '../format.js';

/** Langfuse observations: API pages (GET /api/public/observations) or an exported array. */
export const langfuseObservations: Importer = {
  id: 'langfuse-observations',
  title: 'Langfuse observations (API pages or JSON export)',
  provider: '(per generation)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'langfuse',
  read: { kind: 'json-document', each: 'all', stage: 'stage' },
  sample: 'samples/langfuse/observations-page-1.json',
  detect: (head) => looksLikeLangfuse(head),
};

function looksLikeLangfuse(head: FileHead): boolean {
  const t = head.text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  const has = (key: string) => new RegExp(`"${key}"\\s*:`).test(head.text);
  return has('traceId') && has('startTime') && (has('usageDetails') || has('observations') || /"type"\s*:\s*"(GENERATION|SPAN|EVENT)"/.test(head.text));
}
