/** What a long-running step reports: its name and, when DuckDB knows it, how far it is (0–100). */
export interface ProgressUpdate {
  phase: string;
  percent: number | null;
  rows?: number; // rows handled so far, when known
}

export type ProgressListener = (update: ProgressUpdate) => void;

/**
 * A one-line progress bar on stderr, only for a person at a terminal (not under CI, not when
 * stderr is redirected) and only once the work has taken a moment.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { listener: ProgressListener; done: () => void } {
  const started = Date.now();
  const live = stream.isTTY === true && !process.env.CI;
  let shown = false;
  return {
    listener({ phase, percent, rows }) {
      const elapsed = (Date.now() - started) / 1000;
      if (!live || elapsed < 0.5) return;
      shown = true;
      const width = 24;
      const filled = percent == null ? 0 : Math.round((Math.min(percent, 100) / 100) * width);
      const bar = percent == null ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent.toFixed(0).padStart(3)}% `;
      const rate = rows ? ` · ${rows.toLocaleString('en-US')} rows · ${Math.round(rows / elapsed).toLocaleString('en-US')} rows/s` : '';
      stream.write(`\r\x1b[2K${bar}${phase}${rate} · ${elapsed.toFixed(1)} s`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
