import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError, unreadableFile } from '../errors.js';
import { maskedError, maskSecretsIn } from './mask-path.js';

// .sse: a saved server-sent-events capture (Gemini streamGenerateContent?alt=sse); gzip as delivered
// (Bedrock to S3): DuckDB's readers unpack it. Other names (.txt, .log) are read when named, not found.
const DATA_FILE = /\.(jsonl|ndjson|json|csv|sse)(\.gz)?$|\.db$/i; // .db: an agent's SQLite store (OpenCode, Copilot CLI)
const MAPPING_FILE = /\.mapping\.json$/i; // a mapping next to its data file is not data

export interface FoundFile {
  path: string;
  explicit: boolean; // named on the command line (an unknown format is an error) or found in a folder (a warning)
}

/** Expands files and folders (recursively) into the data files to import, sorted within each folder. */
export function discoverFiles(inputs: string[]): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean) => {
    const abs = path.resolve(p);
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push({ path: abs, explicit });
    }
  };
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new RecountError(`${maskSecretsIn(input)}: no such file or folder`, 'check the path; recount import takes files and folders');
    }
    if (stat.isDirectory()) for (const f of walk(input)) add(f, false);
    else add(input, true);
  }
  return out;
}

function walk(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    throw maskedError(unreadableFile(dir, err)); // a sub-folder without read permission: named (masked: mask-path.ts), not a crash
  }
  const files: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...walk(p));
    else if (e.isFile() && DATA_FILE.test(e.name) && !MAPPING_FILE.test(e.name)) files.push(p);
  }
  return files;
}
