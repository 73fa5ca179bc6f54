import fs from 'node:fs';
import { BIGINT, DOUBLE, LIST, listValue, timestampTz, VARCHAR } from '../db/duckdb.js';
import { unreadableFile } from '../errors.js';
import { EDGE_BYTES, hashRange, type LineScan } from './line-counts.js';
import type { Ledger } from '../db/ledger.js';
import { resumeRule } from './resume.js';
import { sql } from '../db/sql.js';
import { maskSecretsIn } from './mask-path.js';
import type { PlannedFile } from './staging.js';

/**
 * What the ledger remembers of each file it read (queries/schema/009_create_file_state.sql), so that
 * an incremental import opens only what changed: a file unchanged since (same size and modification
 * time, same format) is not opened; one that only grew is read from a safe line boundary
 * (tail-read.ts, resume.ts); anything else is read in full, with the same dedupe as ever.
 */
export interface FileState {
  path: string;
  format: string;
  size_bytes: number;
  mtime_ms: number;
  head_hash: string | null;
  tail_hash: string | null;
  consumed_bytes: number | null;
  consumed_lines: number | null;
  // the import that read it and when; null (with the hashes and offsets) for a file found as recorded,
  // which is not opened (loadFileStates)
  import_id: string | null;
  read_at: Date | null;
  unchanged_imports: number;
}

const PATHS = { paths: LIST(VARCHAR) };

/** A file as the import found it: its size and modification time (fs.Stats). */
export interface FoundStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The remembered state of those of `files` the ledger has read before. Every remembered size and time
 * comes back in one scan and is compared here (most files of a folder of transcripts are as they
 * were); only files whose stat differs are asked again for what reading them from an offset needs.
 * A file found as recorded comes back without those (null hashes, offsets, import and time).
 */
export async function loadFileStates(ledger: Ledger, files: FoundStat[]): Promise<Map<string, FileState>> {
  if (!files.length) return new Map();
  const stats = (await ledger.conn.runAndReadAll(sql('import/file_state_stats'))).getColumnsObjectJS() as unknown as StatColumns;
  const rowOf = new Map(stats.path.map((p, i) => [p, i]));
  const states = new Map<string, FileState>();
  const changed: FoundStat[] = [];
  for (const f of files) {
    const stored = maskSecretsIn(f.path); // remembered under its stored path (masked: mask-path.ts)
    const i = rowOf.get(stored);
    if (i === undefined) continue;
    const size = Number(stats.size_bytes[i]);
    if (size !== f.size || stats.mtime_ms[i] !== f.mtimeMs) {
      changed.push(f);
      continue;
    }
    states.set(f.path, {
      path: f.path, format: stats.format[i], size_bytes: size, mtime_ms: stats.mtime_ms[i],
      head_hash: null, tail_hash: null, consumed_bytes: null, consumed_lines: null, import_id: null, read_at: null,
      unchanged_imports: Number(stats.unchanged_imports[i]),
    });
  }
  for (const [p, state] of await changedStates(ledger, changed)) states.set(p, state);
  return states;
}

/** file_state_stats.sql's columns. */
interface StatColumns {
  path: string[];
  format: string[];
  size_bytes: bigint[];
  mtime_ms: number[];
  unchanged_imports: bigint[];
}

/** The whole remembered state of `files`, remembered with another size or time (file_states.sql). */
async function changedStates(ledger: Ledger, files: FoundStat[]): Promise<Map<string, FileState>> {
  if (!files.length) return new Map();
  const own = new Map(files.map((f) => [maskSecretsIn(f.path), f.path]));
  const params = {
    paths: listValue(files.map((f) => maskSecretsIn(f.path))),
    sizes: listValue(files.map((f) => BigInt(f.size))),
    mtimes: listValue(files.map((f) => f.mtimeMs)), // typed DOUBLE below: an integral first value would infer BIGINT
  };
  const reader = await ledger.conn.runAndReadAll(sql('import/file_states'), params, { ...PATHS, sizes: LIST(BIGINT), mtimes: LIST(DOUBLE) });
  const rows = reader.getRowObjectsJS() as unknown as (FileState & { same_stat: boolean })[];
  return new Map(
    rows.map(({ same_stat: _same, ...r }) => [
      own.get(r.path) ?? r.path,
      {
        ...r,
        path: own.get(r.path) ?? r.path,
        size_bytes: Number(r.size_bytes),
        consumed_bytes: r.consumed_bytes == null ? null : Number(r.consumed_bytes),
        consumed_lines: r.consumed_lines == null ? null : Number(r.consumed_lines),
        unchanged_imports: Number(r.unchanged_imports),
      },
    ]),
  );
}

/**
 * True when a file needs no opening: its size and modification time are those recorded, and the
 * format it would be read as (`format`: forced, or a mapping beside it; undefined: detected) is the
 * one that read it. A file a mapping read is read again without one (what it is then, detection says).
 */
export function unchangedSince(state: FileState | undefined, stat: fs.Stats, format: string | undefined): boolean {
  if (!state || stat.size !== state.size_bytes || stat.mtimeMs !== state.mtime_ms) return false;
  return format === undefined ? !state.format.startsWith('mapping:') : format === state.format;
}

/** A write-ahead log of its 32-byte header alone holds no rows (sqlite.org/walformat.html). */
const WAL_HEADER_BYTES = 32;

/**
 * A file's stat as an incremental import compares it, its write-ahead log's folded in: a SQLite
 * database keeps its newest rows in `<file>-wal` until a checkpoint (rewriting the database itself),
 * and the reader applies them (importers/common/sqlite-rows.ts). A database is remembered this way
 * (plan-files.ts): the sizes added and the later time, so a new or grown log reads it again (in full:
 * the merge dedupes) and an unchanged pair is skipped. A file of another format is remembered as it
 * is, so one with such a sibling (no agent writes one) is read again each time, never wrongly skipped.
 */
export function foldWal(stat: fs.Stats, wal: fs.Stats | undefined): fs.Stats {
  if (!wal || wal.size <= WAL_HEADER_BYTES) return stat;
  const folded: fs.Stats = Object.create(Object.getPrototypeOf(stat) as object);
  return Object.assign(folded, stat, { size: stat.size + wal.size, mtimeMs: Math.max(stat.mtimeMs, wal.mtimeMs) });
}

/** A file_state row about to be written. */
export type FileStateRow = Omit<FileState, 'import_id' | 'read_at'> & { import_id: string; read_at: Date };

/**
 * The state to remember of each file the run reads: its size and time, and for a format read from
 * an offset (resume.ts) the hashes of its ends and where its last complete line ends, from the scan
 * of the lines read (line-counts.ts). A file read from an offset adds the part read to what was there.
 */
export function readStates(plan: PlannedFile[], scans: Map<string, LineScan>, known: Map<string, FileState>, run: { importId: string; importedAt: Date }): FileStateRow[] {
  return plan.map((f) => {
    const filePath = f.resumed?.path ?? f.path;
    const scan = resumeRule(f.importer, filePath) ? scans.get(f.path) : undefined;
    const row: FileStateRow = {
      path: filePath,
      format: f.importer.id,
      size_bytes: f.bytes,
      mtime_ms: f.modifiedMs,
      head_hash: null,
      tail_hash: null,
      consumed_bytes: null,
      consumed_lines: null,
      import_id: run.importId,
      read_at: run.importedAt,
      unchanged_imports: known.get(filePath)?.unchanged_imports ?? 0,
    };
    if (!scan) return row;
    if (!f.resumed) return { ...row, size_bytes: scan.bytes, head_hash: scan.headHash, tail_hash: scan.tailHash, consumed_bytes: scan.consumedBytes, consumed_lines: scan.consumedLines };
    // the copy's ends are not the file's: hash the file's own, up to the end of what was copied
    const end = f.resumed.fromByte + scan.bytes;
    let fd: number;
    try {
      fd = fs.openSync(filePath, 'r');
    } catch (err) {
      throw unreadableFile(filePath, err); // gone since it was planned
    }
    try {
      return {
        ...row,
        size_bytes: end,
        head_hash: hashRange(fd, 0, Math.min(EDGE_BYTES, end)),
        tail_hash: hashRange(fd, Math.max(0, end - EDGE_BYTES), end),
        consumed_bytes: f.resumed.fromByte + scan.consumedBytes,
        consumed_lines: f.resumed.lineOffset + scan.consumedLines,
      };
    } finally {
      fs.closeSync(fd);
    }
  });
}

/** A file found unchanged after all (touched: a new time, nothing new to read): its state with the new time. */
export function touchedStates(files: PlannedFile[], known: Map<string, FileState>): FileStateRow[] {
  return files.map((f) => {
    const state = known.get(f.path)!; // a new time: loaded in full (loadFileStates)
    return { ...state, import_id: state.import_id!, read_at: state.read_at!, mtime_ms: f.modifiedMs, unchanged_imports: state.unchanged_imports + 1 };
  });
}

/**
 * Inside the import's transaction: replaces the state of the files read (and touched), and counts one
 * more import that found the others unchanged. Paths are given as the files' own and stored masked.
 */
export async function recordFileStates(ledger: Ledger, rows: FileStateRow[], unchanged: string[]): Promise<void> {
  if (unchanged.length) await ledger.run(sql('import/count_unchanged_files'), { paths: listValue(unchanged.map(maskSecretsIn)) }, PATHS);
  if (!rows.length) return;
  await ledger.run(sql('import/delete_file_states'), { paths: listValue(rows.map((r) => maskSecretsIn(r.path))) }, PATHS);
  const appender = await ledger.conn.createAppender('file_state');
  for (const r of rows) {
    appender.appendVarchar(maskSecretsIn(r.path)); // stored masked (mask-path.ts)
    appender.appendVarchar(r.format);
    appender.appendBigInt(BigInt(r.size_bytes));
    appender.appendDouble(r.mtime_ms);
    for (const hash of [r.head_hash, r.tail_hash]) {
      if (hash === null) appender.appendNull();
      else appender.appendVarchar(hash);
    }
    for (const n of [r.consumed_bytes, r.consumed_lines]) {
      if (n === null) appender.appendNull();
      else appender.appendBigInt(BigInt(n));
    }
    appender.appendVarchar(r.import_id);
    appender.appendTimestampTZ(timestampTz(r.read_at));
    appender.appendBigInt(BigInt(r.unchanged_imports));
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}
