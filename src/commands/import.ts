import { discoverFiles, statFiles, type FoundFile } from '../import/discover.js';
import { claudeCodeDirs } from '../importers/claude-code/dirs.js';
import { countLinesAhead } from '../import/line-counts.js';
import { codexSessionDirs } from '../importers/codex/dirs.js';
import { Ledger, resolveDbPath } from '../db/ledger.js';
import { RecountError, refuseVirtualPaths } from '../errors.js';
import { progressBar } from '../format/progress.js';
import { toJson } from '../format/table.js';
import { verbose } from '../format/output-options.js';
import fs from 'node:fs';

export interface ImportFlags {
  db?: string;
  format?: string;
  mapping?: string;
  claudeCode?: boolean;
  codex?: boolean;
  agents?: boolean; // every installed coding agent's default folder
  full?: boolean;
  json?: boolean;
}

export async function importCommand(paths: string[], flags: ImportFlags): Promise<void> {
  const inputs = [...paths, ...(flags.claudeCode ? claudeCodeDirs() : []), ...(flags.codex ? codexSessionDirs() : []),
                  ...(flags.agents ? (await import('../import/agents.js')).installedAgentDirs() : [])]; // agents.js loads every format
  if (flags.mapping && flags.format) throw new RecountError('--mapping and --format both choose the format', 'use one of them');
  if (!inputs.length) throw new RecountError('nothing to import', 'pass files or folders (recount import PATH…), or --agents / --claude-code / --codex for local agent logs');
  refuseVirtualPaths(inputs, 'input');
  const dbPath = resolveDbPath(flags.db);
  const exists = fs.existsSync(dbPath);
  // An existing ledger opens on DuckDB's threads while the folders are listed and the files stat'ed
  // (a new one only once they are: a path that is not there must not leave a ledger behind); an
  // incremental import on one DuckDB thread, which a large run raises (merge-run.ts). The import code,
  // the price catalog and the summary's formatting with the importer registry it detects with (a
  // tenth of a second of modules) load meanwhile too.
  const opening = exists ? Ledger.open(dbPath, { oneThread: !flags.full }) : undefined;
  const modules = Promise.all([import('../import/import-run.js'), import('../pricing/catalog.js'), import('../format/import-summary.js')]);
  let files: FoundFile[];
  let stats: Map<string, fs.Stats>;
  try {
    files = discoverFiles(inputs);
    stats = statFiles(files);
  } catch (err) {
    // the listing's error is the one to report; nothing left open or loading behind it
    await Promise.all([opening?.then((l) => l.close(), () => undefined), modules.catch(() => undefined)]);
    throw err;
  }
  // A new ledger, or --full, reads every file: their lines are counted on a worker while DuckDB opens
  // the ledger and the import code loads. Otherwise the ledger says first which files changed, and
  // only those are counted (importFiles starts that).
  const readsAll = flags.full || !exists;
  const lineCounting = readsAll ? countLinesAhead(files.map((f) => f.path)) : undefined;
  const ledger = await (opening ?? Ledger.open(dbPath)).catch(async (err: unknown) => {
    lineCounting?.cancel();
    await modules; // not left loading behind the error
    throw err;
  });
  const [{ importFiles }, { loadCatalog }, { forcedFormatWarnings, perFileTable, perFormatTable }] = await modules;
  const progress = progressBar();
  const started = Date.now();
  try {
    const importer = flags.mapping ? await mappingFile(flags.mapping) : undefined;
    const report = await importFiles(ledger, files, {
      format: flags.format,
      importer,
      modelIds: loadCatalog().modelIds,
      onProgress: progress.listener,
      onPlan: progress.plan,
      lineCounting,
      stats,
      incremental: !flags.full,
    });
    progress.done();
    const warnings = [...report.warnings, ...(flags.format ? forcedFormatWarnings(report.files, flags.format) : [])];
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    if (flags.json) {
      const files = report.files.map(({ skipped: _s, ...f }) => f);
      process.stdout.write(toJson({ import_id: report.import_id, files, totals: report.totals, unchanged_files: report.unchanged, resumed_files: report.resumed }));
      return;
    }
    const incremental = incrementalLine(report.unchanged, report.resumed);
    if (!report.files.length) {
      process.stdout.write(`nothing new to read: ${incremental}\n`); // every file as the ledger read it
      return;
    }
    process.stdout.write(verbose() ? perFileTable(report.files) : perFormatTable(report.files));
    const t = report.totals;
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `\n${t.files} file${t.files === 1 ? '' : 's'}: ${t.rows_read.toLocaleString('en-US')} rows read, ${t.imported.toLocaleString('en-US')} imported, ` +
        `${t.duplicates.toLocaleString('en-US')} duplicates, ${t.rejected.toLocaleString('en-US')} rejected ` +
        `(${seconds.toFixed(1)} s, ${Math.round(t.rows_read / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s)\n`,
    );
    if (incremental) process.stdout.write(`${incremental}\n`);
    if (t.rejected) process.stdout.write(`see the rejected rows with: recount rejects --import ${report.import_id}\n`);
  } finally {
    lineCounting?.cancel();
    progress.done();
    ledger.close();
  }
}

/** The importer a --mapping file describes (its modules load yaml: only when one is given). */
async function mappingFile(file: string) {
  const [{ mappingImporter }, { readMapping }] = await Promise.all([import('../importers/mapping/index.js'), import('../importers/mapping/read-mapping.js')]);
  return mappingImporter(readMapping(file));
}

/** One line on what an incremental import did not read again, or undefined when it read everything. */
function incrementalLine(unchanged: number, resumed: number): string | undefined {
  const files = (n: number) => `${n.toLocaleString('en-US')} file${n === 1 ? '' : 's'}`;
  const parts = [
    unchanged ? `${files(unchanged)} unchanged since the last import, not read` : '',
    resumed ? `${files(resumed)} read from where the last import stopped` : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join('; ')} (--full reads every file in full)` : undefined;
}
