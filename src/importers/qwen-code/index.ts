import path from 'node:path';
import { agentRoot, childDirs } from '../common/agent-dirs.js';
import type { FileHead, Importer } from '../format.js';

/**
 * Qwen Code chat recordings: $QWEN_RUNTIME_DIR or $QWEN_HOME (else ~/.qwen)/projects/<project>/chats/<session id>.jsonl,
 * one ChatRecord per line; assistant records carry the response's Gemini-shaped usageMetadata.
 * Dedupe: a record's uuid is its key, so a forked session's verbatim copies count once.
 */
export const qwenCode: Importer = {
  id: 'qwen-code',
  title: 'Qwen Code chat recordings (JSONL)',
  provider: 'alibaba',
  role: 'requests',
  merge: 'keep-best',
  // the line reader numbers one file's lines with row_number()
  dir: 'qwen-code',
  read: { kind: 'json-lines', each: 'file', stage: 'stage' },
  local: { where: '$QWEN_RUNTIME_DIR, $QWEN_HOME or ~/.qwen/projects/*/chats', find: qwenCodeDirs },
  sample: 'samples/qwen-code',
  detect: (head) => opensChatRecord(head),
};

/** A ChatRecord is written uuid, parentUuid, sessionId first (Claude Code's lines open with parentUuid). */
function opensChatRecord(head: FileHead): boolean {
  const first = head.lines.find((l) => l.trim() !== '') ?? head.text.slice(0, 4096);
  return /^\s*\{\s*"uuid"\s*:\s*"[^"]*"\s*,\s*"parentUuid"\s*:\s*(null|"[^"]*")\s*,\s*"sessionId"\s*:/.test(first);
}

/**
 * Qwen Code's chats folders, projects/<project>/chats under its runtime folder ($QWEN_RUNTIME_DIR,
 * which Qwen Code keeps session data in when set) and its home ($QWEN_HOME, else ~/.qwen).
 */
export function qwenCodeDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const roots = [env.QWEN_RUNTIME_DIR?.trim(), agentRoot(env, 'QWEN_HOME', '.qwen')].filter((r): r is string => !!r);
  const dirs = [...new Set(roots.map((r) => path.resolve(r)))].flatMap((r) => childDirs(path.join(r, 'projects'), 'chats'));
  return [...new Set(dirs)];
}
