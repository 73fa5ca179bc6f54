import fs from 'node:fs';
import path from 'node:path';
import { RecountError } from '../errors.js';
import type { Period } from '../period.js';

/** `recount-2026-10` for a calendar month, `recount-2026-10-01_2026-10-15`, `recount-from-…`, `recount-all`. */
export function reportFileName(period: Period): string {
  const { since, until } = period;
  if (since && until) {
    const month = since.slice(0, 7);
    const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    return since.endsWith('-01') && until === lastDay ? `recount-${month}.html` : `recount-${since}_${until}.html`;
  }
  if (since) return `recount-from-${since}.html`;
  if (until) return `recount-until-${until}.html`;
  return 'recount-all.html';
}

/** Writes `content` to `file` atomically: a temp name in the same folder, then a rename over the target. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (e.path === temp) e.path = file; // the error names the file asked for, not our temp name
    throw err;
  }
}

export type OutputKind = 'html' | 'parquet' | 'arrow' | 'csv';

export interface OutCheck {
  kind: OutputKind;
  ledger?: string; // the ledger the command reads: never its output
  force?: boolean; // --force: replace an existing file recount did not write
  csvHeader?: string; // for csv: the header line this export writes
}

/**
 * Refuses an --out that would destroy something. Never the ledger (or its WAL); never a folder, a
 * device, a FIFO or a socket (the write goes to a temp name and a rename, which would replace the
 * node itself); and an existing file only when recount wrote it (an earlier run's output) or with
 * --force. Symbolic links are judged by what they point to.
 */
export function checkOutPath(out: string, check: OutCheck): void {
  if (checkOutTarget(out, check)) checkOverwrite(out, check);
}

/** The first half of checkOutPath: the ledger, folders and special files. True when a file is there. */
export function checkOutTarget(out: string, check: Pick<OutCheck, 'kind' | 'ledger'>): boolean {
  if (check.ledger && [check.ledger, `${check.ledger}.wal`].includes(out)) throw overLedger(out);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(out);
  } catch {
    return false; // nothing there yet (a missing folder is created; an unwritable one fails when written)
  }
  if (check.ledger && fs.existsSync(check.ledger) && sameFile(stat, fs.statSync(check.ledger))) throw overLedger(out);
  if (stat.isDirectory()) throw new RecountError(`--out ${out} is a folder`, `name a file in it, e.g. --out ${path.join(out, `recount.${check.kind}`)}`);
  if (!stat.isFile()) {
    throw new RecountError(`--out ${out} is not a regular file (a device, FIFO or socket)`, 'name a regular file; recount writes a temp file and renames it, which would replace that node');
  }
  return true;
}

/** The second half: an existing file is replaced only when recount wrote it, or with --force. */
export function checkOverwrite(out: string, check: OutCheck): void {
  if (check.force || !fs.existsSync(out) || wroteEarlier(out, check)) return;
  throw new RecountError(`--out ${out} exists and is not an earlier recount ${LABELS[check.kind]}`, 'choose another path, or pass --force to replace it');
}

const LABELS: Record<OutputKind, string> = { html: 'report', parquet: 'Parquet export', arrow: 'Arrow export', csv: 'CSV export of these columns' };

function overLedger(out: string): RecountError {
  return new RecountError(`--out ${out} is the ledger itself`, 'name another file; the report or export must not replace the ledger it reads');
}

function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * How recount knows its own earlier output, from a few bytes: an HTML report carries
 * `<meta name="generator" content="recount …">` near the top (src/report/render.ts); a Parquet
 * export carries the key-value metadata generator=recount in its footer (copy_export_parquet.sql);
 * an Arrow IPC export the same pair in its schema, which comes first (src/export/arrow-ipc.ts). CSV
 * has no place for a mark: a CSV whose first line is the header this export writes counts as an
 * earlier export of the same data.
 */
function wroteEarlier(file: string, check: OutCheck): boolean {
  const size = fs.statSync(file).size;
  switch (check.kind) {
    case 'html':
      return /<meta name="generator" content="recount[ "]/.test(readBytes(file, 0, 4096).toString('utf8'));
    case 'arrow': {
      const head = readBytes(file, 0, 65536);
      return head.subarray(0, 6).toString('latin1') === 'ARROW1' && head.includes(EXPORT_MARK.key) && head.includes(EXPORT_MARK.value);
    }
    case 'parquet': {
      const tail = readBytes(file, Math.max(0, size - 8), 8);
      const footerBytes = tail.length === 8 && tail.subarray(4).toString('latin1') === 'PAR1' ? tail.readUInt32LE(0) : 0;
      if (!footerBytes || footerBytes > size - 12) return false;
      const footer = readBytes(file, size - 8 - footerBytes, Math.min(footerBytes, 16 << 20));
      return footer.includes(EXPORT_MARK.key) && footer.includes(EXPORT_MARK.value);
    }
    case 'csv':
      return check.csvHeader !== undefined && readBytes(file, 0, 65536).toString('utf8').split(/\r?\n/)[0] === check.csvHeader;
  }
}

/** The metadata pair a Parquet or Arrow export carries (the Parquet one is in copy_export_parquet.sql). */
export const EXPORT_MARK = { key: 'generator', value: 'recount' };

function readBytes(file: string, position: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, position));
  } finally {
    fs.closeSync(fd);
  }
}
