import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIGINT, LIST, listValue, VARCHAR } from '../db/duckdb.js';
import { RecountError, unreadableFile } from '../errors.js';
import { EDGE_BYTES, hashRange } from './line-counts.js';
import type { FileState } from './file-state.js';
import type { Ledger } from '../db/ledger.js';
import { resumeRule } from './resume.js';
import { sql } from '../db/sql.js';
import type { PlannedFile } from './staging.js';

/**
 * Files DuckDB's readers cannot take as they are. A grown file read from an offset: the readers take
 * whole files, so the part of a file from a safe line boundary on (resume.ts) is copied into a temp
 * folder and read as a file of its own. A file whose path holds a glob character ([, *, ?): a reader
 * would take it as a pattern (and read other files), so it is read through a link under a plain name.
 * Once staged, their rows take the file's path and line numbers (relabelTails). The copies and links
 * go when the import ends.
 */
export class TailReads {
  private dir: string | undefined;
  private copies = 0;

  /**
   * The planned files, each grown file that can be read from an offset replaced by a copy of its new
   * part; and the files that turned out unchanged after all (touched: a new time, the same size and ends).
   */
  plan(planned: PlannedFile[], known: Map<string, FileState>): { plan: PlannedFile[]; touched: PlannedFile[] } {
    const plan: PlannedFile[] = [];
    const touched: PlannedFile[] = [];
    for (const file of planned) {
      const state = known.get(file.path);
      const from = state ? this.resumePoint(file, state) : undefined;
      if (!from || !state) plan.push(GLOB_CHARACTERS.test(file.path) ? this.link(file) : file);
      else if (from.byte >= file.bytes) touched.push(file);
      else plan.push(this.copyTail(file, from));
    }
    return { plan, touched };
  }

  /** Removes the copies. */
  remove(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** An error that names a copy names its file instead, at the file's own line number. */
  named(err: unknown, plan: PlannedFile[]): unknown {
    if (!(err instanceof RecountError)) return err;
    let message = err.message;
    for (const f of plan) {
      if (!f.resumed || !message.includes(f.path)) continue;
      const escaped = f.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      message = message.replace(new RegExp(`${escaped}(?::(\\d+))?`, 'g'), (_m, line?: string) =>
        line ? `${f.resumed!.path}:${Number(line) + f.resumed!.lineOffset}` : f.resumed!.path,
      );
    }
    return message === err.message ? err : new RecountError(message, err.hint, err.exitCode);
  }

  /**
   * Where a read of `file` may start, or undefined to read it in full: its format resumes, it has not
   * shrunk, and its first 4 KiB and the 4 KiB before the recorded end are as they were (it only grew).
   */
  private resumePoint(file: PlannedFile, state: FileState): { byte: number; line: number } | undefined {
    const rule = resumeRule(file.importer, file.path);
    if (!rule || state.format !== file.importer.id || state.consumed_bytes == null || state.consumed_lines == null) return undefined;
    if (file.bytes < state.size_bytes || state.consumed_bytes <= 0) return undefined;
    let fd: number;
    try {
      fd = fs.openSync(file.path, 'r');
    } catch (err) {
      throw unreadableFile(file.path, err);
    }
    try {
      const size = state.size_bytes;
      if (hashRange(fd, 0, Math.min(EDGE_BYTES, size)) !== state.head_hash) return undefined;
      if (hashRange(fd, Math.max(0, size - EDGE_BYTES), size) !== state.tail_hash) return undefined;
      if (file.bytes === size) return { byte: size, line: 0 }; // touched: nothing appended
      const byte = rule(fd, state.consumed_bytes);
      if (byte <= 0) return undefined;
      // the lines between the resume point and the end of the last line read are read again
      return { byte, line: state.consumed_lines - countNewlines(fd, byte, state.consumed_bytes) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** A copy of `file` from `from.byte` on, planned in its place. */
  private copyTail(file: PlannedFile, from: { byte: number; line: number }): PlannedFile {
    const copy = this.newPath(file.path);
    const bytes = copyRange(file.path, copy, from.byte, file.bytes);
    return { path: copy, importer: file.importer, bytes, modifiedMs: file.modifiedMs, resumed: { path: file.path, fromByte: from.byte, lineOffset: from.line } };
  }

  /** A link to `file` under a name without glob characters, planned in its place (read whole). */
  private link(file: PlannedFile): PlannedFile {
    const link = this.newPath(file.path);
    fs.symlinkSync(path.resolve(file.path), link);
    return { ...file, path: link, resumed: { path: file.path, fromByte: 0, lineOffset: 0 } };
  }

  /** A new path in the temp folder with `file`'s own name (for progress and errors), glob characters replaced. */
  private newPath(file: string): string {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'recount-tail-'));
    const folder = path.join(this.dir, String(++this.copies));
    fs.mkdirSync(folder);
    return path.join(folder, path.basename(file).replace(GLOB_CHARACTERS_ALL, '_'));
  }
}

const GLOB_CHARACTERS = /[[\]*?{}]/;
const GLOB_CHARACTERS_ALL = /[[\]*?{}]/g;

/**
 * The staged rows of the copies, and the run's file list, name the files themselves at their own line
 * numbers (before the merge, which matches rows, rejects and counts to files by path).
 */
export async function relabelTails(ledger: Ledger, plan: PlannedFile[]): Promise<void> {
  const tails = plan.filter((f) => f.resumed);
  if (!tails.length) return;
  const readPaths = listValue(tails.map((f) => f.path));
  const paths = listValue(tails.map((f) => f.resumed!.path));
  const offsets = listValue(tails.map((f) => BigInt(f.resumed!.lineOffset)));
  const types = { read_paths: LIST(VARCHAR), paths: LIST(VARCHAR), line_offsets: LIST(BIGINT) };
  await ledger.run(sql('import/relabel_staged_tails'), { read_paths: readPaths, paths, line_offsets: offsets }, types);
  await ledger.run(sql('import/relabel_stage_file_tails'), { read_paths: readPaths, paths }, types);
}

/** Copies bytes [from, to) of `src` to a new file `dest`; returns the bytes copied. */
function copyRange(src: string, dest: string, from: number, to: number): number {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
  const fd = fs.openSync(src, 'r');
  const out = fs.openSync(dest, 'w');
  let copied = 0;
  try {
    while (from + copied < to) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, to - from - copied), from + copied);
      if (n === 0) break; // shrank meanwhile: the next import sees it
      fs.writeSync(out, buf, 0, n);
      copied += n;
    }
  } finally {
    fs.closeSync(fd);
    fs.closeSync(out);
  }
  return copied;
}

/** Newlines in bytes [from, to) of an open file. */
function countNewlines(fd: number, from: number, to: number): number {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
  let n = 0;
  for (let pos = from; pos < to; ) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (got === 0) break;
    for (let i = buf.indexOf(10); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
    pos += got;
  }
  return n;
}
