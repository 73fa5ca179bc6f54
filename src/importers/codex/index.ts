import { codexSessionDirs } from './dirs.js';
import { foundOrNone } from '../common/agent-dirs.js';
import { someJsonLine } from '../common/file-head.js';
import type { Importer } from '../format.js';

const LINE_TYPES = ['session_meta', 'turn_context', 'response_item', 'event_msg', 'compacted'];

/** OpenAI Codex CLI rollouts: $CODEX_HOME/sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl (+ archived_sessions). */
export const codex: Importer = {
  id: 'codex',
  title: 'OpenAI Codex CLI session rollouts (JSONL)',
  provider: 'openai',
  role: 'requests',
  merge: 'keep-best',
  dir: 'codex',
  macros: ['codex_command'],
  read: { kind: 'json-lines', each: 'all', reader: 'read', stage: 'stage', wholeText: true },
  local: { where: '$CODEX_HOME or ~/.codex/sessions', find: foundOrNone(codexSessionDirs) },
  sample: 'samples/codex',
  detect: (head) =>
    someJsonLine(
      head,
      (o) => LINE_TYPES.includes(o.type as string) && typeof o.timestamp === 'string' && o.payload != null && typeof o.payload === 'object',
    ) || startsLikeRolloutLine(head.text),
};

/** A session_meta first line too long for the head (long base instructions) still shows its keys early. */
function startsLikeRolloutLine(text: string): boolean {
  const firstLine = text.slice(0, 4096);
  return firstLine.startsWith('{') && /^\{"timestamp":\s*"[^"]+",\s*"type":\s*"(session_meta|turn_context|response_item|event_msg)",\s*"payload":\s*\{/.test(firstLine);
}
