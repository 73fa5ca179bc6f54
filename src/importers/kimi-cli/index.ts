import fs from 'node:fs';
import path from 'node:path';
import { agentRoot, existingDir } from '../common/agent-dirs.js';
import { repairedFrom } from '../common/repaired-copies.js';
import type { FileHead, Importer } from '../format.js';
import { kimiModelAliases } from './aliases.js';

/**
 * Kimi CLI wire logs, both protocols: the Python CLI's $KIMI_SHARE_DIR (else ~/.kimi)/sessions/<work-dir
 * hash>/<session>/wire.jsonl (subagents in <session>/subagents/<agent>/wire.jsonl) and Kimi Code's
 * $KIMI_CODE_HOME (else ~/.kimi-code)/sessions/<workspace>/<session>/agents/<agent>/wire.jsonl.
 * Dedupe: a StatusUpdate is keyed <session>:<message_id> (a re-sent one counts once); a usage.record,
 * which has no id, <session>:<agent>:<line>; step.end lines repeat a usage.record and are not read.
 * A usage.record's model alias maps through its file's llm.request, else the session's other agents'
 * or config.toml's (aliases.ts).
 */
export const kimiCli: Importer = {
  id: 'kimi-cli',
  title: 'Kimi CLI / Kimi Code wire logs (wire.jsonl)',
  provider: 'moonshot',
  role: 'requests',
  merge: 'keep-best',
  // the line reader numbers one file's lines with row_number()
  dir: 'kimi-cli',
  read: { kind: 'json-lines', each: 'file', reader: 'read', stage: 'stage', params: (files) => readerParams(files[0]) },
  local: { where: '$KIMI_SHARE_DIR or ~/.kimi/sessions, $KIMI_CODE_HOME or ~/.kimi-code/sessions', find: kimiCliDirs },
  sample: 'samples/kimi-cli',
  detect: (head) => opensWire(head),
};

/**
 * A wire log opens with its metadata record (type metadata, a protocol version), or, without one, a
 * timestamped message. A first line that is not UTF-8 (U+FFFD as read) is passed over: only it is lost.
 */
function opensWire(head: FileHead): boolean {
  const first = head.lines.find((l) => l.trim() !== '' && !l.includes('\uFFFD')) ?? head.text.slice(0, 4096);
  if (/^\s*\{\s*"type"\s*:\s*"metadata"\s*,/.test(first) && /"protocol_?[vV]ersion"\s*:/.test(first)) return true;
  return /^\s*\{\s*"timestamp"\s*:\s*[0-9.]+\s*,\s*"message"\s*:\s*\{\s*"type"\s*:/.test(first);
}

/**
 * What read.sql binds besides the file: the configured default model and the aliases the file may not
 * map itself, from beside the file itself when a repaired copy of it is read (line-repair.ts).
 */
function readerParams(readPath: string | undefined): { default_model: string; model_aliases: string } {
  const wireFile = readPath && repairedFrom(readPath);
  return { default_model: kimiDefaultModel(wireFile), model_aliases: JSON.stringify(kimiModelAliases(wireFile)) };
}

/** The older protocol names no model: the CLI's default_model from config.toml beside sessions/, '' when unknown. */
export function kimiDefaultModel(wireFile: string | undefined): string {
  if (!wireFile) return '';
  const parts = path.resolve(wireFile).split(path.sep);
  const at = parts.lastIndexOf('sessions');
  if (at < 1) return '';
  const config = path.join(parts.slice(0, at).join(path.sep) || path.sep, 'config.toml');
  if (!fs.existsSync(config)) return '';
  const found = /^\s*default_model\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(config, 'utf8'));
  return found?.[1] ?? '';
}

/** The sessions folders of both CLIs: $KIMI_SHARE_DIR or ~/.kimi, and $KIMI_CODE_HOME or ~/.kimi-code. */
export function kimiCliDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  // the wire logs themselves: a session folder also holds context.jsonl and state.json, which are not usage
  return [
    ...existingDir(path.join(agentRoot(env, 'KIMI_SHARE_DIR', '.kimi'), 'sessions')),
    ...existingDir(path.join(agentRoot(env, 'KIMI_CODE_HOME', '.kimi-code'), 'sessions')),
  ].flatMap((dir) => wireLogs(dir));
}

/** Every wire.jsonl under dir (main agents' and subagents'), sorted. */
function wireLogs(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => path.basename(f) === 'wire.jsonl')
    .map((f) => path.join(dir, f))
    .sort();
}
