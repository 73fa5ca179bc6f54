import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../../errors.js';
import { readSqliteRows, sqliteHasTables } from '../common/sqlite-rows.js';
import type { FileHead, Importer } from '../format.js';

/**
 * GitHub Copilot CLI, two local records of the same requests:
 *   - its OpenTelemetry file export (COPILOT_OTEL_EXPORTER_TYPE=file; ~/.copilot/otel/*.jsonl or
 *     $COPILOT_OTEL_FILE_EXPORTER_PATH): GenAI `chat` spans, read into the OTLP reader's shape
 *     (copilot-cli/read-otel.sql) and mapped by common/otlp-stage.sql, source copilot-cli (copilot-chat for VS
 *     Code's). Dedupe: traceId:spanId.
 *   - its session store (~/.copilot/session-store.db, SQLite): one assistant_usage_events row per
 *     model call, source copilot-cli-store. Dedupe: <session id>:<row id>.
 * `recount import --agents` reads the store when there is one (it records every call, telemetry on or
 * off), else the export: the two describe the same calls under different keys.
 */
export const copilotOtel: Importer = {
  id: 'copilot-otel',
  title: 'GitHub Copilot OpenTelemetry file export (CLI and VS Code)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  // the GenAI span mapping the OTLP JSON reader uses
  dir: 'copilot-cli',
  read: { kind: 'json-lines', each: 'file', reader: 'read-otel', stage: 'common/otlp-stage' },
  local: { where: '$COPILOT_HOME or ~/.copilot/otel, $COPILOT_OTEL_FILE_EXPORTER_PATH (without a session store)', find: copilotOtelPaths },
  sample: 'samples/copilot-cli/otel/copilot-otel.jsonl',
  detect: (head) => opensSdkSpanExport(head),
};

export const copilotSessionStore: Importer = {
  id: 'copilot-session-store',
  title: 'GitHub Copilot CLI session store (session-store.db, SQLite)',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  dir: 'copilot-cli',
  read: { kind: 'sqlite', reader: 'read-session-store', stage: 'stage-session-store', params: (files) => storeRows(files[0]) },
  local: { where: '$COPILOT_HOME or ~/.copilot/session-store.db', find: copilotStorePaths },
  sample: 'samples/copilot-cli/session-store.db',
  detect: (head) => sqliteHasTables(head, ['assistant_usage_events', 'sessions']),
};

/**
 * The SDK's spans one per line: Copilot CLI's lines open with their type, VS Code's with the span's
 * resource; either way GenAI or Copilot attributes show in the head (not any other JS SDK export).
 */
function opensSdkSpanExport(head: FileHead): boolean {
  const first = head.lines.find((l) => l.trim() !== '') ?? '';
  const shape = /^\s*\{\s*"type"\s*:\s*"(span|metric|log)"\s*,/.test(first) || /^\s*\{\s*"resource"\s*:\s*\{\s*"attributes"\s*:/.test(first);
  return shape && /"(gen_ai|github\.copilot|copilot_chat)\.[a-z_.]+"\s*:/.test(head.text);
}

/** Copilot CLI's home: $COPILOT_HOME, else ~/.copilot. */
const copilotHome = (env: NodeJS.ProcessEnv) => env.COPILOT_HOME?.trim() || path.join(env.HOME || os.homedir(), '.copilot');

/** The session store, for `recount import --agents`. */
export function copilotStorePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const store = path.join(copilotHome(env), 'session-store.db');
  return fs.existsSync(store) ? [store] : [];
}

/**
 * The OpenTelemetry export (its otel folder and $COPILOT_OTEL_FILE_EXPORTER_PATH), only when there is
 * no session store: the two hold the same calls (see above).
 */
export function copilotOtelPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (copilotStorePaths(env).length) return [];
  const otel = path.join(copilotHome(env), 'otel');
  const found = fs.existsSync(otel) ? [otel] : [];
  const exported = env.COPILOT_OTEL_FILE_EXPORTER_PATH?.trim();
  if (exported && fs.existsSync(exported) && !path.resolve(exported).startsWith(path.resolve(otel) + path.sep)) found.push(exported);
  return found;
}

/** The store's usage events and sessions, as JSON lines for copilot-cli/read-session-store.sql ($rows). */
async function storeRows(file: string): Promise<{ rows: string }> {
  const [events, sessions] = await readSqliteRows(file, [
    'SELECT rowid AS row_n, * FROM assistant_usage_events ORDER BY rowid',
    'SELECT id, cwd, repository, branch FROM sessions',
  ]);
  if (!events) {
    throw new RecountError(`${file}: no assistant_usage_events table`, 'pass Copilot CLI’s session-store.db itself (~/.copilot/session-store.db)');
  }
  const line = (kind: string) => (r: Record<string, unknown>) => JSON.stringify({ kind, ...r });
  return { rows: [...events.map(line('event')), ...(sessions ?? []).map(line('session'))].join('\n') };
}
