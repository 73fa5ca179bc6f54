import fs from 'node:fs';

/** What a long-running step reports: its name and, when DuckDB knows it, how far it is (0–100). */
export interface ProgressUpdate {
  phase: string;
  percent: number | null;
  rows?: number; // rows handled so far, when known
}

export type ProgressListener = (update: ProgressUpdate) => void;

export interface ProgressBar {
  listener: ProgressListener;
  /** The bytes the import will read (its planned files): from then on reading phases advance by bytes read. */
  plan: (bytes: number) => void;
  done: () => void;
}

export interface ProgressSources {
  readBytes?: () => number | undefined; // bytes this process has read so far (default: rchar in /proc/self/io)
  now?: () => number; // ms
}

/**
 * A one-line progress bar on stderr, only for a person at a terminal (not under CI, not when
 * stderr is redirected) and only once the work has taken a moment. DuckDB reports no progress while
 * it reads many files in one statement, so once the planned bytes are known a reading phase advances
 * by the bytes the process has read since (with a rate and an ETA); without /proc (macOS) it shows
 * DuckDB's own figure, if any.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr, sources: ProgressSources = {}): ProgressBar {
  const now = sources.now ?? Date.now;
  const readBytes = sources.readBytes ?? processReadBytes;
  const started = now();
  const live = stream.isTTY === true && !process.env.CI;
  let shown = false;
  let total = 0;
  let base: { bytes: number; at: number } | undefined;
  return {
    plan(bytes) {
      total = bytes;
      const read = live ? readBytes() : undefined;
      base = read == null ? undefined : { bytes: read, at: now() };
    },
    listener({ phase, percent, rows }) {
      const elapsed = (now() - started) / 1000;
      if (!live || elapsed < 0.5) return;
      shown = true;
      const byBytes = base && total > 0 && phase.startsWith('reading') ? bytesRead(readBytes, base, total, now()) : undefined;
      const share = byBytes ? byBytes.share * 100 : percent;
      const width = 24;
      const filled = share == null ? 0 : Math.round((Math.min(share, 100) / 100) * width);
      const bar = share == null ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${share.toFixed(0).padStart(3)}% `;
      const rate = byBytes ? ` · ${byBytes.text}` : rows ? ` · ${rows.toLocaleString('en-US')} rows · ${Math.round(rows / elapsed).toLocaleString('en-US')} rows/s` : '';
      const line = `${bar}${phase}${rate} · ${elapsed.toFixed(1)} s`;
      const columns = stream.columns && stream.columns > 1 ? stream.columns - 1 : line.length;
      stream.write(`\r\x1b[2K${line.slice(0, columns)}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** The share of `total` read since `base` (never shown as done: the merge follows), with rate and ETA. */
function bytesRead(readBytes: () => number | undefined, base: { bytes: number; at: number }, total: number, at: number): { share: number; text: string } | undefined {
  const read = readBytes();
  if (read == null) return undefined;
  const bytes = Math.min(Math.max(read - base.bytes, 0), total);
  const seconds = Math.max((at - base.at) / 1000, 0.001);
  const rate = bytes / seconds;
  const eta = rate > 0 ? ` · ETA ${duration((total - bytes) / rate)}` : '';
  return { share: Math.min(bytes / total, 0.99), text: `${megabytes(bytes)} of ${megabytes(total)} · ${megabytes(rate)}/s${eta}` };
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

/** Bytes read by this process through read(2) and friends, all threads (Linux), else undefined. */
function processReadBytes(): number | undefined {
  try {
    const io = fs.readFileSync('/proc/self/io', 'utf8');
    const m = /^rchar:\s*(\d+)/m.exec(io);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
