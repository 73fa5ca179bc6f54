import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { queriesDir } from '../paths.js';
import { DuckDBTimestampTZValue, listValue } from '@duckdb/node-api';
import { RecountError } from '../errors.js';
import { readHead } from '../importers/file-head.js';
import type { FoundFile } from '../importers/discover.js';
import { detectImporter, importerById, importers } from '../importers/registry.js';
import type { Importer } from '../importers/types.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { ProgressListener } from '../format/progress.js';
import type { Ledger } from './ledger.js';
import { sql } from './sql.js';

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
  modelIds: ModelIds;
  now?: Date;
  onProgress?: ProgressListener;
}

/**
 * Imports files into the ledger in one transaction: every file is detected, staged through DuckDB's
 * readers, deduplicated within the run and against the ledger, and counted. On any error the
 * ledger is left as it was.
 */
export async function importFiles(ledger: Ledger, files: FoundFile[], opts: ImportOptions): Promise<ImportReport> {
  const warnings: string[] = [];
  const plan = planFormats(files, opts.format, warnings);
  const importId = `imp_${(opts.now ?? new Date()).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  const importedAt = opts.now ?? new Date();

  const outcomes = await ledger.transaction(async () => {
    await ledger.run(sql('import/create_staged_usage'));
    await ledger.run(sql('import/create_staged_invoice'));
    await ledger.run(sql('import/create_stage_files'));
    for (const macro of ['token_type_of', 'hide_key', 'mask_secrets']) await ledger.run(sql(`import/macros/${macro}`));
    await insertStageFiles(ledger, plan);

    let staged = 0;
    for (const [importer, paths] of groupByImporter(plan)) {
      const phase = `reading ${paths.length} ${importer.id} file${paths.length === 1 ? '' : 's'}`;
      await stage(ledger, importer, paths, importId, (percent) => opts.onProgress?.({ phase, percent, rows: staged || undefined }));
      staged = (await ledger.one<{ n: number }>(sql('import/staged_row_count'))).n;
    }
    opts.onProgress?.({ phase: 'deduplicating and merging', percent: null, rows: staged });
    await mapModelNames(ledger, opts.modelIds);
    await ledger.run(sql('import/plan_usage_merge'));
    await ledger.run(sql('import/plan_invoice_merge'));
    await ledger.run(sql('import/delete_replaced_usage'));
    await ledger.run(sql('import/insert_staged_usage'));
    await ledger.run(sql('import/delete_replaced_invoice'));
    await ledger.run(sql('import/insert_staged_invoice'));
    await ledger.run(sql('import/insert_rejects'), { import_id: importId });

    const counts = new Map((await ledger.all<FileOutcome>(sql('import/file_counts'))).map((c) => [c.path, c]));
    const result: FileOutcome[] = plan.map(({ path, importer }) => ({
      path,
      format: importer.id,
      rows_read: 0,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      skipped: 0,
      ...counts.get(path),
    }));
    for (const f of result) {
      await ledger.run(sql('import/insert_import_file'), {
        import_id: importId,
        imported_at: new DuckDBTimestampTZValue(BigInt(importedAt.getTime()) * 1000n),
        ...f,
      });
    }
    return result;
  });

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

interface PlannedFile {
  path: string;
  importer: Importer;
}

function planFormats(files: FoundFile[], forced: string | undefined, warnings: string[]): PlannedFile[] {
  const forcedImporter = forced ? importerById(forced) : undefined;
  const plan: PlannedFile[] = [];
  for (const file of files) {
    if (fs.statSync(file.path).size === 0) {
      warnings.push(`${file.path}: empty file, nothing to import`);
      continue;
    }
    const importer = forcedImporter ?? detectImporter(readHead(file.path));
    if (importer) {
      plan.push({ path: file.path, importer });
    } else if (file.explicit) {
      throw new RecountError(
        `${file.path}: not a supported format (tried ${importers.map((i) => i.id).join(', ')})`,
        'check that this is a usage export, or force one with --format ID (list: recount sources)',
      );
    } else {
      warnings.push(`${file.path}: skipped, not a supported format`);
    }
  }
  if (!plan.length) {
    const why = files.length === 1 && warnings.length === 1 ? warnings[0] : `no supported files among ${files.length} file${files.length === 1 ? '' : 's'}`;
    throw new RecountError(`nothing to import: ${why}`, 'pass export files or folders (see recount sources)');
  }
  return plan;
}

function groupByImporter(plan: PlannedFile[]): Map<Importer, string[]> {
  const groups = new Map<Importer, string[]>();
  for (const { path, importer } of plan) groups.set(importer, [...(groups.get(importer) ?? []), path]);
  return groups;
}

async function insertStageFiles(ledger: Ledger, plan: PlannedFile[]): Promise<void> {
  const appender = await ledger.conn.createAppender('stage_files', 'main', 'temp');
  plan.forEach(({ path, importer }, i) => {
    appender.appendVarchar(path);
    appender.appendInteger(i);
    appender.appendVarchar(importer.id);
    appender.appendVarchar(importer.merge);
    appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(fs.statSync(path).mtimeMs)) * 1000n));
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}

async function stage(ledger: Ledger, importer: Importer, paths: string[], importId: string, onTick: (percent: number | null) => void): Promise<void> {
  const stageSql = sql(`import/stage_${importer.id.replace(/-/g, '_')}`);
  // CSV formats read a header-only template first, so with union_by_name every column the SQL names
  // exists even when an export leaves optional columns out
  const template = path.join(queriesDir, 'import', 'headers', `${importer.id}.csv`);
  const files = fs.existsSync(template) ? [template, ...paths] : paths;
  try {
    await ledger.runWatched(stageSql, { files: listValue(files), import_id: importId }, onTick);
  } catch (err) {
    throw readerError(importer, paths, err);
  }
}

/** A reader failure (a whole file unreadable as its format) becomes one error naming the file. */
function readerError(importer: Importer, paths: string[], err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  // Binder and catalog errors are bugs in recount's SQL, not problems with the file
  if (!/^(Invalid Input|Conversion|IO|Parser) Error/i.test(message)) return err instanceof Error ? err : new Error(message);
  const named = paths.find((p) => message.includes(p)) ?? (paths.length === 1 ? paths[0] : undefined);
  const where = named ?? `one of ${paths.length} ${importer.id} files`;
  const line = /line (\d+)/i.exec(message)?.[1];
  const detail = message.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '');
  return new RecountError(
    `${where}${line ? `:${line}` : ''}: cannot be read as ${importer.title}: ${detail}`,
    'the file may be truncated or not this format; fix it or leave it out (nothing was imported)',
  );
}

/** Fills model_map with the canonical id of every raw model name staged in this run. */
async function mapModelNames(ledger: Ledger, modelIds: ModelIds): Promise<void> {
  await ledger.run(sql('import/create_model_map'));
  const names = await ledger.all<{ model_raw: string }>(sql('import/staged_model_names'));
  if (!names.length) return;
  const appender = await ledger.conn.createAppender('model_map', 'main', 'temp');
  for (const { model_raw } of names) {
    appender.appendVarchar(model_raw);
    appender.appendVarchar(modelIds.canonical(model_raw) ?? model_raw);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}
