import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../errors.js';
import { codexSessionDirs } from './codex-dirs.js';
import { claudeCodeDirs } from './discover.js';
import { geminiCliDirs } from './gemini-cli.js';

/** Each coding agent's local log folders, [] when it is not installed (each honours its own env override). */
const AGENTS: { id: string; where: string; dirs: (env: NodeJS.ProcessEnv) => string[] }[] = [
  { id: 'claude-code', where: '$CLAUDE_CONFIG_DIR or ~/.claude/projects', dirs: (env) => orNone(() => claudeCodeDirs(env)) },
  { id: 'codex', where: '$CODEX_HOME or ~/.codex/sessions', dirs: (env) => orNone(() => codexSessionDirs(env)) },
  { id: 'gemini-cli', where: '$GEMINI_CLI_HOME or ~/.gemini/tmp/*/chats', dirs: geminiCliDirs },
];

/** `recount import --agents`: the folders of every installed agent; none installed is an error with a hint. */
export function installedAgentDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = AGENTS.flatMap((a) => a.dirs(env));
  if (!dirs.length) {
    const home = env.HOME || os.homedir();
    throw new RecountError(
      `no coding agent logs found under ${path.resolve(home)}`,
      `looked for ${AGENTS.map((a) => `${a.id} (${a.where})`).join(', ')}; pass a folder instead: recount import PATH`,
    );
  }
  return dirs;
}

/** An agent whose finder reports it missing (a RecountError) has no folders; any other error is real. */
function orNone(find: () => string[]): string[] {
  try {
    return find();
  } catch (err) {
    if (err instanceof RecountError) return [];
    throw err;
  }
}
