import path from 'node:path';
import type { DuckDBMapValue } from '@duckdb/node-api';
import { MAP, timestampTz, VARCHAR } from '../db/duckdb.js';
import { tracePhase, type Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { BATCH_BYTES, byImporter, stagedModelMap, stageFiles, stageRechecked, type PlannedFile } from './staging.js';
import { withRuleIndex } from '../classify/compile.js';
import type { TaskRule } from '../classify/rules.js';
import { DirectFallback, directFiles, insertDirect, sampledModelNames, settleDirectCounts } from './direct-import.js';
import { registerImportFunctions } from './import-functions.js';
import { storePrompts } from './prompts.js';
import type { LineCounting } from './line-counts.js';
import { readStates, recordFileStates, type FileState, type FileStateRow } from './file-state.js';
import type { FileOutcome, ImportOptions } from './import-run.js';
import { scanPlannedLines } from './plan-files.js';
import { relabelTails } from './tail-read.js';
import { rememberedModelIds, rememberModelIds } from './model-id-cache.js';
import { maskStagedPaths, storedPath } from './mask-path.js';
import { repeatedRowBlocks } from './repeated-rows.js';
import { importRules, rememberRules, type ImportRules } from './rules-cache.js';

/*
 * The reading half of an import (import-run.ts plans it): the planned files staged, or written in one
 * pass, merged and counted in one transaction. Loaded only when an import has something to read: an
 * import of unchanged files needs none of it (nor the rules, the readers' SQL or the catalog).
 */

export interface RunContext {
  importId: string;
  importedAt: Date;
  opts: ImportOptions;
  known: Map<string, FileState>; // what the ledger remembers of the files (file-state.ts)
  unchanged: string[]; // files not opened
  touched: FileStateRow[]; // files touched but unchanged: their remembered state with the new time
}

/** Reads the planned files: in one pass where it can (direct-import.ts), else staged and merged. */
export async function readFiles(ledger: Ledger, plan: PlannedFile[], counting: LineCounting, ctx: RunContext): Promise<FileOutcome[]> {
  const bytes = plan.reduce((n, f) => n + f.bytes, 0);
  // a session opened on one thread (an incremental import) takes every core back for a large run
  if (ledger.oneThread && bytes >= BATCH_BYTES) await ledger.run('RESET threads');
  return ledger.withSettings(runSettings(ledger, bytes), () => readPlanned(ledger, plan, counting, ctx));
}

/**
 * DuckDB settings for a run by the bytes it reads. Less than one reader batch (staging.ts) runs on one
 * thread: a re-import of one new session took a third to a half more CPU in its statements on two
 * (each statement's fixed cost per thread); a session opened on one thread stays so. A larger run has
 * the allocator return freed memory on a background thread: the read statement's freed buffers
 * otherwise stay in the process under the statements after it (a 200 MiB folder's peak RSS ~40 MiB lower).
 */
function runSettings(ledger: Ledger, bytes: number): Record<string, number | boolean> {
  if (bytes < BATCH_BYTES) return ledger.oneThread ? {} : { threads: 1 };
  return { allocator_background_threads: true };
}

/** readFiles with its settings made. */
async function readPlanned(ledger: Ledger, plan: PlannedFile[], counting: LineCounting, ctx: RunContext): Promise<FileOutcome[]> {
  const rules = await importRules(ledger); // parsed once per rule text (rules-cache.ts)
  // ids of the models the ledger has seen come from it: the catalog loads only for a new name
  const opts = { ...ctx.opts, modelIds: await rememberedModelIds(ledger, ctx.opts.modelIds) };
  const direct = await directFiles(ledger, plan, ctx.opts.directMinBytes);
  const scans = await scanPlannedLines(plan, counting);
  const states = [...readStates(plan, scans, ctx.known, ctx), ...ctx.touched];
  tracePhase('import: rules loaded, lines scanned');
  const run = (onePass: PlannedFile[]) => mergeRun(ledger, plan, onePass, { ...ctx, opts, rules: rules.rules, parsedRules: rules, states });
  try {
    return await run(direct);
  } catch (err) {
    if (!(err instanceof DirectFallback)) throw err;
    return run([]); // the transaction was rolled back: every file the general way
  }
}

type MergeRun = RunContext & { rules: TaskRule[]; parsedRules: ImportRules; states: FileStateRow[] };

/**
 * Stages the files that are not `direct`, then in one transaction writes the direct ones in one pass
 * (direct-import.ts), stages the files that pass left to the general path, dedupes the staged rows
 * within the run and against the ledger, writes them and counts every file.
 */
async function mergeRun(ledger: Ledger, plan: PlannedFile[], direct: PlannedFile[], run: MergeRun): Promise<FileOutcome[]> {
  const { importId, opts } = run;
  await stageFiles(ledger, plan, importId, { skip: direct, onProgress: opts.onProgress });
  await relabelTails(ledger, plan); // rows of a file read from an offset: its own path and line numbers
  await maskStagedPaths(ledger, plan); // a path holding a secret: stored (and compared) masked
  tracePhase('import: staged');
  const modelMap = await stagedModelMap(ledger, opts.modelIds, sampledModelNames(direct));
  tracePhase('import: model names mapped');

  if (direct.length) registerImportFunctions(ledger); // before the transaction, which could roll them back
  return ledger.transaction(() => writeRun(ledger, plan, direct, { ...run, modelMap }));
}

/** The import transaction: one-pass files, then the merge of the staged rows, then the counts. */
async function writeRun(ledger: Ledger, plan: PlannedFile[], direct: PlannedFile[], run: MergeRun & { modelMap: DuckDBMapValue }): Promise<FileOutcome[]> {
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
  if (direct.length) await storePrompts(ledger, importId); // the texts its rows carry, before a merge can replace one
  // files the one pass could not read exactly are read line by line and merged with the rest
  for (const [importer, files] of byImporter(written.rechecks)) await stageRechecked(ledger, importer, files, importId);
  const mergeMap = written.rechecks.length ? await stagedModelMap(ledger, opts.modelIds) : modelMap;
  // one pass for every file: the merge would plan nothing (but join the new rows to find that out)
  const merged = direct.length < plan.length || written.rechecks.length > 0;
  const counts = merged ? await mergeStaged(ledger, importId, importedAt, mergeMap, rules) : new Map<string, Partial<FileOutcome>>();
  if (merged) await storePrompts(ledger, importId);
  if (written.rechecks.length) await settleDirectCounts(ledger, importId, direct, written);
  await ledger.run(sql('import/insert_staged_events')); // agent events (issue 18): no source rows, no counts
  for (const [file, c] of written.counts) counts.set(file, c);
  const result: FileOutcome[] = plan.map((f) => ({
    path: storedPath(f),
    rows_read: 0,
    imported: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    ...counts.get(storedPath(f)),
    format: f.importer.id,
  }));
  await recordFiles(ledger, importId, importedAt, result);
  await recordFileStates(ledger, run.states, run.unchanged);
  await rememberModelIds(ledger, opts.modelIds);
  await rememberRules(ledger, run.parsedRules);
  return result;
}

/** Dedupes the staged rows within the run and against the ledger, writes them labelled; returns per-file counts. */
async function mergeStaged(ledger: Ledger, importId: string, importedAt: Date, modelMap: DuckDBMapValue, rules: TaskRule[]): Promise<Map<string, Partial<FileOutcome>>> {
  // a table with nothing staged needs no statement but its (empty) plan, which file_counts reads; nor
  // do usage rows without a secret's marker, an implausible row or a reject (staged_merge_checks.sql)
  const nowAt = { now_at: timestampTz(importedAt) };
  const staged = await ledger.one<MergeChecks>(sql('import/staged_merge_checks'), nowAt);
  if (staged.secret_rows) await ledger.run(sql('import/mask_staged_usage'));
  if (staged.implausible_rows) await ledger.run(sql('import/reject_implausible_usage'), nowAt);
  if (staged.invoice_rows) await ledger.run(sql('import/mask_staged_invoice'));
  // masked keys or new rejects change what is new: asked again after them
  const { is_new } = staged.secret_rows || staged.implausible_rows ? await ledger.one<{ is_new: boolean }>(sql('import/staged_usage_is_new')) : staged;
  await ledger.run(sql(is_new ? 'import/plan_new_usage' : 'import/plan_usage_merge'));
  await ledger.run(sql('import/plan_invoice_merge'));
  if (staged.usage_rows) await ledger.run(sql('import/delete_replaced_usage'));
  if (staged.invoice_rows) await ledger.run(sql('import/delete_replaced_invoice'));
  const { kept_all } = await ledger.one<{ kept_all: boolean }>(sql('import/plan_keeps_all_usage'));
  const mapParam = { model_map: modelMap };
  const mapType = { model_map: MAP(VARCHAR, VARCHAR) }; // named, so an empty map still binds
  // staged rows carry model_raw; $model_map gives the canonical id the rules see
  const insert = withRuleIndex(sql('import/insert_staged_usage'), rules, { model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)' });
  if (staged.usage_rows) await ledger.run(insert.sql, { ...insert.params, ...mapParam, keep_all: kept_all }, mapType);
  if (staged.invoice_rows) await ledger.run(sql('import/insert_staged_invoice'), mapParam, mapType);
  if (staged.reject_rows || staged.implausible_rows || staged.invoice_rows) await ledger.run(sql('import/insert_rejects'), { import_id: importId });
  const counts = await ledger.all<FileOutcome>(sql('import/file_counts'));
  return new Map(counts.map(({ path, ...c }) => [path, c]));
}

/** Staged rows, and those the merge's optional statements would touch (staged_merge_checks.sql). */
interface MergeChecks {
  usage_rows: number;
  secret_rows: number;
  implausible_rows: number;
  reject_rows: number;
  invoice_rows: number;
  is_new: boolean; // as staged_usage_is_new.sql, before masking and rejecting
}

/** Rows staged per scratch table (staged_table_rows.sql). */
function stagedRows(ledger: Ledger): Promise<{ usage_rows: number; bucket_rows: number; invoice_rows: number }> {
  return ledger.one(sql('import/staged_table_rows'));
}

/**
 * The warnings about the rows a run wrote: times it approximated, files that repeat themselves in
 * full or in blocks of rows (repeated-rows.ts reads those of `plan` again, while their links exist).
 */
export async function runWarnings(ledger: Ledger, importId: string, plan: PlannedFile[]): Promise<string[]> {
  return [...(await approximateTimes(ledger, importId)), ...(await repeatedBlocks(ledger)), ...(await repeatedRowBlocks(ledger, plan))];
}

/**
 * One warning per aggregated file whose every bucket was summed from the same number of identical
 * rows: a file concatenated with itself, whose totals now count that many times over.
 */
async function repeatedBlocks(ledger: Ledger): Promise<string[]> {
  if (!(await ledger.one<{ staged: boolean }>(sql('import/staged_tables_exist'))).staged) return [];
  const { bucket_rows, invoice_rows } = await stagedRows(ledger);
  if (!bucket_rows && !invoice_rows) return []; // nothing aggregated to repeat
  const files = await ledger.all<{ source_file: string; times: number; buckets: number }>(sql('import/repeated_blocks'));
  return files.map(
    (f) => `${f.source_file}: every one of its ${f.buckets.toLocaleString('en-US')} buckets appears at least ${f.times} times with the same dimensions, and such rows are summed; if the file was concatenated with itself, its totals count ${f.times} times over (recount forget --import ID, then import one copy)`,
  );
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
