import fs from 'node:fs';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { FileHead } from '../format.js';

/** Head sizes detection tries in turn: most files are recognized from their first lines (a folder of
 * transcripts is thousands of files, each known by its first 4 KiB); an API page that starts with
 * many empty buckets, or a transcript with a huge first line, needs more. */
export const HEAD_SIZES = [4 * 1024, 16 * 1024, 256 * 1024];

/** The head a single look reads (a CSV header, a test's detection). */
const DEFAULT_HEAD = 16 * 1024;

// One read buffer for every head: a folder of transcripts is thousands of heads, and a fresh 16 KiB
// buffer each is garbage the collector then spends longer on than the reads take.
let scratch = Buffer.alloc(0);

/** Reads the first `bytes` of a file for content-based detection. */
export function readHead(filePath: string, bytes = DEFAULT_HEAD): FileHead {
  const fd = fs.openSync(filePath, 'r');
  let text: string;
  try {
    if (scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes); // only the bytes read are used
    const buf = scratch;
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    text = decode(filePath, buf.subarray(0, n)).slice(0, bytes).replace(/^\uFEFF/, '');
  } finally {
    fs.closeSync(fd);
  }
  const parts = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const lines = parts.length > 1 ? parts.slice(0, -1) : parts; // the last part may be cut off
  return { path: filePath, text, lines, csvHeader: parseCsvHeader(lines[0]) };
}

/** The head's text; a .gz file's first bytes are unpacked as far as they go. */
function decode(filePath: string, bytes: Buffer): string {
  if (!/\.gz$/i.test(filePath)) return bytes.toString('utf8');
  try {
    return zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
  } catch {
    return ''; // not gzip after all: nothing to recognize
  }
}

function parseCsvHeader(line: string | undefined): string[] | null {
  if (!line || line.trimStart().startsWith('{') || line.trimStart().startsWith('[')) return null;
  try {
    const [row] = parse(line, { relax_quotes: true, relax_column_count: true }) as string[][];
    return row && row.length > 1 ? row.map((c) => c.trim().toLowerCase()) : null;
  } catch {
    return null;
  }
}

/** The first JSON values among the head's lines (for JSONL detection). */
export function jsonLines(head: FileHead, max = 20): Record<string, unknown>[] {
  return [...eachJsonLine(head, max)];
}

/**
 * True when one of the first JSON lines satisfies `test`. Lines are parsed only until one does: a
 * folder of transcripts is thousands of files, each recognized by its first line or two.
 */
export function someJsonLine(head: FileHead, test: (o: Record<string, unknown>) => boolean, max = 20): boolean {
  for (const o of eachJsonLine(head, max)) if (test(o)) return true;
  return false;
}

function* eachJsonLine(head: FileHead, max: number): Generator<Record<string, unknown>> {
  let n = 0;
  for (const line of head.lines) {
    if (n >= max) return;
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(t) as Record<string, unknown>;
    } catch {
      continue; // a truncated or bad line: detection looks at the others
    }
    n++;
    yield value;
  }
}

export function hasColumns(head: FileHead, ...columns: string[]): boolean {
  return head.csvHeader != null && columns.every((c) => head.csvHeader!.includes(c));
}

/** True when the head looks like one JSON document (not JSONL) and mentions every key. */
export function jsonMentions(head: FileHead, ...keys: string[]): boolean {
  const t = head.text.trimStart();
  return (t.startsWith('{') || t.startsWith('[')) && keys.every((k) => head.text.includes(`"${k}"`));
}

/**
 * Distinct trimmed values of one CSV column, read from `chunks` slices spread over the file (the
 * first slice after the header, the rest from the first line break on). A sample, not a parse: a
 * slice that starts inside a quoted field may yield odd values, which only cost a lookup.
 */
export function sampleCsvColumn(filePath: string, column: string, chunks = 32, chunkBytes = 32 * 1024): string[] {
  const head = readHead(filePath);
  const index = head.csvHeader?.indexOf(column.toLowerCase()) ?? -1;
  if (index < 0) return [];
  const size = fs.statSync(filePath).size;
  const values = new Set<string>();
  const fd = fs.openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(chunkBytes);
    for (let i = 0; i < chunks; i++) {
      const offset = Math.floor((size / chunks) * i);
      const n = fs.readSync(fd, buf, 0, chunkBytes, offset);
      const text = buf.subarray(0, n).toString('utf8');
      const first = text.indexOf('\n') + 1; // the header, or a line cut by the offset
      const last = text.lastIndexOf('\n');
      if (first <= 0 || last < first) continue;
      for (const line of text.slice(first, last).split('\n')) {
        const value = csvCells(line)?.[index]?.trim();
        if (value) values.add(value);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return [...values];
}

/** The cells of one CSV line: split on commas, or parsed when it has quotes; null if it does not parse. */
function csvCells(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  try {
    return (parse(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? null;
  } catch {
    return null; // cut inside a quoted field
  }
}
