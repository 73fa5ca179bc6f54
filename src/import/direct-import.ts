import type { DuckDBMapValue } from '@duckdb/node-api';
import { MAP, mapValue, timestampTz, VARCHAR } from '../db/duckdb.js';
import { labelUnmappedModelsStatement, withRuleIndex } from '../classify/compile.js';
import { RecountError } from '../errors.js';
import type { TaskRule } from '../classify/rules.js';
import { batchesOf, formatSql, type Importer } from '../importers/format.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { FileOutcome } from './import-run.js';
import { withImportFunctions, type FileRow } from './import-functions.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { holdsSecret } from './mask-path.js';
import { bindFiles, byImporter, readerError, type PlannedFile } from './staging.js';
import { onThreads } from '../db/threads.js';

/**
 * One-pass imports. The general path stages every row, plans the merge against the ledger, then
 * writes the ledger; when a source has no rows in the ledger yet, the plan decides nothing. Then the
 * importer's direct statement reads its files in parallel and writes their rows straight into the
 * ledger, labelled, inside the import's transaction:
 *   - a large export (OpenAI usage CSV) is taken when every row is one clean ledger row: the
 *     statement stops on a row the general path would reject or skip, and the keys are checked
 *     afterwards (rows to sum or dedupe); the caller then rolls back and imports the file the general
 *     way. Its rows carry no source_line (numbering lines would make the read single-threaded);
 *   - transcripts (Claude Code) are deduplicated by the statement itself, which hands each file's
 *     other counts over through recount_file_row (import-functions.ts) and leaves the files its fast
 *     reader could not number exactly to be staged and merged the general way. Their lines are read
 *     once into the temp table direct_staged first, whose agent events (issue 18) then go straight to
 *     agent_events (insert_staged_events.sql): no row crosses into JS, none is written twice.
 * Either way the outcome is the general path's.
 */

/** Smaller files take the general path unless the importer says otherwise: numbering their lines costs little. */
export const DIRECT_MIN_BYTES = 64 * 1024 * 1024;

const FALLBACK_MARKER = 'recount:direct-fallback';

/** A one-pass import met a row (or a repeated key) that only the general path handles. */
export class DirectFallback extends Error {}

/** What a one-pass import wrote, and the files it left to the general path. */
export interface DirectResult {
  counts: Map<string, Partial<FileOutcome>>;
  rechecks: PlannedFile[]; // files to stage line by line and merge (read in batches: JsonLinesRead.batches)
}

/**
 * The planned files a one-pass import takes: every file of an importer with a direct statement, when
 * all of them are plain files of at least `minBytes` (the importer's own floor unless given), read in
 * full, and the ledger holds no row of that source.
 */
export async function directFiles(ledger: Ledger, plan: PlannedFile[], minBytes?: number): Promise<PlannedFile[]> {
  const chosen: PlannedFile[] = [];
  for (const [importer, files] of byImporter(plan)) {
    if (!importer.direct) continue;
    if (files.some((f) => f.resumed)) continue; // a file read from an offset: its rows are relabelled once staged
    if (files.some((f) => holdsSecret(f.path))) continue; // so is a path holding a secret (mask-path.ts)
    const floor = minBytes ?? importer.direct.minFileBytes ?? DIRECT_MIN_BYTES;
    if (!files.every((f) => !/\.gz$/i.test(f.path) && f.bytes >= floor)) continue;
    const { has_rows } = await ledger.one<{ has_rows: boolean }>(sql('import/source_has_usage'), { source: importer.id });
    if (!has_rows) chosen.push(...files);
  }
  return chosen;
}

/** Raw model names sampled from the one-pass files, for the model map. */
export function sampledModelNames(files: PlannedFile[]): string[] {
  return files.flatMap(({ path, importer }) => importer.direct?.sampleModelNames?.(path) ?? []);
}

/**
 * Writes the one-pass files into the ledger, inside the caller's transaction, and returns their
 * counts and the files left to the general path. Model ids come from `modelMap` (a statement that
 * meets its names as it reads asks recount_model_id); rows whose raw name the map lacks are completed
 * afterwards. Throws DirectFallback when the files need the general path.
 */
export async function insertDirect(
  ledger: Ledger,
  files: PlannedFile[],
  opts: { importId: string; importedAt: Date; rules: TaskRule[]; modelMap: DuckDBMapValue; modelIds: ModelIds; onTick: (importer: Importer, paths: string[], percent: number | null) => void },
): Promise<DirectResult> {
  const result: DirectResult = { counts: new Map(), rechecks: [] };
  for (const [importer, planned] of byImporter(files)) {
    const paths = planned.map((f) => f.path);
    const { query, staged, ruleInputs } = importer.direct!;
    const { sql: statement, params } = withRuleIndex(formatSql(importer, query), opts.rules, {
      model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)',
      ...ruleInputs,
    });
    const files = await bindFiles(ledger, importer, paths, [], new Map(planned.map((f) => [f.path, f.bytes])));
    const mapped = statement.includes('$model_map'); // one that meets its names as it reads binds none (recount_model_id)
    // one that first reads into direct_staged (Direct.staged: the lines read once, for its usage rows
    // and for the agent events insert_staged_events.sql writes: one statement writes one table)
    const read = staged ? formatSql(importer, staged) : null;
    const readParams = { ...files.params, import_id: opts.importId };
    const bound = { ...params, ...(read ? {} : readParams), ...(mapped ? { model_map: opts.modelMap } : {}) };
    const types = { ...(read ? {} : files.types), ...(mapped ? { model_map: MAP(VARCHAR, VARCHAR) } : {}) };
    const tick = (percent: number | null) => opts.onTick(importer, paths, percent);
    const run = async () => {
      if (!read) return ledger.runWatched(statement, bound, tick, types);
      // Rows a statement inserts on several threads stay in memory once per thread and once more in
      // the table until the import commits. The read keeps the insertion order, which its last step
      // (a materialized result) gives away for free, so its rows are written once (~75 MiB less for
      // 100k rows through every statement after it); the usage rows go in on one thread (~30 MiB).
      await ledger.run('SET preserve_insertion_order = true');
      await ledger.runWatched(read, readParams, tick, files.types);
      await ledger.run('SET preserve_insertion_order = false');
      await onThreads(ledger, 1, () => ledger.runWatched(statement, bound, tick, types));
    };
    // the rows' order in the ledger means nothing (the general path writes them in hash order too),
    // and keeping it would make DuckDB insert them on one thread
    await ledger.run('SET preserve_insertion_order = false');
    let fileRows: FileRow[];
    try {
      fileRows = await withImportFunctions(ledger, opts.modelIds, run);
    } catch (err) {
      // the transaction is aborted now, and the caller rolls it back. A file the reader cannot read
      // goes the general way too, which names the problem as it always does.
      if (err instanceof Error && err.message.includes(FALLBACK_MARKER)) throw new DirectFallback(`${importer.id}: a row needs the general path`);
      if (readerError(importer, paths, err) instanceof RecountError) throw new DirectFallback(`${importer.id}: the reader failed`);
      throw err;
    } finally {
      await ledger.restore('RESET preserve_insertion_order');
    }
    const check = await ledger.one<{ n: number; keys_distinct: boolean; plausible: boolean; unmapped_models: string[] }>(sql('import/direct_rows_check'), {
      import_id: opts.importId,
      source: importer.id,
      now_at: timestampTz(opts.importedAt),
    });
    if (!check.plausible) throw new DirectFallback(`${importer.id}: a row breaks the plausibility rules`);
    if (!check.keys_distinct) throw new DirectFallback(`${importer.id}: a bucket key repeats`);
    if (check.unmapped_models.length) await labelUnmappedModels(ledger, importer, check.unmapped_models, opts);
    // one file (the usual export) wrote every row the check counted: no second scan for the split
    const written =
      paths.length === 1
        ? new Map([[paths[0], check.n]])
        : new Map((await ledger.all<{ path: string; n: number }>(sql('import/direct_file_rows'), { import_id: opts.importId, source: importer.id })).map((r) => [r.path, r.n]));
    const { counts, rechecks } = fileCounts(importer, planned, written, fileRows);
    for (const [path, c] of counts) result.counts.set(path, c);
    result.rechecks.push(...rechecks);
  }
  return result;
}

/**
 * Per file: the rows written (each an imported source row), plus what the statement handed over: the
 * other lines of its responses (duplicates), lines that are no usage (skipped), or that the file is
 * to be read again (it wrote nothing of it).
 */
function fileCounts(importer: Importer, planned: PlannedFile[], written: Map<string, number>, fileRows: FileRow[]): DirectResult {
  const result: DirectResult = { counts: new Map(), rechecks: [] };
  const recheck = new Set<string>();
  const handed = new Map<string, { duplicates: number; skipped: number }>();
  for (const row of fileRows) {
    if (row.row_kind === 'recheck') {
      recheck.add(row.source_file);
      continue;
    }
    if (row.row_kind !== 'duplicate' && row.row_kind !== 'skip') throw new DirectFallback(`${importer.id}: a '${row.row_kind}' row needs the general path`);
    const c = handed.get(row.source_file) ?? { duplicates: 0, skipped: 0 };
    if (row.row_kind === 'duplicate') c.duplicates += row.row_count ?? 1;
    else c.skipped += row.row_count ?? 1;
    handed.set(row.source_file, c);
  }
  for (const file of planned) {
    if (recheck.has(file.path)) {
      // the statement writes nothing of a file it leaves to be read again
      if (!batchesOf(importer) || written.get(file.path)) throw new Error(`${importer.id}: one-pass statement wrote rows of ${file.path} and also left it to be read again`);
      result.rechecks.push(file);
      continue;
    }
    const imported = written.get(file.path) ?? 0;
    const { duplicates, skipped } = handed.get(file.path) ?? { duplicates: 0, skipped: 0 };
    result.counts.set(file.path, { rows_read: imported + duplicates, imported, duplicates, skipped });
  }
  return result;
}

/**
 * After the merge of the files a one-pass import left to the general path: a row of theirs that won
 * over a row the one pass wrote (a main-chain line over its sidechain copy) replaced it, so that row
 * counts as a duplicate of its file now, as it would have in one staged run.
 */
export async function settleDirectCounts(ledger: Ledger, importId: string, files: PlannedFile[], direct: DirectResult): Promise<void> {
  const merged = new Set(direct.rechecks.map((f) => f.importer));
  for (const [importer, planned] of byImporter(files.filter((f) => merged.has(f.importer)))) {
    const rows = await ledger.all<{ path: string; n: number }>(sql('import/direct_file_rows'), { import_id: importId, source: importer.id });
    const remaining = new Map(rows.map((r) => [r.path, r.n]));
    for (const { path } of planned) {
      const c = direct.counts.get(path);
      const left = remaining.get(path) ?? 0;
      if (!c || c.imported === undefined || c.imported === left) continue;
      direct.counts.set(path, { ...c, imported: left, duplicates: (c.duplicates ?? 0) + c.imported - left });
    }
  }
}

/** Canonical ids (and the labels a model rule may change) for the names the sampled model map missed. */
async function labelUnmappedModels(ledger: Ledger, importer: Importer, names: string[], opts: { importId: string; rules: TaskRule[]; modelIds: ModelIds }): Promise<void> {
  const { sql: statement, params } = labelUnmappedModelsStatement(opts.rules);
  const modelMap = mapValue(names.map((raw) => ({ key: raw, value: opts.modelIds.canonical(raw) ?? raw })));
  await ledger.run(statement, { ...params, model_map: modelMap, import_id: opts.importId, source: importer.id }, { model_map: MAP(VARCHAR, VARCHAR) });
}
