import fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { unreadableFile } from '../errors.js';

/**
 * Each file's lines as a line-by-line reading sees them: its newlines, plus one for a last line
 * without one (an empty file has none). A path that is not a regular file is left out. A reader that skips blank lines is checked against these
 * (macros/claude_code_staged.sql). Counting them here costs a third of what it costs DuckDB, which
 * would read every file again as text and check that it is UTF-8.
 */
export function countLines(paths: string[]): Map<string, number> {
  const counts = new Map<string, number>();
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
      let lines = 0;
      let last = -1; // the file's last byte
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        const chunk = n === buf.length ? buf : buf.subarray(0, n);
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        last = chunk[n - 1];
        if (n === buf.length && buf.length < 64 << 20) buf = Buffer.allocUnsafe(buf.length * 4); // a big file: fewer reads
      }
      counts.set(p, last === -1 || last === 10 ? lines : lines + 1);
    } finally {
      fs.closeSync(fd);
    }
  }
  return counts;
}

/** Line counts under way on a worker thread. */
export interface LineCounting {
  /** The counts of `paths` (files only): the worker's, and any it did not count counted here. */
  counts(paths: string[]): Promise<Map<string, number>>;
  /** Stops the worker (nothing needs its counts). */
  cancel(): void;
}

const LINE_FILE = /\.(jsonl|ndjson)$/i; // files an importer may read line by line

/**
 * Starts counting the lines of the JSON-lines files among `paths` on a worker thread, so the reading
 * overlaps the main thread's work before any importer needs the counts (opening the ledger,
 * detecting formats): a folder of transcripts is hundreds of megabytes to read. Under the TypeScript
 * test runner, which cannot start a worker from source, and for no such files, the counts are taken
 * when asked for.
 */
export function countLinesAhead(paths: string[]): LineCounting {
  const lineFiles = paths.filter((p) => LINE_FILE.test(p));
  const viaWorker = lineFiles.length > 0 && import.meta.url.endsWith('.js');
  const worker = viaWorker ? new Worker(new URL(import.meta.url), { workerData: { countLines: lineFiles } }) : null;
  const counted: Promise<Map<string, number>> = worker
    ? new Promise((resolve) => {
        worker.once('message', (m: Map<string, number>) => resolve(m));
        worker.once('error', () => resolve(new Map())); // counted here instead
        worker.once('exit', () => resolve(new Map()));
      })
    : Promise.resolve(new Map());
  // after the listeners (adding one refs a worker again): it keeps the process alive only while its
  // counts are awaited, so an import that fails first exits at once
  worker?.unref();
  return {
    async counts(wanted) {
      worker?.ref();
      const ahead = await counted;
      worker?.unref();
      const missing = wanted.filter((p) => !ahead.has(p));
      const here = countLines(missing);
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
  parentPort!.postMessage(countLines((workerData as { countLines: string[] }).countLines));
}
