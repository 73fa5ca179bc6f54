import fs from 'node:fs';
import path from 'node:path';
import { recountBin } from './paths.js';
import { runNode, type RunOptions } from './measure.js';

/** `recount import --json` totals. */
export interface ImportTotals {
  files: number;
  rows_read: number;
  imported: number;
  duplicates: number;
  rejected: number;
  skipped: number; // lines that carry no usage (prompts, tool results, progress…)
}

/** The `recount summary --json` fields the bench checks. */
export interface LedgerSummary {
  records: number;
  requests: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
}

export const importArgs = (paths: string[], db: string) => ['import', ...paths, '--db', db, '--json'];

export function parseImportTotals(stdout: string): ImportTotals {
  return (JSON.parse(stdout) as { totals: ImportTotals }).totals;
}

/** Runs `recount summary --json --db DB` (untimed) and returns its totals. */
export async function ledgerSummary(db: string, opts: RunOptions): Promise<LedgerSummary> {
  const m = await runNode(recountBin, ['summary', '--json', '--db', db], opts);
  if (m.exitCode !== 0) throw new Error(`recount summary exited with code ${m.exitCode}: ${m.stderr.trim()}`);
  return JSON.parse(m.stdout) as LedgerSummary;
}

let dbCounter = 0;

/** A path for a new DuckDB file in `dir` (nothing there yet). */
export function freshDb(dir: string, name: string): string {
  return path.join(dir, `${name}-${++dbCounter}.duckdb`);
}

/** Deletes a DuckDB file and its WAL, to keep the temp folder small between rounds. */
export function removeDb(db: string): void {
  for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
}
