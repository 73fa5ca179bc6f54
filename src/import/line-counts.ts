import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { unreadableFile } from '../errors.js';

/** What one read of a file found: its lines, and where its last complete line ends (file-state.ts). */
export interface LineScan {
  lines: number; // as a line-by-line reading sees them: its newlines, plus a last line without one
  bytes: number; // the bytes read (the file may have grown since it was planned)
  consumedBytes: number; // the end of the last complete line (just after its newline)
  consumedLines: number; // the complete lines, i.e. the newlines
  headHash: string; // SHA-1 of the first min(4 KiB, bytes) bytes
  tailHash: string; // SHA-1 of the last min(4 KiB, bytes) bytes
}

/** The bytes at each end of a file that file-state.ts compares to tell a grown file from a rewritten one. */
export const EDGE_BYTES = 4096;

/**
 * Each file's lines as a line-by-line reading sees them: its newlines, plus one for a last line
 * without one (an empty file has none). A path that is not a regular file is left out. A reader that skips blank lines is checked against these
 * (claude-code/macros/claude_code_staged.sql). Counting them here costs a third of what it costs DuckDB, which
 * would read every file again as text and check that it is UTF-8.
 */
export function countLines(paths: string[]): Map<string, number> {
  return new Map([...scanLines(paths)].map(([p, s]) => [p, s.lines]));
}

/** countLines, with what the same read tells about the file's ends (LineScan). */
export function scanLines(paths: string[]): Map<string, LineScan> {
  const scans = new Map<string, LineScan>();
  let buf = Buffer.allocUnsafe(1 << 20); // reused: one read per file of up to its size
  for (const p of paths) {
    let fd: number;
    try {
      // opened without waiting (a named pipe would block until written to); only files are counted
      fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (err) {
      throw unreadableFile(p, err);
    }
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      continue;
    }
    try {
      let newlines = 0;
      let bytes = 0;
      let consumedBytes = 0;
      let last = -1; // the file's last byte
      let headHash = '';
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        const chunk = n === buf.length ? buf : buf.subarray(0, n);
        if (bytes === 0) headHash = sha1(chunk.subarray(0, EDGE_BYTES));
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        const lastNewline = chunk.lastIndexOf(10);
        if (lastNewline !== -1) consumedBytes = bytes + lastNewline + 1;
        bytes += n;
        last = chunk[n - 1];
        if (n === buf.length && buf.length < 64 << 20) buf = Buffer.allocUnsafe(buf.length * 4); // a big file: fewer reads
      }
      scans.set(p, {
        lines: last === -1 || last === 10 ? newlines : newlines + 1,
        bytes,
        consumedBytes,
        consumedLines: newlines,
        headHash: bytes === 0 ? sha1(Buffer.alloc(0)) : headHash,
        tailHash: hashRange(fd, Math.max(0, bytes - EDGE_BYTES), bytes),
      });
    } finally {
      fs.closeSync(fd);
    }
  }
  return scans;
}

/** SHA-1 (hex) of bytes [from, to) of an open file. */
export function hashRange(fd: number, from: number, to: number): string {
  const buf = Buffer.allocUnsafe(Math.max(0, to - from));
  let got = 0;
  while (got < buf.length) {
    const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
    if (n === 0) break;
    got += n;
  }
  return sha1(buf.subarray(0, got));
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Line scans under way on a worker thread. */
export interface LineCounting {
  /** The scans of `paths` (files only): the worker's, and any it did not scan scanned here. */
  scans(paths: string[]): Promise<Map<string, LineScan>>;
  /** Stops the worker (nothing needs its counts). */
  cancel(): void;
}

const LINE_FILE = /\.(jsonl|ndjson)$/i; // files an importer may read line by line

/**
 * Starts counting the lines of the JSON-lines files among `paths` on a worker thread, so the reading
 * overlaps the main thread's work before any importer needs the counts (opening the ledger,
 * detecting formats): a folder of transcripts is hundreds of megabytes to read. Under the TypeScript
 * test runner, which cannot start a worker from source, for no such files, and with `inline` (a few
 * small files: starting a worker costs more than reading them), the counts are taken when asked for.
 */
export function countLinesAhead(paths: string[], opts: { inline?: boolean } = {}): LineCounting {
  const lineFiles = paths.filter((p) => LINE_FILE.test(p));
  const viaWorker = !opts.inline && lineFiles.length > 0 && import.meta.url.endsWith('.js');
  const worker = viaWorker ? new Worker(new URL(import.meta.url), { workerData: { countLines: lineFiles } }) : null;
  const counted: Promise<Map<string, LineScan>> = worker
    ? new Promise((resolve) => {
        worker.once('message', (m: Map<string, LineScan>) => resolve(m));
        worker.once('error', () => resolve(new Map())); // counted here instead
        worker.once('exit', () => resolve(new Map()));
      })
    : Promise.resolve(new Map());
  // after the listeners (adding one refs a worker again): it keeps the process alive only while its
  // counts are awaited, so an import that fails first exits at once
  worker?.unref();
  return {
    async scans(wanted) {
      worker?.ref();
      const ahead = await counted;
      worker?.unref();
      const missing = wanted.filter((p) => !ahead.has(p));
      const here = scanLines(missing);
      const asked = new Set(wanted);
      return new Map([...ahead, ...here].filter(([p]) => asked.has(p)));
    },
    cancel() {
      void worker?.terminate();
    },
  };
}

// the worker: count, hand the counts back, end
if (!isMainThread && Array.isArray((workerData as { countLines?: unknown } | null)?.countLines)) {
  parentPort!.postMessage(scanLines((workerData as { countLines: string[] }).countLines));
}
