import type { DuckDBMapValue } from '@duckdb/node-api';
import { listValue, MAP, mapValue, VARCHAR } from './duckdb.js';
import { labelUnmappedModelsStatement, withRuleIndex } from '../classify/compile.js';
import { RecountError } from '../errors.js';
import type { TaskRule } from '../classify/rules.js';
import type { Importer } from '../importers/types.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { Ledger } from './ledger.js';
import { sql } from './sql.js';
import { readerError, readerFiles, type PlannedFile } from './staging.js';

/**
 * One-pass imports. A large export goes through the general path in three copies (staged rows, a
 * merge plan, the ledger) and numbers its lines with a single-threaded read; when its source has no
 * rows in the ledger yet and the file is clean, none of that decides anything. Such a file is read
 * in parallel by its importer's direct statement and written straight into the ledger, labelled,
 * inside the import's transaction. The statement stops on any row the general path would reject or
 * skip, and the keys are checked afterwards (rows to sum or dedupe); either way the caller rolls
 * back and imports the file the general way, so the outcome never depends on the path, except that
 * the one-pass rows carry no source_line.
 */

/** Smaller files take the general path: numbering their lines costs little. */
export const DIRECT_MIN_BYTES = 64 * 1024 * 1024;

const FALLBACK_MARKER = 'recount:direct-fallback';

/** A one-pass import met a row (or a repeated key) that only the general path handles. */
export class DirectFallback extends Error {}

/**
 * The planned files a one-pass import takes: every file of an importer with a direct statement, when
 * all of them are plain files of at least `minBytes` and the ledger holds no row of that source.
 */
export async function directFiles(ledger: Ledger, plan: PlannedFile[], minBytes = DIRECT_MIN_BYTES): Promise<PlannedFile[]> {
  const chosen: PlannedFile[] = [];
  for (const [importer, files] of byImporter(plan)) {
    if (!importer.direct) continue;
    if (!files.every((f) => !/\.gz$/i.test(f.path) && f.bytes >= minBytes)) continue;
    const { has_rows } = await ledger.one<{ has_rows: boolean }>(sql('import/source_has_usage'), { source: importer.id });
    if (!has_rows) chosen.push(...files);
  }
  return chosen;
}

/** Raw model names sampled from the one-pass files, for the model map. */
export function sampledModelNames(files: PlannedFile[]): string[] {
  return files.flatMap(({ path, importer }) => importer.sampleModelNames?.(path) ?? []);
}

/**
 * Writes the one-pass files into the ledger, inside the caller's transaction, and returns the rows
 * written per file (each row one source row: nothing was summed, deduplicated, rejected or skipped).
 * Model ids come from `modelMap`; rows whose raw name it lacks are completed afterwards. Throws
 * DirectFallback when a file needs the general path.
 */
export async function insertDirect(
  ledger: Ledger,
  files: PlannedFile[],
  opts: { importId: string; rules: TaskRule[]; modelMap: DuckDBMapValue; modelIds: ModelIds; onTick: (importer: Importer, paths: string[], percent: number | null) => void },
): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  for (const [importer, planned] of byImporter(files)) {
    const paths = planned.map((f) => f.path);
    const { query, ruleInputs } = importer.direct!;
    const { sql: statement, params } = withRuleIndex(sql(`import/${query}`), opts.rules, {
      model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)',
      ...ruleInputs,
    });
    // the rows' order in the ledger means nothing (the general path writes them in hash order too),
    // and keeping it would make DuckDB insert them on one thread
    await ledger.run('SET preserve_insertion_order = false');
    try {
      await ledger.runWatched(
        statement,
        { ...params, files: listValue(readerFiles(importer, paths)), import_id: opts.importId, model_map: opts.modelMap },
        (percent) => opts.onTick(importer, paths, percent),
        { model_map: MAP(VARCHAR, VARCHAR) },
      );
    } catch (err) {
      // the transaction is aborted now: the caller resets the setting after its rollback. A file the
      // reader cannot read goes the general way too, which names the problem as it always does.
      if (err instanceof Error && err.message.includes(FALLBACK_MARKER)) throw new DirectFallback(`${importer.id}: a row needs the general path`);
      if (readerError(importer, paths, err) instanceof RecountError) throw new DirectFallback(`${importer.id}: the reader failed`);
      throw err;
    }
    await ledger.run('RESET preserve_insertion_order');
    const check = await ledger.one<{ n: number; keys_distinct: boolean; unmapped_models: string[] }>(sql('import/direct_rows_check'), {
      import_id: opts.importId,
      source: importer.id,
    });
    if (!check.keys_distinct) throw new DirectFallback(`${importer.id}: a bucket key repeats`);
    if (check.unmapped_models.length) await labelUnmappedModels(ledger, importer, check.unmapped_models, opts);
    // one file (the usual case) wrote every row the check counted: no second scan for the split
    const written =
      paths.length === 1
        ? [{ path: paths[0], n: check.n }]
        : await ledger.all<{ path: string; n: number }>(sql('import/direct_file_rows'), { import_id: opts.importId, source: importer.id });
    for (const { path, n } of written) rows.set(path, n);
  }
  return rows;
}

/** Canonical ids (and the labels a model rule may change) for the names the sampled model map missed. */
async function labelUnmappedModels(ledger: Ledger, importer: Importer, names: string[], opts: { importId: string; rules: TaskRule[]; modelIds: ModelIds }): Promise<void> {
  const { sql: statement, params } = labelUnmappedModelsStatement(opts.rules);
  const modelMap = mapValue(names.map((raw) => ({ key: raw, value: opts.modelIds.canonical(raw) ?? raw })));
  await ledger.run(statement, { ...params, model_map: modelMap, import_id: opts.importId, source: importer.id }, { model_map: MAP(VARCHAR, VARCHAR) });
}

function byImporter(plan: PlannedFile[]): Map<Importer, PlannedFile[]> {
  const groups = new Map<Importer, PlannedFile[]>();
  for (const f of plan) {
    const files = groups.get(f.importer);
    if (files) files.push(f);
    else groups.set(f.importer, [f]);
  }
  return groups;
}
