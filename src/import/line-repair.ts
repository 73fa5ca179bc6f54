import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIGINT, LIST, listValue, VARCHAR } from '../db/duckdb.js';
import { readingCopies } from '../importers/common/repaired-copies.js';
import { hasOwnLines, readsCsv, type Importer } from '../importers/format.js';
import type { Ledger } from '../db/ledger.js';
import { lastSpillDir } from '../db/spill-dir.js';
import { sql } from '../db/sql.js';
import { eachBlock, headText, linesOf, newlines } from './file-lines.js';

/**
 * Damage that makes DuckDB's readers fail a whole file loses only its lines, in a line-based file (CSV,
 * a mapped file, JSON lines of any format): text that is not UTF-8 (a line cut inside a multi-byte
 * character, as a crash mid-write leaves it; a stray byte) and a CSV cut inside a quoted cell (the file
 * ends before the quote closes). The file is read again from a copy without the damaged lines, and each
 * damaged line (or cut record) becomes a reject at its own line number. A file that is one JSON document
 * (an array, a pretty-printed object) is not line-based: it keeps the reader's error, naming the file.
 * Nothing of this runs while the readers succeed: the normal path stays as fast as it was.
 */

/** DuckDB's words for text that is not UTF-8: read_csv, read_text, read_json. */
export function isInvalidUtf8(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Invalid unicode|as valid UTF-8 encoded text|invalid UTF-8 encoding/i.test(message);
}

interface BadLine {
  line: number; // 1-based, in the file
  raw: string; // the line decoded with U+FFFD for the bad bytes, for `recount rejects`
  reason: string;
  lines?: number; // the lines it spans (a cut CSV record), 1 unless given
}

interface Repair {
  file: string;
  copy: string;
  bad: BadLine[];
  blank: boolean; // the copy has a blank line in place of each bad one (see blanksLines)
}

type Finder = (file: string) => Promise<BadLine[]>;

/** The damage a reader's error points at, as a finder of its lines; undefined for any other error. */
function finderFor(importer: Importer, err: unknown): Finder | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (isInvalidUtf8(err)) return badLines;
  // the CSV sniffer fails on a quote that never closes (reader-fault.ts names its line)
  if (/^[A-Za-z ]*Error: Error when sniffing file/.test(message) && readsCsv(importer)) return cutRecord;
  return undefined;
}


/**
 * Stages `paths` through `read`. When the reader fails on text that is not UTF-8 (or, `proactive`,
 * before it runs: inside the import transaction a failed statement cannot be tried again), the files
 * with bad lines are read as copies without those lines; the rows staged from a copy then carry the
 * file's path and line numbers, and its bad lines are staged as rejects.
 */
export async function withLineRepair(ledger: Ledger, importer: Importer, paths: string[], importId: string, read: (paths: string[]) => Promise<void>, proactive = false): Promise<void> {
  if (!hasOwnLines(importer)) return read(paths);
  if (proactive) {
    if (!(await repairAndRead(ledger, importer, paths, importId, read, badLines))) await read(paths);
    return;
  }
  try {
    await read(paths);
  } catch (err) {
    const finder = finderFor(importer, err);
    if (!finder || !(await repairAndRead(ledger, importer, paths, importId, read, finder))) throw err;
  }
}

/** Reads `paths` with copies in place of the files that have bad lines; false when none has. */
async function repairAndRead(ledger: Ledger, importer: Importer, paths: string[], importId: string, read: (paths: string[]) => Promise<void>, find: Finder): Promise<boolean> {
  const folder = repairFolder();
  try {
    const repairs: Repair[] = [];
    const blank = blanksLines(importer);
    for (const file of paths) {
      const bad = (await lineBased(file)) ? await find(file) : [];
      if (bad.length) repairs.push({ file, copy: await copyWithout(file, bad, path.join(folder, String(repairs.length + 1)), blank), bad, blank });
    }
    if (!repairs.length) return false;
    await readCopies(ledger, repairs, paths, read);
    const params = {
      paths: listValue(repairs.flatMap((r) => r.bad.map(() => r.file))),
      lines: listValue(repairs.flatMap((r) => r.bad.map((b) => BigInt(b.line)))),
      raws: listValue(repairs.flatMap((r) => r.bad.map((b) => b.raw))),
      reasons: listValue(repairs.flatMap((r) => r.bad.map((b) => b.reason))),
      source: importer.id,
      import_id: importId,
    };
    const types = { paths: LIST(VARCHAR), lines: LIST(BIGINT), raws: LIST(VARCHAR), reasons: LIST(VARCHAR) };
    await ledger.run(sql('import/insert_line_rejects'), params, types);
    return true;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * JSON lines: a bad line becomes a blank line in the copy, which every JSON-lines reader skips while
 * numbering the lines after it as the file does, so line numbers (and record keys built from them) are
 * the file's as read. A CSV or mapped file's reader numbers records, not lines: the line is left out.
 */
function blanksLines(importer: Importer): boolean {
  return importer.read.kind === 'json-lines';
}

/**
 * Reads the copies in place of their files (the run's file list names them meanwhile: a reader joins
 * its rows to it by path), then gives their staged rows the files' paths and line numbers: the copy's
 * line c is the file's line c + (bad lines left out before it), counted from each left-out line's
 * `shift` (its line less the lines left out up to it, i.e. the copy's lines before it).
 */
async function readCopies(ledger: Ledger, repairs: Repair[], paths: string[], read: (paths: string[]) => Promise<void>): Promise<void> {
  const files = listValue(repairs.map((r) => r.file));
  const copies = listValue(repairs.map((r) => r.copy));
  const types = { read_paths: LIST(VARCHAR), paths: LIST(VARCHAR) };
  await ledger.run(sql('import/relabel_stage_file_tails'), { read_paths: files, paths: copies }, types);
  const byFile = new Map(repairs.map((r) => [r.file, r.copy]));
  try {
    await readingCopies(new Map(repairs.map((r) => [r.copy, r.file])), () => read(paths.map((p) => byFile.get(p) ?? p)));
  } catch (err) {
    throw namingFiles(err, repairs);
  }
  const shifts = listValue(repairs.map((r) => listValue(r.blank ? [] : removedLines(r.bad).map((line, i) => BigInt(line - (i + 1))))));
  for (const table of ['usage', 'invoice']) await ledger.run(sql(`import/relabel_repaired_${table}`), { read_paths: copies, paths: files, shifts }, { ...types, shifts: LIST(LIST(BIGINT)) });
  await ledger.run(sql('import/relabel_stage_file_tails'), { read_paths: copies, paths: files }, types);
}

/** An error about a copy names its file instead (its line numbers are the copy's: rare, and close). */
function namingFiles(err: unknown, repairs: Repair[]): unknown {
  if (!(err instanceof Error)) return err;
  let message = err.message;
  for (const r of repairs) message = message.split(r.copy).join(r.file);
  return message === err.message ? err : new Error(message);
}

/**
 * The temp folder for copies: inside the ledger's own spill folder (spill-dir.ts), which is removed
 * when the ledger closes and, after a killed import, by the next start (a copy holds raw lines).
 */
function repairFolder(): string {
  const spill = lastSpillDir() ?? os.tmpdir();
  fs.mkdirSync(spill, { recursive: true });
  return fs.mkdtempSync(path.join(spill, 'line-repair-'));
}

/**
 * A file is line-based unless it is one JSON document spread over lines: an array ('[' first: its
 * records are numbered by element) or a pretty-printed object (a lone '{' first: a CloudWatch Logs
 * answer, a legacy Gemini CLI session, an OTLP request body). Leaving a line out of a document breaks
 * it: it keeps the reader's error. A one-line document is its one line, so that line is its one reject.
 * A gzipped file is taken as lines, as the readers that tell a document by its head take it.
 */
async function lineBased(file: string): Promise<boolean> {
  if (/\.gz$/i.test(file)) return true;
  const text = (await headText(file)).replace(/^\uFEFF/, '').trimStart();
  return !text.startsWith('[') && text.split('\n', 1)[0].trim() !== '{';
}

/** The lines of `file` that are not UTF-8. A newline byte never occurs inside a multi-byte character. */
async function badLines(file: string): Promise<BadLine[]> {
  if (await allUtf8(file)) return []; // the usual file: one pass at the speed of reading it
  const bad: BadLine[] = [];
  await eachBlock(file, (block, first) => {
    if (isUtf8(block)) return; // the usual block: no line to look at
    for (const { text, line } of linesOf(block, first)) if (!isUtf8(text)) bad.push({ line, raw: rawText(text), reason: 'invalid UTF-8' });
  });
  return bad;
}

/** True when every block of whole lines is UTF-8 (no line numbers counted). */
async function allUtf8(file: string): Promise<boolean> {
  let ok = true;
  await eachBlock(file, (block) => void (ok &&= isUtf8(block)), false);
  return ok;
}

/**
 * Writes `file` (unpacked) without its bad lines (`blank`: with blank lines in their place); returns the
 * copy's path: the file's own absolute path under `folder`, as readers take a project, session or agent
 * from the folders a file is in (the rows are relabelled with the file's path once read).
 */
async function copyWithout(file: string, bad: BadLine[], folder: string, blank: boolean): Promise<string> {
  const resolved = path.resolve(file);
  const copy = path.join(folder, resolved.slice(path.parse(resolved).root.length).replace(/\.gz$/i, ''));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  const removed = removedLines(bad);
  const skip = new Set(removed);
  const out = fs.openSync(copy, 'w');
  try {
    await eachBlock(file, (block, first) => {
      const last = first + newlines(block);
      if (!removed.some((n) => n >= first && n <= last)) return void fs.writeSync(out, block);
      for (const l of linesOf(block, first)) {
        if (!skip.has(l.line)) fs.writeSync(out, l.end);
        else if (blank && l.end.at(-1) === NEWLINE) fs.writeSync(out, '\n');
      }
    });
  } finally {
    fs.closeSync(out);
  }
  return copy;
}

/** The lines a copy leaves out, in order. */
function removedLines(bad: BadLine[]): number[] {
  return bad.flatMap((b) => Array.from({ length: b.lines ?? 1 }, (_v, i) => b.line + i));
}

/**
 * The last record of a CSV cut inside a quoted cell: a quote that opens a cell (RFC 4180; "" inside
 * quotes is a literal quote) and never closes takes every line to the end of the file into that cell,
 * so those lines are one cut record. None when every quoted cell closes.
 */
async function cutRecord(file: string): Promise<BadLine[]> {
  let quoted = false;
  let closing = false; // a quote inside quotes: it closes the cell unless another quote follows
  let cellStart = true;
  let opened = 0;
  let lines = 0;
  await eachBlock(file, (block, first) => {
    let line = first;
    for (const b of block) {
      if (closing) {
        closing = false;
        if (b === QUOTE) continue; // ""
        quoted = false;
      }
      if (quoted) {
        if (b === QUOTE) closing = true;
        else if (b === NEWLINE) line++;
        continue;
      }
      if (b === QUOTE && cellStart) {
        quoted = true;
        opened = line;
      }
      cellStart = b === COMMA || b === NEWLINE;
      if (b === NEWLINE) line++;
    }
    lines = line;
  });
  if (!quoted || closing) return [];
  const raw: Buffer[] = [];
  await eachBlock(file, (block, first) => {
    for (const l of linesOf(block, first)) if (l.line >= opened) raw.push(l.end);
  });
  const text = Buffer.concat(raw).toString('utf8').replace(/\r?\n$/, '');
  return [{ line: opened, lines: lines - opened + 1, raw: text.slice(0, RAW_CHARS), reason: 'the file ends inside a quoted cell (cut while it was written)' }];
}

const QUOTE = 34;
const COMMA = 44;
const NEWLINE = 10;

/** Rejects keep at most this much of a line (as the stage statements do). */
const RAW_CHARS = 100_000;

function rawText(text: Buffer): string {
  return text.toString('utf8').replace(/\r$/, '').slice(0, RAW_CHARS);
}
