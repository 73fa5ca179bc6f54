import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../../errors.js';
import { readSqliteRows, sqliteHasTables } from '../common/sqlite-rows.js';
import type { FileHead, Importer } from '../format.js';

/**
 * OpenCode sessions, two stores with one message shape (MessageV2.Info: role, modelID, providerID,
 * cost, tokens {input, output, reasoning, cache {read, write}}, time.created in ms):
 *   - opencode.db (SQLite, since 1.2): table message (id, session_id, time_created, data JSON), session
 *     (directory, parent_id) and part (tool calls); read with sql.js (sqlite-rows.ts);
 *   - the older storage/message/<sessionID>/msg_*.json files, one message each, its tool calls in
 *     storage/part/<messageID>/prt_*.json beside them.
 * Both stage through opencode/stage.sql as source 'opencode' (Kilo Code 7's kilo.db, the same store:
 * 'kilo-code'). Dedupe: the message id, so a message migrated from the JSON files into the database
 * (or copied) counts once.
 */
export const opencode: Importer = {
  id: 'opencode',
  title: 'OpenCode message files (storage/message/<session>/msg_*.json)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'opencode',
  read: { kind: 'json-document', each: 'file', reader: 'read-message', stage: 'stage', params: (files) => ({ tools: JSON.stringify(partTools(files[0])) }) },
  local: { where: '$XDG_DATA_HOME or ~/.local/share: opencode/storage/message', find: opencodeMessageDirs },
  sample: 'samples/opencode/storage/message',
  detect: (head) => opensMessageFile(head),
};

export const opencodeDb: Importer = {
  id: 'opencode-db',
  title: 'OpenCode session database (opencode.db, SQLite)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'opencode',
  read: { kind: 'sqlite', reader: 'read-db', stage: 'stage', params: (files) => databaseRows(files[0]) },
  local: { where: '$XDG_DATA_HOME or ~/.local/share: opencode/opencode*.db, kilo/kilo.db', find: opencodeDatabases },
  sample: 'samples/opencode/opencode.db',
  detect: (head) => sqliteHasTables(head, ['message', 'session', 'part']) && /\bsession_id\b/.test(head.text) && /\bdata\b/.test(head.text),
};

/** A message file is one pretty-printed MessageV2.Info: its own id (msg_…) and its session's (ses_…). */
function opensMessageFile(head: FileHead): boolean {
  const t = head.text.slice(0, 4096);
  return /^\s*\{/.test(t) && /"id"\s*:\s*"msg_/.test(t) && /"sessionID"\s*:\s*"ses_/.test(t) && /"role"\s*:\s*"(assistant|user)"/.test(t);
}

/**
 * OpenCode's data folder ($XDG_DATA_HOME/opencode, else ~/.local/share/opencode, as its Global.Path
 * has it) and Kilo Code 7's ($XDG_DATA_HOME/kilo, the same store).
 */
function dataDirs(env: NodeJS.ProcessEnv): string[] {
  const data = env.XDG_DATA_HOME?.trim() || path.join(env.HOME || os.homedir(), '.local', 'share');
  return ['opencode', 'kilo'].map((app) => path.join(data, app)).filter((d) => fs.existsSync(d));
}

/** Every opencode*.db and Kilo Code 7's kilo*.db there, for `recount import --agents`. */
export function opencodeDatabases(env: NodeJS.ProcessEnv = process.env): string[] {
  return dataDirs(env).flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => /^(opencode|kilo).*\.db$/.test(f))
      .sort()
      .map((f) => path.join(dir, f)),
  );
}

/** The legacy storage/message folders (message files from releases before the database). */
export function opencodeMessageDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return dataDirs(env)
    .map((dir) => path.join(dir, 'storage', 'message'))
    .filter((d) => fs.existsSync(d));
}

/**
 * The database's messages, their sessions and tool calls, as JSON lines for opencode/read-db.sql
 * ($rows): one snapshot read, so a message and its parts agree.
 */
async function databaseRows(file: string): Promise<{ rows: string; source: string }> {
  const [messages, sessions, tools] = await readSqliteRows(file, [
    'SELECT rowid AS row_n, id, session_id, time_created, data FROM message ORDER BY rowid',
    'SELECT id, directory, parent_id FROM session',
    "SELECT message_id, json_extract(data, '$.tool') AS tool FROM part WHERE json_extract(data, '$.type') = 'tool'",
  ]);
  if (!messages) {
    throw new RecountError(`${file}: no message table with id, session_id, time_created and data`, 'this reads OpenCode 1.2 and later; pass the legacy storage/message folder for older releases');
  }
  const line = (kind: string) => (r: Record<string, unknown>) => JSON.stringify({ kind, ...r });
  const rows = [...messages.map(line('message')), ...(sessions ?? []).map(line('session')), ...(tools ?? []).map(line('tool'))];
  return { rows: rows.join('\n'), source: /^kilo/i.test(path.basename(file)) ? 'kilo-code' : 'opencode' };
}

/**
 * The tools a legacy message file's message called: the `tool` parts OpenCode kept beside the message
 * folder, storage/part/<message id>/prt_*.json ({type: "tool", tool, …}), for opencode/read-message.sql
 * ($tools). The message id is the file's name (msg_….json, its id). A part file that does not read is
 * left out: the tools are attribution, the message's counts are read either way.
 */
export function partTools(messageFile: string): string[] {
  const messageId = path.basename(messageFile).replace(/\.json$/i, '');
  const partDir = path.join(path.dirname(messageFile), '..', '..', 'part', messageId);
  if (!/^msg_/.test(messageId) || !fs.existsSync(partDir)) return [];
  const names = fs
    .readdirSync(partDir)
    .filter((f) => /^prt_.*\.json$/i.test(f))
    .flatMap((f) => {
      try {
        const part = JSON.parse(fs.readFileSync(path.join(partDir, f), 'utf8')) as { type?: unknown; tool?: unknown };
        return part.type === 'tool' && typeof part.tool === 'string' && part.tool !== '' ? [part.tool] : [];
      } catch {
        return [];
      }
    });
  return [...new Set(names)].sort();
}
