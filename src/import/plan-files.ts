import fs from 'node:fs';
import path from 'node:path';
import { RecountError, unreadableFile } from '../errors.js';
import type { FoundFile } from './discover.js';
import type { LineCounting, LineScan } from './line-counts.js';
import { batchesOf, readsWholeText, type Importer } from '../importers/format.js';
import { resumeRule } from './resume.js';
import { foldWal } from './file-state.js';
import type { PlannedFile } from './staging.js';

/**
 * Whether a file needs no reading (file-state.ts): given its stat (folded with its write-ahead log's
 * when one is beside it: foldWal) and the format it would be read as when that is known before
 * detection (forced, or a mapping beside it).
 */
export type Unchanged = (filePath: string, stat: fs.Stats, format: string | undefined) => boolean;

/**
 * The files to read, each with its importer, size and time; and those `unchanged` says need no
 * reading (left out before detection: a folder of transcripts is thousands of files, most of them
 * as they were). Empty and unknown files are warned about (an unknown file named on the command line
 * is an error). `stats`: the files' stats when taken already (statFiles).
 */
export async function planFormats(files: FoundFile[], forced: string | Importer | undefined, warnings: string[], unchanged?: Unchanged, stats?: Map<string, fs.Stats>): Promise<{ plan: PlannedFile[]; unchanged: string[] }> {
  const forcedImporter = typeof forced === 'string' ? (await registry()).importerById(forced) : forced;
  const plan: PlannedFile[] = [];
  const same: string[] = [];
  const folders = new Map<string, Folder>(); // listed once each: sibling mappings and write-ahead logs
  for (const file of files) {
    let stat: fs.Stats;
    let seen: fs.Stats; // with its write-ahead log's, when one is beside it (foldWal)
    let importer: Importer | undefined;
    try {
      stat = stats?.get(file.path) ?? fs.statSync(file.path);
      if (stat.size === 0) {
        warnings.push(`${file.path}: empty file, nothing to import`);
        continue;
      }
      const folder = folderOf(file, folders);
      seen = foldWal(stat, walBeside(file.path, folder));
      importer = forcedImporter ?? (await siblingMapping(file.path, folder));
      if (unchanged?.(file.path, seen, importer?.id)) {
        same.push(file.path);
        continue;
      }
      importer ??= (await registry()).detectImporter(file.path);
    } catch (err) {
      throw unreadableFile(file.path, err);
    }
    if (importer && readsWholeText(importer) && /\.gz$/i.test(file.path)) {
      throw new RecountError(`${file.path}: ${importer.title} are read as plain text`, `unpack it first: gunzip -k ${file.path}`);
    }
    if (importer) {
      // remembered as read: a database with its log's rows (file-state.ts), any other file as it is
      const read = importer.read.kind === 'sqlite' ? seen : stat;
      plan.push({ path: file.path, importer, bytes: read.size, modifiedMs: read.mtimeMs });
    } else if (file.explicit) {
      throw new RecountError(
        `${file.path}: not a supported format (tried ${(await registry()).importers.map((i) => i.id).join(', ')})`,
        'check that this is a usage export, or force one with --format ID (list: recount sources)',
      );
    } else {
      warnings.push(`${file.path}: skipped, not a supported format (a custom CSV or JSONL imports with --mapping)`);
    }
  }
  if (!plan.length && !same.length) {
    const why = files.length === 1 && warnings.length === 1 ? warnings[0] : `no supported files among ${files.length} file${files.length === 1 ? '' : 's'}`;
    throw new RecountError(`nothing to import: ${why}`, 'pass export files or folders (see recount sources)');
  }
  return { plan, unchanged: same };
}

/** The importers and their detection, loaded when a file is to be read (an import of unchanged files needs none). */
function registry(): Promise<typeof import('../importers/registry.js')> {
  return import('../importers/registry.js');
}

/** The planned files whose lines are scanned: for an importer that checks its reader against them, or to remember where they end. */
export function scannedFiles(plan: PlannedFile[]): PlannedFile[] {
  return plan.filter((f) => batchesOf(f.importer) || resumeRule(f.importer, f.resumed?.path ?? f.path));
}

/** Each scanned file's scan (line-counts.ts); a format read in batches checks its reader against the lines. */
export async function scanPlannedLines(plan: PlannedFile[], counting: LineCounting): Promise<Map<string, LineScan>> {
  const scanned = scannedFiles(plan);
  if (!scanned.length) {
    counting.cancel();
    return new Map();
  }
  const scans = await counting.scans(scanned.map((f) => f.path));
  for (const f of scanned) if (batchesOf(f.importer)) f.lines = scans.get(f.path)?.lines;
  return scans;
}

/**
 * What one listing of a folder says about its files' siblings: whether it may hold a mapping, and the
 * names of the write-ahead logs in it (undefined: it could not be listed, so look for each file).
 */
interface Folder {
  mappings: boolean;
  wals: Set<string> | undefined;
}

/**
 * One listing per folder: a folder of transcripts is thousands of files, and one without any
 * mapping-like or -wal name needs no look for each of them (a listing that fails looks every time).
 * A file found in a folder brings the listing discovery made (discover.ts).
 */
function folderOf(file: FoundFile, folders: Map<string, Folder>): Folder {
  const dir = path.dirname(file.path);
  let folder = folders.get(dir);
  if (!folder) {
    try {
      const names = file.folderNames ?? fs.readdirSync(dir);
      folder = { mappings: names.some((name) => /\.mapping\./i.test(name)), wals: new Set(names.filter((name) => name.endsWith('-wal'))) };
    } catch {
      folder = { mappings: true, wals: undefined };
    }
    folders.set(dir, folder);
  }
  return folder;
}

/**
 * A folder can carry its own mappings: `<name>.mapping.yaml` (or .yml, .json) next to `<name>.csv` reads
 * it. The mapping modules (and yaml) load only when there is one: a folder of transcripts has none.
 */
async function siblingMapping(filePath: string, folder: Folder): Promise<Importer | undefined> {
  if (!folder.mappings) return undefined;
  const base = filePath.replace(/\.(csv|jsonl|ndjson|json)$/i, '');
  const mapping = ['.mapping.yaml', '.mapping.yml', '.mapping.json'].map((ext) => base + ext).find((p) => fs.existsSync(p));
  if (!mapping) return undefined;
  const [{ mappingImporter }, { readMapping }] = await Promise.all([import('../importers/mapping/index.js'), import('../importers/mapping/read-mapping.js')]);
  return mappingImporter(readMapping(mapping));
}

/** The stat of the SQLite write-ahead log beside a file (`<file>-wal`), if there is one. */
function walBeside(filePath: string, { wals }: Folder): fs.Stats | undefined {
  if (wals && !wals.has(`${path.basename(filePath)}-wal`)) return undefined;
  const wal = fs.statSync(`${filePath}-wal`, { throwIfNoEntry: false });
  return wal?.isFile() ? wal : undefined;
}
