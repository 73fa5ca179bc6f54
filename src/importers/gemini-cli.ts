import path from 'node:path';
import { agentRoot, childDirs } from './agent-dirs.js';
import type { FileHead, Importer } from './types.js';

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
  staging: 'one-file', // the line reader numbers one file's lines with row_number()
  prestage: ['read_gemini_cli'],
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
