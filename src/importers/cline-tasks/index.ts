import fs from 'node:fs';
import path from 'node:path';
import { readHead } from '../common/file-head.js';
import type { FileHead, Importer } from '../format.js';
import { homeOf } from '../common/agent-dirs.js';
import { clineDataDir } from './sessions.js';

export { clineSessions, clineSessionFiles } from './sessions.js';

/**
 * Cline, Roo Code and Kilo Code task logs: <editor>/User/globalStorage/<extension id>/tasks/<task
 * id>/ui_messages.json, the whole ClineMessage[] rewritten on every change. One `api_req_started`
 * message per model request, its text JSON {tokensIn, tokensOut, cacheWrites, cacheReads, cost, …}.
 * The source column names the extension (cline, roo-code, kilo-code), from the folder's extension id.
 * Dedupe: a request is keyed <extension>:<task id>:<message ts> (ts is the webview's unique list key),
 * so a rewritten or copied file counts each request once.
 */
export const clineTasks: Importer = {
  id: 'cline-tasks',
  title: 'Cline, Roo Code and Kilo Code task logs (ui_messages.json)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'cline-tasks',
  macros: ['cline_json_items', 'cline_provider'],
  read: { kind: 'json-document', each: 'file', reader: 'read', stage: 'stage', params: (files) => ({ hints: JSON.stringify(taskHints(files[0])) }) },
  local: { where: '$VSCODE_APPDATA or ~/.config/<editor>/User/globalStorage/<Cline, Roo Code or Kilo Code>/tasks, $CLINE_DATA_DIR or ~/.cline/data/tasks', find: clineTaskFiles },
  sample: 'samples/cline',
  detect: (head) => opensUiMessages(head),
};

/** The extension ids of the three, as their global storage folders are named. */
const EXTENSIONS: Record<string, string> = {
  'saoudrizwan.claude-dev': 'cline',
  'rooveterinaryinc.roo-cline': 'roo-code',
  'kilocode.kilo-code': 'kilo-code',
};

/** Editors that host the extensions, as their user-data folders are named. */
const EDITORS = ['Code', 'Code - Insiders', 'Cursor', 'VSCodium', 'Windsurf'];

/** ui_messages.json is a compact JSON array whose messages open with ts (epoch ms) then type say|ask. */
function opensUiMessages(head: FileHead): boolean {
  return /^\s*\[\s*\{\s*"ts"\s*:\s*\d{10,15}\s*,\s*"type"\s*:\s*"(say|ask)"/.test(head.text.slice(0, 4096));
}

/**
 * Every task log of the three extensions: VS Code's data folder ($VSCODE_APPDATA, else ~/.config or
 * $XDG_CONFIG_HOME, ~/Library/Application Support, %APPDATA%) for each editor, and Cline's standalone
 * folder ($CLINE_DATA_DIR, else $CLINE_DIR/data, else ~/.cline/data). Files, not folders: a task
 * folder's other JSON files are not logs, and listing them would warn about each.
 */
export function clineTaskFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homeOf(env);
  const appData = env.VSCODE_APPDATA?.trim()
    ? [env.VSCODE_APPDATA.trim()]
    : [env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config'), path.join(home, 'Library', 'Application Support'), env.APPDATA ?? ''];
  const storages = appData
    .filter(Boolean)
    .flatMap((root) => EDITORS.flatMap((editor) => Object.keys(EXTENSIONS).map((ext) => path.join(root, editor, 'User', 'globalStorage', ext))));
  return [...new Set([...storages, clineDataDir(env)])].flatMap((storage) => taskLogs(path.join(storage, 'tasks')));
}

function taskLogs(tasksDir: string): string[] {
  if (!fs.existsSync(tasksDir)) return [];
  return fs
    .readdirSync(tasksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(tasksDir, e.name, 'ui_messages.json'))
    .filter((f) => fs.existsSync(f) && opensUiMessages(readHead(f, 4096)))
    .sort();
}

/** What the task's other files say, for cline-tasks/read.sql: the extension, the models used over time and the workspace. */
interface TaskHints {
  extension: string | null;
  models: { ts: number; model: string; provider: string | null }[];
  cwd: string | null;
}

/** The largest sidecar read for hints: a longer conversation history is left unread (its requests then lack a model). */
const MAX_SIDECAR_BYTES = 64 * 1024 * 1024;

export function taskHints(file: string): TaskHints {
  const dir = path.dirname(file);
  const ext = path
    .resolve(file)
    .split(path.sep)
    .find((part) => part in EXTENSIONS);
  const extension = ext ? EXTENSIONS[ext] : path.resolve(file).includes(`${path.sep}.cline${path.sep}`) ? 'cline' : null;
  const meta = readSidecar(path.join(dir, 'task_metadata.json')) as { model_usage?: unknown[] } | null;
  const models = (Array.isArray(meta?.model_usage) ? meta.model_usage : []).flatMap((u) => {
    const m = u as { ts?: unknown; model_id?: unknown; model_provider_id?: unknown };
    return typeof m.ts === 'number' && typeof m.model_id === 'string'
      ? [{ ts: m.ts, model: m.model_id, provider: typeof m.model_provider_id === 'string' ? m.model_provider_id : null }]
      : [];
  });
  const history = readSidecar(path.join(dir, 'api_conversation_history.json'));
  const item = readSidecar(path.join(dir, 'history_item.json')) as { workspace?: unknown } | null;
  const fromHistory = promptHints(Array.isArray(history) ? history : []);
  return {
    extension,
    models: models.length ? models : fromHistory.models,
    cwd: typeof item?.workspace === 'string' ? item.workspace : fromHistory.cwd,
  };
}

/**
 * Roo and Kilo write no model into their UI messages; each request's prompt names it in its
 * environment details (<model>id</model>, in a user message stamped with ts), and the working
 * directory ("# Current Working Directory (<path>) Files" in Cline, "Workspace" in Roo).
 */
function promptHints(history: unknown[]): { models: TaskHints['models']; cwd: string | null } {
  const models: TaskHints['models'] = [];
  let cwd: string | null = null;
  for (const entry of history) {
    const m = entry as { role?: unknown; ts?: unknown; content?: unknown };
    if (m.role !== 'user') continue;
    const text = typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '');
    const model = /<model>([^<]{1,200})<\/model>/.exec(text)?.[1];
    if (model && typeof m.ts === 'number') models.push({ ts: m.ts, model, provider: null });
    cwd ??= /# Current (?:Working|Workspace) Directory \(([^)\n]{1,1000})\) Files/.exec(text)?.[1] ?? null;
  }
  return { models, cwd };
}

/** A sidecar JSON file, or null when it is missing, too large or not JSON (hints are optional). */
function readSidecar(file: string): unknown {
  try {
    if (fs.statSync(file).size > MAX_SIDECAR_BYTES) return null;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
