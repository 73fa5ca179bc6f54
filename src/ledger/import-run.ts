import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBMapValue } from '@duckdb/node-api';
import { MAP, timestampTz, VARCHAR } from './duckdb.js';
import { RecountError, unreadableFile } from '../errors.js';
import type { FoundFile } from '../importers/discover.js';
import { detectImporter, importerById, importers } from '../importers/registry.js';
import type { Importer } from '../importers/types.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { ProgressListener } from '../format/progress.js';
import type { Ledger } from './ledger.js';
import { sql } from './sql.js';
import { byImporter, stagedModelMap, stageFiles, stageRechecked, type PlannedFile } from './staging.js';
import { ledgerRules } from '../classify/classify.js';
import { withRuleIndex } from '../classify/compile.js';
import type { TaskRule } from '../classify/rules.js';
import { DirectFallback, directFiles, insertDirect, sampledModelNames, settleDirectCounts } from './direct-import.js';
import { registerImportFunctions } from './import-functions.js';
import { mappingImporter } from '../importers/mapping/mapping-importer.js';
import { readMapping } from '../importers/mapping/read-mapping.js';
import { countLinesAhead, type LineCounting } from '../importers/line-counts.js';

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
  files: FileOutcome[];
  totals: Omit<FileOutcome, 'path' | 'format'> & { files: number };
  warnings: string[];
}

export interface ImportOptions {
  format?: string; // force one importer for every file
  importer?: Importer; // or this one (a mapping file's)
  modelIds: ModelIds;
  now?: Date;
  onProgress?: ProgressListener;
  directMinBytes?: number; // smallest file a one-pass import takes (direct-import.ts; tests lower it)
  lineCounting?: LineCounting; // started by the caller for the same files, sooner (line-counts.ts)
}

/**
 * Imports files into the ledger: every file is detected and staged through DuckDB's readers, then one
 * transaction dedupes the staged rows within the run and against the ledger, writes them and counts
 * them. A large export whose source is new to the ledger is written in one pass instead (see
 * direct-import.ts); if it turns out to need the general path, the run starts over that way. On any
 * error the ledger is left as it was.
 */
export async function importFiles(ledger: Ledger, files: FoundFile[], opts: ImportOptions): Promise<ImportReport> {
  const warnings: string[] = [];
  // an importer may check its reader against the files' lines: they are counted meanwhile
  const counting = opts.lineCounting ?? countLinesAhead(files.map((f) => f.path));
  const importId = `imp_${(opts.now ?? new Date()).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  const importedAt = opts.now ?? new Date();
  let outcomes: FileOutcome[];
  try {
    const plan = planFormats(files, opts.importer ?? opts.format, warnings);
    const rules = (await ledgerRules(ledger)).rules;
    const direct = await directFiles(ledger, plan, opts.directMinBytes);
    await countPlannedLines(plan, counting);
    const run = (onePass: PlannedFile[]) => mergeRun(ledger, plan, onePass, { importId, importedAt, rules, opts });
    try {
      outcomes = await run(direct);
    } catch (err) {
      if (!(err instanceof DirectFallback)) throw err;
      outcomes = await run([]); // the transaction was rolled back: every file the general way
    }
  } finally {
    counting.cancel(); // done, or no longer needed
  }
  warnings.push(...(await approximateTimes(ledger, importId)));

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
    warnings,
  };
}

/**
 * Stages the files that are not `direct`, then in one transaction writes the direct ones in one pass
 * (direct-import.ts), stages the files that pass left to the general path, dedupes the staged rows
 * within the run and against the ledger, writes them and counts every file.
 */
async function mergeRun(
  ledger: Ledger,
  plan: PlannedFile[],
  direct: PlannedFile[],
  run: { importId: string; importedAt: Date; rules: TaskRule[]; opts: ImportOptions },
): Promise<FileOutcome[]> {
  const { importId, opts } = run;
  await stageFiles(ledger, plan, importId, { skip: direct, onProgress: opts.onProgress });
  const modelMap = await stagedModelMap(ledger, opts.modelIds, sampledModelNames(direct));

  if (direct.length) registerImportFunctions(ledger); // before the transaction, which could roll them back
  return ledger.transaction(() => writeRun(ledger, plan, direct, { ...run, modelMap }));
}

/** The import transaction: one-pass files, then the merge of the staged rows, then the counts. */
async function writeRun(
  ledger: Ledger,
  plan: PlannedFile[],
  direct: PlannedFile[],
  run: { importId: string; importedAt: Date; rules: TaskRule[]; opts: ImportOptions; modelMap: DuckDBMapValue },
): Promise<FileOutcome[]> {
  const { importId, importedAt, rules, opts, modelMap } = run;
  const written = await insertDirect(ledger, direct, {
    importId,
    importedAt,
    rules,
    modelMap,
    modelIds: opts.modelIds,
    onTick: (importer, paths, percent) =>
      opts.onProgress?.({ phase: `reading ${paths.length === 1 ? path.basename(paths[0]) : `${paths.length} files`} (${importer.id}, one pass)`, percent }),
  });
  // files the one pass could not read exactly are read line by line and merged with the rest
  for (const [importer, files] of byImporter(written.rechecks)) await stageRechecked(ledger, importer, files, importId);
  const mergeMap = written.rechecks.length ? await stagedModelMap(ledger, opts.modelIds) : modelMap;
  // one pass for every file: the merge would plan nothing (but join the new rows to find that out)
  const merged = direct.length < plan.length || written.rechecks.length > 0;
  const counts = merged ? await mergeStaged(ledger, importId, importedAt, mergeMap, rules) : new Map<string, Partial<FileOutcome>>();
  if (written.rechecks.length) await settleDirectCounts(ledger, importId, direct, written);
  for (const [file, c] of written.counts) counts.set(file, c);
  const result: FileOutcome[] = plan.map(({ path, importer }) => ({
    path,
    rows_read: 0,
    imported: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    ...counts.get(path),
    format: importer.id,
  }));
  await recordFiles(ledger, importId, importedAt, result);
  return result;
}

/** Dedupes the staged rows within the run and against the ledger, writes them labelled; returns per-file counts. */
async function mergeStaged(ledger: Ledger, importId: string, importedAt: Date, modelMap: DuckDBMapValue, rules: TaskRule[]): Promise<Map<string, Partial<FileOutcome>>> {
  await ledger.run(sql('import/mask_staged_usage'));
  await ledger.run(sql('import/mask_staged_invoice'));
  await ledger.run(sql('import/reject_implausible_usage'), { now_at: timestampTz(importedAt) });
  const { is_new } = await ledger.one<{ is_new: boolean }>(sql('import/staged_usage_is_new'));
  await ledger.run(sql(is_new ? 'import/plan_new_usage' : 'import/plan_usage_merge'));
  await ledger.run(sql('import/plan_invoice_merge'));
  await ledger.run(sql('import/delete_replaced_usage'));
  await ledger.run(sql('import/delete_replaced_invoice'));
  const { kept_all } = await ledger.one<{ kept_all: boolean }>(sql('import/plan_keeps_all_usage'));
  const mapParam = { model_map: modelMap };
  const mapType = { model_map: MAP(VARCHAR, VARCHAR) }; // named, so an empty map still binds
  // staged rows carry model_raw; $model_map gives the canonical id the rules see
  const insert = withRuleIndex(sql('import/insert_staged_usage'), rules, { model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)' });
  await ledger.run(insert.sql, { ...insert.params, ...mapParam, keep_all: kept_all }, mapType);
  await ledger.run(sql('import/insert_staged_invoice'), mapParam, mapType);
  await ledger.run(sql('import/insert_rejects'), { import_id: importId });
  const counts = await ledger.all<FileOutcome>(sql('import/file_counts'));
  return new Map(counts.map(({ path, ...c }) => [path, c]));
}

/** Where a time_source other than the row's own time came from, as a warning says it. */
const TIME_SOURCES: Record<string, string> = {
  wrapper: 'the timestamp logged beside the response',
  sse_date: "the capture's Date header",
  file_mtime: "the file's modification time",
};

/** One warning per file whose new rows carry no time of their own (their time_source says which they got). */
async function approximateTimes(ledger: Ledger, importId: string): Promise<string[]> {
  const rows = await ledger.all<{ source_file: string; time_source: string; n_rows: number }>(sql('import/approximate_times'), { import_id: importId });
  const byFile = new Map<string, { n: number; parts: string[] }>();
  for (const r of rows) {
    const file = byFile.get(r.source_file) ?? { n: 0, parts: [] };
    file.n += r.n_rows;
    file.parts.push(`${r.n_rows.toLocaleString('en-US')} from ${TIME_SOURCES[r.time_source] ?? r.time_source} (${r.time_source})`);
    byFile.set(r.source_file, file);
  }
  return [...byFile].map(([file, { n, parts }]) => {
    const what = n === 1 ? '1 row has no time of its own, so its time is' : `${n.toLocaleString('en-US')} rows have no time of their own, so their time is`;
    return `${file}: ${what} approximate: ${parts.join(', ')}; see the time_source column`;
  });
}

function planFormats(files: FoundFile[], forced: string | Importer | undefined, warnings: string[]): PlannedFile[] {
  const forcedImporter = typeof forced === 'string' ? importerById(forced) : forced;
  const plan: PlannedFile[] = [];
  const folders = new Map<string, boolean>(); // per folder: whether it may hold a sibling mapping
  for (const file of files) {
    let stat: fs.Stats;
    let importer: Importer | undefined;
    try {
      stat = fs.statSync(file.path);
      if (stat.size === 0) {
        warnings.push(`${file.path}: empty file, nothing to import`);
        continue;
      }
      importer = forcedImporter ?? siblingMapping(file.path, folders) ?? detectImporter(file.path);
    } catch (err) {
      throw unreadableFile(file.path, err);
    }
    if (importer?.plainFilesOnly && /\.gz$/i.test(file.path)) {
      throw new RecountError(`${file.path}: ${importer.title} are read as plain text`, `unpack it first: gunzip -k ${file.path}`);
    }
    if (importer) {
      plan.push({ path: file.path, importer, bytes: stat.size, modifiedMs: stat.mtimeMs });
    } else if (file.explicit) {
      throw new RecountError(
        `${file.path}: not a supported format (tried ${importers.map((i) => i.id).join(', ')})`,
        'check that this is a usage export, or force one with --format ID (list: recount sources)',
      );
    } else {
      warnings.push(`${file.path}: skipped, not a supported format (a custom CSV or JSONL imports with --mapping)`);
    }
  }
  if (!plan.length) {
    const why = files.length === 1 && warnings.length === 1 ? warnings[0] : `no supported files among ${files.length} file${files.length === 1 ? '' : 's'}`;
    throw new RecountError(`nothing to import: ${why}`, 'pass export files or folders (see recount sources)');
  }
  return plan;
}

/** Each planned file's lines, for the importers that check their reader against them (countLines). */
async function countPlannedLines(plan: PlannedFile[], counting: LineCounting): Promise<void> {
  const counted = plan.filter((f) => f.importer.countLines);
  if (!counted.length) return counting.cancel();
  const lines = await counting.counts(counted.map((f) => f.path));
  for (const f of counted) f.lines = lines.get(f.path);
}

/** One import_files row per file, appended in one go (a directory of transcripts has thousands). */
async function recordFiles(ledger: Ledger, importId: string, importedAt: Date, files: FileOutcome[]): Promise<void> {
  const appender = await ledger.conn.createAppender('import_files');
  const at = timestampTz(importedAt);
  for (const f of files) {
    appender.appendVarchar(importId);
    appender.appendTimestampTZ(at);
    appender.appendVarchar(f.path);
    appender.appendVarchar(f.format);
    for (const n of [f.rows_read, f.imported, f.duplicates, f.rejected, f.skipped]) appender.appendBigInt(BigInt(n));
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

/** A folder can carry its own mappings: `<name>.mapping.yaml` (or .yml, .json) next to `<name>.csv` reads it. */
function siblingMapping(filePath: string, folders: Map<string, boolean>): Importer | undefined {
  // one listing per folder: a folder of transcripts is thousands of files, and one without any
  // mapping-like name needs no look for each of them (a listing that fails looks every time)
  const dir = path.dirname(filePath);
  let mayHold = folders.get(dir);
  if (mayHold === undefined) {
    mayHold = listsMappings(dir);
    folders.set(dir, mayHold);
  }
  if (!mayHold) return undefined;
  const base = filePath.replace(/\.(csv|jsonl|ndjson|json)$/i, '');
  const mapping = ['.mapping.yaml', '.mapping.yml', '.mapping.json'].map((ext) => base + ext).find((p) => fs.existsSync(p));
  return mapping ? mappingImporter(readMapping(mapping)) : undefined;
}

/** Whether a folder may hold a mapping file (true when it cannot be listed). */
function listsMappings(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => /\.mapping\./i.test(name));
  } catch {
    return true;
  }
}
