import path from 'node:path';
import { agentRoot, existingDir } from '../common/agent-dirs.js';
import type { FileHead, Importer } from '../format.js';

/**
 * Amp threads: $AMP_DATA_DIR (else ~/.local/share/amp)/threads/T-<uuid>.json, one JSON document per
 * thread, rewritten whole as it grows; assistant messages carry Anthropic-style usage and credits.
 * Dedupe: <thread id>:<messageId>, so the messages a rewritten thread repeats count once.
 */
export const amp: Importer = {
  id: 'amp',
  title: 'Amp threads (JSON)',
  provider: '(per model)',
  role: 'requests',
  merge: 'keep-best',
  // json_texts reads one file: a document, pretty-printed or on one line
  dir: 'amp',
  read: { kind: 'json-document', each: 'file', stage: 'stage', wholeText: true },
  local: { where: '$AMP_DATA_DIR or ~/.local/share/amp/threads', find: ampDirs },
  sample: 'samples/amp',
  detect: (head) => opensThread(head),
};

/** A thread document names itself "id": "T-<uuid>" among its first keys and holds messages. */
function opensThread(head: FileHead): boolean {
  const start = head.text.slice(0, 2048);
  return /^\s*\{/.test(start) && /"id"\s*:\s*"T-[0-9a-f-]{36}"/.test(start) && /"(messages|usageLedger)"\s*:/.test(head.text);
}

/** Amp's threads folder under $AMP_DATA_DIR, else ~/.local/share/amp. */
export function ampDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return existingDir(path.join(agentRoot(env, 'AMP_DATA_DIR', '.local', 'share', 'amp'), 'threads'));
}
