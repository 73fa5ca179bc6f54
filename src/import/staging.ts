import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBMapValue, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBTimestampTZValue, LIST, listValue, mapValue, VARCHAR } from '../db/duckdb.js';
import { RecountError } from '../errors.js';
import { readerFault } from './reader-fault.js';
import { withLineRepair } from './line-repair.js';
import type { ProgressListener } from '../format/progress.js';
import { batchesOf, formatFile, formatSql, readsOneFile, type Importer } from '../importers/format.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { Ledger, Params } from '../db/ledger.js';
import { sql } from '../db/sql.js';

export interface PlannedFile {
  path: string;
  importer: Importer;
  bytes: number; // size and modification time, read once when the run is planned
  modifiedMs: number;
  lines?: number; // counted when planned, for an importer that checks its reader against them (countLines)
  // a grown file read from an offset (tail-read.ts): `path` is then a copy of its part from `fromByte`
  // on, and this names the file itself and how many of its lines come before the copy's first
  resumed?: { path: string; fromByte: number; lineOffset: number };
}

/**
 * Reads the planned files into the session's scratch tables (staged_usage, staged_invoice) through
 * their importers' stage SQL, all but `skip` (files a one-pass import writes itself; they are still
 * numbered in stage_files, which its statement reads too). Scratch tables are temporary and filled
 * before the import transaction begins: DuckDB reads a temp table written inside the same
 * transaction about twice as slowly.
 */
export async function stageFiles(ledger: Ledger, plan: PlannedFile[], importId: string, opts: { skip?: PlannedFile[]; onProgress?: ProgressListener } = {}): Promise<void> {
  // the scratch tables and macros in one call, in order: two dozen statements' round trips were ~20 ms
  const setup = [
    sql('import/create_staged_usage'),
    sql('import/create_direct_staged'), // after staged_usage, whose columns it takes
    sql('import/create_staged_invoice'),
    sql('import/create_stage_files'),
    ...STAGING_MACROS.map((macro) => sql(`import/macros/${macro}`)),
  ];
  for (const importer of new Set(plan.map((f) => f.importer))) {
    for (const macro of importer.macros ?? []) {
      const text = formatSql(importer, `macros/${macro}`);
      if (!(batchesOf(importer) && text.includes(BATCH_MARKER))) setup.push(text); // bindFiles defines a batched one per run
    }
  }
  await ledger.run(setup.join('\n;\n')); // on lines of their own: a statement may end in a comment
  await recordStageFiles(ledger, plan);

  const skip = new Set(opts.skip ?? []);
  const run: StageRun = { importId, sizes: new Map(plan.map((f) => [f.path, f.bytes])) };
  let staged = 0;
  for (const [importer, files] of byImporter(plan.filter((f) => !skip.has(f)))) {
    const paths = files.map((f) => f.path);
    const batches = readsOneFile(importer) ? paths.map((p) => [p]) : [paths];
    for (const batch of batches) {
      const phase = `reading ${batch.length === 1 ? path.basename(batch[0]) : `${batch.length} files`} (${importer.id})`;
      await stageBatch(ledger, importer, batch, run, (percent) => opts.onProgress?.({ phase, percent, rows: staged || undefined }));
      staged = (await ledger.one<{ n: number }>(sql('import/staged_row_count'))).n;
    }
  }
  opts.onProgress?.({ phase: 'deduplicating and merging', percent: null, rows: staged });
}

/** Table macros every format's statements may use (queries/import/macros/), in dependency order; a format's own come after. */
const STAGING_MACROS = [
  'token_type_of',
  'openai_line_item',
  'token_count',
  'token_count_fault',
  'hide_key',
  'mask_secrets',
  'csv_cells',
  'csv_lines',
  'jsonl_lines',
  'jsonl_records',
  'json_texts',
  'otlp_attributes',
  'otlp_attr',
  'is_test_command',
  'shell_program',
  'tool_result_text',
  'stated_exit_code',
  'tool_error',
  'usage_token_limit',
  'implausible_usage',
];

/**
 * Stages files a one-pass import left to the line-by-line reading of a `recheck` importer (see
 * direct-import.ts), as the second pass of stageInBatches would, next to whatever is staged already.
 */
export async function stageRechecked(ledger: Ledger, importer: Importer, files: PlannedFile[], importId: string): Promise<void> {
  const run: StageRun = { importId, sizes: new Map(files.map((f) => [f.path, f.bytes])) };
  const paths = files.map((f) => f.path);
  try {
    // inside the import transaction: a file with a line that is not UTF-8 is found before the read
    await runBatched(ledger, importer, stageStatement(importer), [], paths, run, () => {}, true);
  } catch (err) {
    throw readerError(importer, paths, err);
  }
}

/** The format's stage statement (variants of one format share one). */
function stageStatement(importer: Importer): string {
  if (importer.read.kind === 'mapping') throw new Error(`${importer.id}: a mapping builds its own statement`);
  return formatSql(importer, importer.read.stage);
}

/**
 * Canonical ids for every raw model name staged (and `moreNames`, sampled from one-pass files), as a
 * MAP the merge binds (no join on the hot path).
 */
export async function stagedModelMap(ledger: Ledger, modelIds: ModelIds, moreNames: string[] = []): Promise<DuckDBMapValue> {
  const staged = await ledger.all<{ model_raw: string }>(sql('import/staged_model_names'));
  const names = new Set([...staged.map((n) => n.model_raw), ...moreNames]);
  return mapValue([...names].map((raw) => ({ key: raw, value: modelIds.canonical(raw) ?? raw })));
}

/** The planned files per importer, in plan order. */
export function byImporter(plan: PlannedFile[]): Map<Importer, PlannedFile[]> {
  const groups = new Map<Importer, PlannedFile[]>();
  for (const f of plan) {
    const files = groups.get(f.importer);
    if (files) files.push(f);
    else groups.set(f.importer, [f]);
  }
  return groups;
}

async function recordStageFiles(ledger: Ledger, plan: PlannedFile[]): Promise<void> {
  const appender = await ledger.conn.createAppender('stage_files', 'main', 'temp');
  plan.forEach(({ path: p, importer, modifiedMs, lines }, i) => {
    appender.appendVarchar(p);
    appender.appendInteger(i);
    appender.appendVarchar(importer.id);
    appender.appendVarchar(importer.merge);
    appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(modifiedMs)) * 1000n));
    if (lines === undefined) appender.appendNull();
    else appender.appendBigInt(BigInt(lines));
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}

interface StageRun {
  importId: string;
  sizes: Map<string, number>; // bytes per planned file, for batches of similar size
}

async function stageBatch(ledger: Ledger, importer: Importer, paths: string[], run: StageRun, onTick: (percent: number | null) => void): Promise<void> {
  const { importId } = run;
  const { read } = importer;
  if (read.kind === 'mapping') {
    try {
      await withLineRepair(ledger, importer, paths, importId, async (chosen) => {
        const built = read.build(chosen, importId);
        await ledger.runWatched(built.sql, built.params, onTick);
      });
    } catch (err) {
      throw readerError(importer, paths, err);
    }
    return;
  }
  // variants of one format share a stage statement (each has its own reader statement)
  const stageSql = formatSql(importer, read.stage);
  try {
    if (batchesOf(importer)) return await stageInBatches(ledger, importer, stageSql, paths, run, onTick);
    await withLineRepair(ledger, importer, paths, importId, async (chosen) => {
      const files = readerFiles(importer, chosen);
      if (read.reader) {
        const readerParams: Params = { files: listValue(files), ...(await read.params?.(chosen)) };
        await ledger.runWatched(formatSql(importer, read.reader), readerParams, onTick);
      }
      const params: Params = stageSql.includes('$files') ? { files: listValue(files), import_id: importId } : { import_id: importId };
      await ledger.runWatched(stageSql, params, onTick);
    });
  } catch (err) {
    throw readerError(importer, paths, err);
  }
}

/**
 * Stages `paths` through a statement that takes them as $files, a list of batches (JsonLinesRead.batches);
 * the files it marks 'recheck' (its fast reader could not read them exactly; it staged
 * nothing of them) are staged again in $exact batches. The merge then treats the two passes' rows as
 * one run's, so a response staged by both counts once; its tool names are those of the pass whose
 * line is kept (copies of a response in two files carry the same lines, so in practice nothing is lost).
 */
async function stageInBatches(ledger: Ledger, importer: Importer, stageSql: string, paths: string[], run: StageRun, onTick: (percent: number | null) => void): Promise<void> {
  await runBatched(ledger, importer, stageSql, paths, [], run, onTick);
  const rechecked = (await ledger.all<{ source_file: string }>(sql('import/staged_rechecks'))).map((r) => r.source_file);
  if (!rechecked.length) return;
  await ledger.run(sql('import/delete_staged_rechecks'));
  await runBatched(ledger, importer, stageSql, [], rechecked, run, onTick);
}

/**
 * Runs a batched statement over `fast` files (its fast reader) and `exact` ones (line by line), reading
 * a file with damaged lines without them (line-repair.ts; `proactive`: lines not UTF-8 looked for first).
 */
function runBatched(ledger: Ledger, importer: Importer, statement: string, fast: string[], exact: string[], run: StageRun, onTick: (percent: number | null) => void, proactive = false): Promise<void> {
  const read = async (files: string[]) => {
    const { params, types } = await bindFiles(ledger, importer, files.slice(0, fast.length), files.slice(fast.length), run.sizes);
    return ledger.runWatched(statement, { ...params, import_id: run.importId }, onTick, types);
  };
  return withLineRepair(ledger, importer, [...fast, ...exact], run.importId, read, proactive);
}

/** The bytes one batch reads before a second one pays for its planning (~15 ms of CPU a batch). */
export const BATCH_BYTES = 4 * 1024 * 1024;

/** The text in a batched macro that marks its per-batch branch (claude-code/macros/claude_code_staged.sql). */
const BATCH_MARKER = '/*batch*/1';

/**
 * The batches a run of an importer that reads in batches takes: one per BATCH_BYTES of its files, at
 * least one, and at most one per file, per core (`threads`: DuckDB runs one thread per core, and a
 * batch is read on one) and JsonLinesRead.batches. Every batch is a branch DuckDB plans, empty or
 * not, and each adds its own partial state: a re-import of one new file plans one instead of eight.
 */
export function batchCount(importer: Importer, files: string[], sizes: Map<string, number>, threads = os.availableParallelism()): number | undefined {
  const most = batchesOf(importer);
  if (!most) return undefined;
  const bytes = files.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0);
  return Math.max(1, Math.min(most, threads, files.length, Math.ceil(bytes / BATCH_BYTES)));
}

/**
 * fileParams for one run, with the importer's batched macros defined for the batches it takes
 * (their branch repeated: batchedMacro). Macros are temporary, per connection: each run defines its own.
 */
export async function bindFiles(ledger: Ledger, importer: Importer, fast: string[], exact: string[], sizes: Map<string, number>): Promise<{ params: Params; types: Record<string, DuckDBType> }> {
  const n = batchCount(importer, [...fast, ...exact], sizes);
  if (n) {
    for (const macro of importer.macros ?? []) {
      const text = formatSql(importer, `macros/${macro}`);
      if (text.includes(BATCH_MARKER)) await ledger.run(batchedMacro(text, n));
    }
  }
  return fileParams(importer, fast, exact, sizes, n);
}

/** A batched macro's text with its marked branch (the line holding BATCH_MARKER) for batches 1 … n. */
export function batchedMacro(text: string, n: number): string {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.includes(BATCH_MARKER));
  const indent = /^\s*/.exec(lines[at])![0];
  const branch = lines[at].trim();
  const branches = Array.from({ length: n }, (_, i) => `${indent}${i ? 'UNION ALL ' : ''}${branch.replaceAll(BATCH_MARKER, String(i + 1))}`);
  return [...lines.slice(0, at), ...branches, ...lines.slice(at + 1)].join('\n');
}

/**
 * The files a reader statement takes, typed so that an empty list binds: $files, or for an importer
 * that reads in batches, $files (and, with `recheck`, $exact) as `n` batches (batchCount; at most
 * JsonLinesRead.batches), as many as its batched macros were defined for (bindFiles).
 */
function fileParams(importer: Importer, fast: string[], exact: string[], sizes: Map<string, number>, n: number | undefined): { params: Params; types: Record<string, DuckDBType> } {
  if (!n) return { params: { files: listValue(readerFiles(importer, fast)) }, types: { files: LIST(VARCHAR) } };
  const params: Params = { files: fileBatches(fast, n, sizes, headerTemplate(importer)), exact: fileBatches(exact, n, sizes) };
  return { params, types: Object.fromEntries(Object.keys(params).map((name) => [name, LIST(LIST(VARCHAR))])) };
}

/**
 * `n` batches of files, dealt largest first to the lightest batch (some may stay empty), each batch
 * led by `template` when given: typed VARCHAR[][] when bound, so empty batches bind.
 */
function fileBatches(files: string[], n: number, sizes: Map<string, number>, template?: string): DuckDBValue {
  const batches = Array.from({ length: n }, () => ({ bytes: 0, files: template ? [template] : [] }));
  const sized = files.map((f) => ({ f, bytes: sizes.get(f) ?? 0 })).sort((a, b) => b.bytes - a.bytes);
  for (const { f, bytes } of sized) {
    const lightest = batches.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(f);
    lightest.bytes += bytes;
  }
  return listValue(batches.map((b) => listValue(b.files)));
}

/**
 * The $files a reader statement takes: CSV formats read a header-only template first, so with
 * union_by_name every column the SQL names exists even when an export leaves optional columns out.
 */
function readerFiles(importer: Importer, paths: string[]): string[] {
  const template = headerTemplate(importer);
  return template ? [template, ...paths] : paths;
}

/** The format's header file (an empty export of it), when it has one. */
function headerTemplate(importer: Importer): string | undefined {
  const { read } = importer;
  return read.kind !== 'mapping' && read.header ? formatFile(importer, read.header) : undefined;
}

/** A reader failure (a whole file unreadable as its format) becomes one error naming the file. */
export function readerError(importer: Importer, paths: string[], err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  // Binder and catalog errors are bugs in recount's SQL, not problems with the file
  if (!/^(Invalid Input|Conversion|IO|Parser) Error/i.test(message)) return err instanceof Error ? err : new Error(message);
  if (/No space left|Disk quota/.test(message)) return err instanceof Error ? err : new Error(message); // the disk's, not the file's (cli.ts)
  const named = paths.find((p) => message.includes(p)) ?? (paths.length === 1 ? paths[0] : undefined);
  const where = named ?? `one of ${paths.length} ${importer.id} files`;
  const { line, detail } = readerFault(message, named);
  return new RecountError(
    `${where}${line ? `:${line}` : ''}: cannot be read as ${importer.title}: ${detail}`,
    'the file may be truncated or not this format; fix it or leave it out (nothing was imported)',
  );
}
