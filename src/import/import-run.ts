import { randomBytes } from 'node:crypto';
import type fs from 'node:fs';
import { statFiles, type FoundFile } from './discover.js';
import type { Importer } from '../importers/format.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { ProgressListener, ProgressUpdate } from '../format/progress.js';
import { tracePhase, type Ledger } from '../db/ledger.js';
import type { PlannedFile } from './staging.js';
import { countLinesAhead, type LineCounting } from './line-counts.js';
import { loadFileStates, recordFileStates, touchedStates, unchangedSince, type FileState } from './file-state.js';
import { planFormats, scannedFiles } from './plan-files.js';
import { TailReads } from './tail-read.js';
import { maskedError, maskSecretsIn } from './mask-path.js';

export interface FileOutcome {
  path: string;
  format: string;
  rows_read: number;
  imported: number;
  duplicates: number;
  rejected: number;
  skipped: number;
}

export interface ImportReport {
  import_id: string;
  files: FileOutcome[]; // the files read (in full, or from where the last import stopped)
  totals: Omit<FileOutcome, 'path' | 'format'> & { files: number };
  unchanged: number; // files not opened: unchanged since the ledger read them (incremental)
  resumed: number; // grown files read from where the last import stopped (incremental)
  warnings: string[];
}

export interface ImportOptions {
  format?: string; // force one importer for every file
  importer?: Importer; // or this one (a mapping file's)
  modelIds: ModelIds;
  now?: Date;
  onProgress?: ProgressListener;
  onPlan?: (bytes: number) => void; // told the bytes the run will read, once it knows (a progress bar's total)
  directMinBytes?: number; // smallest file a one-pass import takes (direct-import.ts; tests lower it)
  lineCounting?: LineCounting; // started by the caller for the same files, sooner (line-counts.ts)
  stats?: Map<string, fs.Stats>; // the files' stats, when the caller took them already (statFiles)
  // skip the files unchanged since the ledger read them and read grown ones from where it stopped
  // (file-state.ts); `recount import` does, unless --full. Either way the ledger remembers the files read.
  incremental?: boolean;
}

/** Below this many bytes to scan, the lines are counted on the main thread: a worker costs more to start. */
const INLINE_SCAN_BYTES = 8 * 1024 * 1024;

/**
 * Imports files into the ledger: every file is detected and staged through DuckDB's readers, then one
 * transaction dedupes the staged rows within the run and against the ledger, writes them and counts
 * them. A large export whose source is new to the ledger is written in one pass instead (see
 * direct-import.ts); if it turns out to need the general path, the run starts over that way. An
 * incremental import leaves out files unchanged since the ledger read them and reads grown ones from
 * where it stopped (file-state.ts). On any error the ledger is left as it was. This module plans the
 * run; what reads and merges (merge-run.ts) loads only when there is something to read.
 */
export async function importFiles(ledger: Ledger, files: FoundFile[], opts: ImportOptions): Promise<ImportReport> {
  // a path holding a secret is shown masked, as the ledger stores it (mask-path.ts)
  const onProgress = opts.onProgress && ((p: ProgressUpdate) => opts.onProgress!({ ...p, phase: maskSecretsIn(p.phase) }));
  try {
    const report = await runImport(ledger, files, { ...opts, onProgress });
    return { ...report, warnings: report.warnings.map(maskSecretsIn) };
  } catch (err) {
    throw maskedError(err);
  }
}

/** The import importFiles describes, its messages not yet masked. */
async function runImport(ledger: Ledger, files: FoundFile[], opts: ImportOptions): Promise<ImportReport> {
  const warnings: string[] = [];
  const importId = `imp_${(opts.now ?? new Date()).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  const importedAt = opts.now ?? new Date();
  tracePhase('import: modules loaded');
  const stats = opts.stats ?? statFiles(files);
  const found = [...stats].map(([p, st]) => ({ path: p, size: st.size, mtimeMs: st.mtimeMs }));
  const known = await loadFileStates(ledger, found);
  tracePhase(`import: ${known.size} file states loaded`);
  const tails = new TailReads(); // copies of grown files' new parts, removed at the end
  let counting = opts.lineCounting;
  let plan: PlannedFile[] = [];
  let outcomes: FileOutcome[];
  let unchanged: number;
  try {
    const planned = await planRun(files, known, opts, warnings, tails, stats);
    plan = planned.plan;
    unchanged = planned.unchanged.length + planned.touched.length;
    tracePhase(`import: planned ${plan.length} files to read, ${unchanged} unchanged`);
    opts.onPlan?.(plan.reduce((n, f) => n + f.bytes, 0));
    const touched = touchedStates(planned.touched, known);
    if (!plan.length) {
      // nothing to read: one statement counts the unchanged files (atomic alone), unless some were touched
      const record = () => recordFileStates(ledger, touched, planned.unchanged);
      await (touched.length ? ledger.transaction(record) : record());
      outcomes = [];
    } else {
      // an importer may check its reader against the files' lines, and the ledger remembers where
      // they end: they are counted meanwhile
      const scanned = scannedFiles(plan);
      counting ??= countLinesAhead(scanned.map((f) => f.path), { inline: scanned.reduce((n, f) => n + f.bytes, 0) < INLINE_SCAN_BYTES });
      const run = { importId, importedAt, opts, known, unchanged: planned.unchanged, touched };
      const reading = await import('./merge-run.js'); // loaded when there is something to read
      outcomes = await reading.readFiles(ledger, plan, counting, run);
      // before the copies and links go: a warning may read a file again
      if (outcomes.length) warnings.push(...(await reading.runWarnings(ledger, importId, plan)));
    }
  } catch (err) {
    throw tails.named(err, plan);
  } finally {
    counting?.cancel(); // done, or no longer needed
    tails.remove();
  }

  const sum = (k: keyof Omit<FileOutcome, 'path' | 'format'>) => outcomes.reduce((n, f) => n + f[k], 0);
  return {
    import_id: importId,
    files: outcomes,
    totals: {
      files: outcomes.length,
      rows_read: sum('rows_read'),
      imported: sum('imported'),
      duplicates: sum('duplicates'),
      rejected: sum('rejected'),
      skipped: sum('skipped'),
    },
    unchanged,
    resumed: plan.filter((f) => (f.resumed?.fromByte ?? 0) > 0).length, // not files read whole through a link (tail-read.ts)
    warnings,
  };
}

/**
 * The files to read with their importers; with `incremental`, without the files unchanged since the
 * ledger read them (left out before detection) and with each grown file that can be read from an
 * offset replaced by a copy of its new part (tail-read.ts), and the files touched but unchanged; a
 * file whose name a reader would take as a pattern replaced by a link (tail-read.ts).
 */
async function planRun(files: FoundFile[], known: Map<string, FileState>, opts: ImportOptions, warnings: string[], tails: TailReads, stats: Map<string, fs.Stats>) {
  const skip = opts.incremental ? (p: string, stat: fs.Stats, format: string | undefined) => unchangedSince(known.get(p), stat, format) : undefined;
  const { plan, unchanged } = await planFormats(files, opts.importer ?? opts.format, warnings, skip, stats);
  // a name with glob characters is read through a link in any case; grown files only incrementally
  return { ...tails.plan(plan, opts.incremental ? known : new Map()), unchanged };
}
