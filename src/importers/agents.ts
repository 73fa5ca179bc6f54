import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../errors.js';
import { codexSessionDirs } from './codex-dirs.js';
import { claudeCodeDirs } from './discover.js';
import { geminiCliDirs } from './gemini-cli.js';
import { clineTaskFiles } from './cline-tasks.js';
import { opencodeDatabases, opencodeMessageDirs } from './opencode.js';
import { copilotOtelPaths, copilotStorePaths } from './copilot-cli.js';
import { qwenCodeDirs } from './qwen-code.js';
import { kimiCliDirs } from './kimi-cli.js';
import { ampDirs } from './amp.js';

/** Each coding agent's local log folders, [] when it is not installed (each honours its own env override). */
const AGENTS: { id: string; where: string; dirs: (env: NodeJS.ProcessEnv) => string[] }[] = [
  { id: 'claude-code', where: '$CLAUDE_CONFIG_DIR or ~/.claude/projects', dirs: (env) => orNone(() => claudeCodeDirs(env)) },
  { id: 'codex', where: '$CODEX_HOME or ~/.codex/sessions', dirs: (env) => orNone(() => codexSessionDirs(env)) },
  { id: 'gemini-cli', where: '$GEMINI_CLI_HOME or ~/.gemini/tmp/*/chats', dirs: geminiCliDirs },
  { id: 'qwen-code', where: '$QWEN_RUNTIME_DIR, $QWEN_HOME or ~/.qwen/projects/*/chats', dirs: qwenCodeDirs },
  { id: 'kimi-cli', where: '$KIMI_SHARE_DIR or ~/.kimi/sessions, $KIMI_CODE_HOME or ~/.kimi-code/sessions', dirs: kimiCliDirs },
  { id: 'amp', where: '$AMP_DATA_DIR or ~/.local/share/amp/threads', dirs: ampDirs },
  { id: 'cline-tasks', where: '$VSCODE_APPDATA or ~/.config/<editor>/User/globalStorage/<Cline, Roo Code or Kilo Code>/tasks, $CLINE_DATA_DIR or ~/.cline/data/tasks', dirs: clineTaskFiles },
  { id: 'opencode-db', where: '$XDG_DATA_HOME or ~/.local/share: opencode/opencode*.db, kilo/kilo.db', dirs: opencodeDatabases },
  { id: 'opencode', where: '$XDG_DATA_HOME or ~/.local/share: opencode/storage/message', dirs: opencodeMessageDirs },
  { id: 'copilot-session-store', where: '$COPILOT_HOME or ~/.copilot/session-store.db', dirs: copilotStorePaths },
  { id: 'copilot-otel', where: '$COPILOT_HOME or ~/.copilot/otel, $COPILOT_OTEL_FILE_EXPORTER_PATH (without a session store)', dirs: copilotOtelPaths },
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

/** Where an agent format's logs live by default (its env override first), for `recount sources`; undefined for exports. */
export function defaultFolder(id: string): string | undefined {
  return AGENTS.find((a) => a.id === id)?.where;
}
