import { afterLastLine } from '../common/resume.js';
import type { FileHead, Importer } from '../format.js';

/** Portkey logs export (JSONL): one gateway log per line. */
export const portkeyJsonl: Importer = {
  id: 'portkey-jsonl',
  title: 'Portkey logs export (JSONL)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  // a gateway export can be one big file: streamed, lines numbered with row_number()
  dir: 'portkey',
  read: { kind: 'json-lines', each: 'file', stage: 'stage', resume: afterLastLine },
  sample: 'samples/portkey/logs-week-41.jsonl',
  detect: (head) => looksLikePortkey(head),
};

/** Portkey's own column names; a line can be long (request and response bodies), so the head's text is searched. */
function looksLikePortkey(head: FileHead): boolean {
  if (!head.text.trimStart().startsWith('{')) return false;
  const has = (key: string) => new RegExp(`"${key}"\\s*:`).test(head.text);
  return has('ai_org') && has('ai_model') && (has('req_units') || has('res_units') || has('cache_status'));
}
