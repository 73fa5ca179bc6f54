import path from 'node:path';
import { agentRoot, childDirs } from '../common/agent-dirs.js';
import type { FileHead, Importer } from '../format.js';

/**
 * Gemini CLI chat recordings: $GEMINI_CLI_HOME/.gemini/tmp/<project>/chats/session-*.jsonl (older
 * releases: one session-*.json document), subagents in chats/<parent session id>/<id>.jsonl.
 * Dedupe: a message is re-written whole as its tokens and tool calls arrive; every copy has the key
 * <session id>:<message id>, so the copies (and a legacy .json migrated to .jsonl) count once.
 */
export const geminiCli: Importer = {
  id: 'gemini-cli',
  title: 'Gemini CLI chat recordings (JSONL, legacy JSON)',
  provider: 'google',
  role: 'requests',
  merge: 'keep-best',
  // the line reader numbers one file's lines with row_number()
  dir: 'gemini-cli',
  read: { kind: 'json-lines', each: 'file', reader: 'read', stage: 'stage' },
  local: { where: '$GEMINI_CLI_HOME or ~/.gemini/tmp/*/chats', find: geminiCliDirs },
  sample: 'samples/gemini-cli',
  detect: (head) => opensChatRecording(head),
};

/** A recording opens with its metadata: sessionId then projectHash (first line, or a legacy document's first keys). */
function opensChatRecording(head: FileHead): boolean {
  return /^\s*\{\s*"sessionId"\s*:\s*"[^"]*"\s*,\s*"projectHash"\s*:\s*"/.test(head.text.slice(0, 4096));
}

/** Gemini CLI's chats folders, tmp/<project>/chats under $GEMINI_CLI_HOME/.gemini (the CLI's own home override), else ~/.gemini. */
export function geminiCliDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return childDirs(path.join(agentRoot(env, 'GEMINI_CLI_HOME'), '.gemini', 'tmp'), 'chats');
}
