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
  // found in a folder: every name in it, as listed (plan-files.ts looks there for a mapping or a
  // write-ahead log beside the file instead of listing the folder again)
  folderNames?: string[];
}

/** Expands files and folders (recursively) into the data files to import, sorted within each folder. */
export function discoverFiles(inputs: string[]): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean, folderNames?: string[]) => {
    const abs = path.resolve(p);
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push({ path: abs, explicit, ...(folderNames ? { folderNames } : {}) });
    }
  };
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new RecountError(`${maskSecretsIn(input)}: no such file or folder`, 'check the path; recount import takes files and folders');
    }
    if (stat.isDirectory()) for (const f of walk(input)) add(f.path, false, f.folderNames);
    else add(input, true);
  }
  return out;
}

function walk(dir: string): { path: string; folderNames: string[] }[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    throw maskedError(unreadableFile(dir, err)); // a sub-folder without read permission: named (masked: mask-path.ts), not a crash
  }
  const folderNames = entries.map((e) => e.name);
  const files: { path: string; folderNames: string[] }[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...walk(p));
    else if (e.isFile() && DATA_FILE.test(e.name) && !MAPPING_FILE.test(e.name)) files.push({ path: p, folderNames });
  }
  return files;
}

/**
 * Each file's size and time, once per run: an incremental import compares them with the ledger's
 * before planning. A file that cannot be read is left out, for planFormats to name.
 */
export function statFiles(files: FoundFile[]): Map<string, fs.Stats> {
  const stats = new Map<string, fs.Stats>();
  for (const { path: p } of files) {
    try {
      stats.set(p, fs.statSync(p));
    } catch {
      // planFormats stats it again and says why it cannot be read
    }
  }
  return stats;
}
