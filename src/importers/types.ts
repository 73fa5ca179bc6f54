import type { RuleInputs } from '../classify/compile.js';
import type { Params } from '../ledger/ledger.js';

/** What detection sees of a file: its first bytes, decoded, and what could be parsed from them. */
export interface FileHead {
  path: string;
  text: string; // the file's first bytes (see file-head.ts), BOM removed
  lines: string[]; // complete lines within `text`
  csvHeader: string[] | null; // lower-cased header cells when the first line parses as CSV
}

/**
 * One source format. Staging is a SQL statement in queries/import/stage_<id>.sql (or `stageQuery`) that
 * reads `$files` with DuckDB's own readers, or a temp table that `prestage` statements read them into,
 * and inserts into staged_usage or staged_invoice; the shared merge then dedupes against the ledger by
 * `merge`.
 */
export interface Importer {
  id: string; // also the `source` column
  title: string;
  provider: string;
  /**
   * requests: one row per request (agent logs, gateway logs); aggregate: usage buckets from the
   * provider (usage APIs and console exports); invoice: what was charged (goes to invoice_lines).
   * Two roles can describe the same traffic; summaries pick one per provider and day.
   */
  role: 'requests' | 'aggregate' | 'invoice';
  /**
   * keep-best: per-request records; a copy is a duplicate unless it is more complete (main chain
   *   over sidechain, then more tokens). replace: re-pulled aggregates; the latest pull of a bucket wins.
   */
  merge: 'keep-best' | 'replace';
  /** one-file: the stage SQL reads one file per run and numbers its lines with row_number() (CSV). */
  staging: 'one-file' | 'all-files';
  /** The reader takes whole plain-text files (read_text), so a .gz copy must be unpacked first. */
  plainFilesOnly?: boolean;
  /**
   * The stage statement takes its files as $files, a VARCHAR[][] of <n> batches of similar size
   * (readers such as read_text take their files on one thread and whole), so they are read in
   * parallel and in bounded memory. Each batch starts with the format's header template when it has
   * one (read_json needs a file even for an empty batch). With `recheck`, the statement also takes
   * $exact batches (empty on the first pass) and marks each file its fast reader could not read
   * exactly with a row_kind 'recheck' row (staging nothing else of them); those files are then staged
   * again as $exact batches.
   */
  fileBatches?: number;
  recheck?: boolean;
  /**
   * Its files' lines are counted when the run is planned (line-counts.ts) and given to its stage
   * statement in stage_files.lines, to check a reader that skips blank lines against.
   */
  countLines?: boolean;
  /**
   * DuckDB's memory limit while the stage statement runs, when RECOUNT_MEMORY_LIMIT does not set one
   * (it must be above the default): for a statement that holds every line it reads until it can pick
   * the rows to keep, which spills to disk below that.
   */
  stagingMemory?: string;
  /** SQL run before the stage statement with the same files (e.g. to split and parse lines once). */
  prestage?: string[];
  /**
   * Parameters bound to every prestage statement besides $files, from the run's files (without the
   * header template; e.g. a flag read from the file's head that picks one of two readers).
   */
  prestageParams?: (files: string[]) => Params | Promise<Params>; // async: a reader that loads a library first (sqlite-rows.ts)
  /**
   * The stage statement, queries/import/<stageQuery>.sql, when it is not stage_<id>.sql: variants of
   * one format read their files into a shared temp table (prestage) and share one mapping statement.
   */
  stageQuery?: string;
  /**
   * One-pass import (src/ledger/direct-import.ts) while the source has no rows in the ledger:
   * queries/import/<query>.sql reads $files (or, with `fileBatches`, $files and $exact batches) and
   * writes their rows straight into the ledger. It stops with 'recount:direct-fallback' on any row
   * the general path must handle, and may hand per-file counts over through recount_file_row.
   * `ruleInputs`: SQL for what the task-type rules read that the format never has (constants cost
   * nothing per row). `minFileBytes`: the smallest file it takes (DIRECT_MIN_BYTES unless given).
   */
  direct?: { query: string; ruleInputs?: RuleInputs; minFileBytes?: number };
  /** Raw model names sampled from a file, for a one-pass import's model map (names it misses are filled in afterwards). */
  sampleModelNames?: (filePath: string) => string[];
  /** Builds the stage statement instead of queries/import/stage_<id>.sql (mapping files do). */
  stage?: (files: string[], importId: string) => { sql: string; params: Params };
  sample: string; // example file under samples/
  detect(head: FileHead): boolean;
}
