import fs from 'node:fs';
import path from 'node:path';
import { homeOf } from '../common/agent-dirs.js';
import { readHead } from '../common/file-head.js';
import type { FileHead, Importer } from '../format.js';

/**
 * Cline's SDK sessions (the CLI, and the extension since 4.1, run on the Cline SDK): <sessions>/<root
 * id>/<root id>.messages.json for the lead agent, <agent id>.messages.json and <agent
 * id>__<team task id>.messages.json beside it for subagents and teammates; each the whole message list
 * ({version, updated_at, agent, sessionId, messages}) rewritten on every change, the model call's
 * usage stamped on its assistant message as `metrics`. <root id>.json beside them is the session's
 * manifest (cwd, workspace_root, provider, model). Source cline, read by cline-tasks/read-sessions.sql
 * and stage-sessions.sql. Dedupe: <session id>:<file stem>:<message id>.
 */
export const clineSessions: Importer = {
  id: 'cline-sessions',
  title: 'Cline SDK sessions (sessions/<id>/<id>.messages.json)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'cline-tasks',
  macros: ['cline_json_items', 'cline_provider'],
  read: { kind: 'json-document', each: 'file', reader: 'read-sessions', stage: 'stage-sessions', params: (files) => ({ hints: JSON.stringify(sessionHints(files[0])) }) },
  local: { where: '$CLINE_SESSION_DATA_DIR, else $CLINE_DATA_DIR, $CLINE_DIR/data or ~/.cline/data: sessions', find: clineSessionFiles },
  sample: 'samples/cline/sessions',
  detect: (head) => opensSessionMessages(head),
};

/** The messages file opens with its version, then updated_at, agent and the root session's id (buildMessagesFilePayload). */
function opensSessionMessages(head: FileHead): boolean {
  return /^\s*\{\s*"version"\s*:\s*1\s*,\s*"updated_at"\s*:\s*"[^"]*"\s*,\s*"agent"\s*:\s*"(lead|subagent|teammate)"\s*,\s*"sessionId"\s*:/.test(head.text.slice(0, 4096));
}

/** Cline's own data folder, as its CLI and SDK resolve it: $CLINE_DATA_DIR, else $CLINE_DIR/data, else ~/.cline/data. */
export function clineDataDir(env: NodeJS.ProcessEnv): string {
  return env.CLINE_DATA_DIR?.trim() || (env.CLINE_DIR?.trim() ? path.join(env.CLINE_DIR.trim(), 'data') : path.join(homeOf(env), '.cline', 'data'));
}

/** The sessions folder, as the SDK resolves it: $CLINE_SESSION_DATA_DIR, else <Cline's data folder>/sessions. */
function sessionsDir(env: NodeJS.ProcessEnv): string {
  return env.CLINE_SESSION_DATA_DIR?.trim() || path.join(clineDataDir(env), 'sessions');
}

/**
 * Every session's messages files, for `recount import --agents`: files, not the folder, since a
 * session folder also holds its manifest, its compaction state and other JSON that are not logs.
 */
export function clineSessionFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = sessionsDir(env);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) =>
      fs
        .readdirSync(path.join(dir, e.name))
        .filter((f) => f.endsWith('.messages.json'))
        .map((f) => path.join(dir, e.name, f)),
    )
    .filter((f) => opensSessionMessages(readHead(f, 4096)))
    .sort();
}

/** What the session's manifest says, for cline-tasks/read-sessions.sql: where it ran and its model. */
interface SessionHints {
  cwd: string | null;
  workspace_root: string | null;
  model: string | null;
  provider: string | null;
}

/** The manifest is small (metadata and the first prompt); a larger one is left unread. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The root session's manifest, <folder>/<folder name>.json beside the messages file; empty hints when it does not read. */
export function sessionHints(file: string): SessionHints {
  const dir = path.dirname(file);
  const manifest = path.join(dir, `${path.basename(dir)}.json`);
  let m: Record<string, unknown> = {};
  try {
    if (fs.statSync(manifest).size <= MAX_MANIFEST_BYTES) m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  } catch {
    // hints are optional: without the manifest a message still carries its own model
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return { cwd: text(m.cwd), workspace_root: text(m.workspace_root), model: text(m.model), provider: text(m.provider) };
}
