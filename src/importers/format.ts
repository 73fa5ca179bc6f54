import path from 'node:path';
import type { RuleInputs } from '../classify/compile.js';
import type { Params } from '../db/ledger.js';
import { sqlFile } from '../db/sql.js';
import { importersDir } from '../paths.js';

/** What detection sees of a file: its first bytes, decoded, and what could be parsed from them. */
export interface FileHead {
  path: string;
  text: string; // the file's first bytes (see common/file-head.ts), BOM removed
  lines: string[]; // complete lines within `text`
  csvHeader: string[] | null; // lower-cased header cells when the first line parses as CSV
}

/**
 * One source format, defined in its own folder src/importers/<dir>/: this object (index.ts) and the
 * SQL its `read` names. The shared pipeline (src/import/) reads the files with the format's SQL into
 * staged_usage or staged_invoice, then dedupes against the ledger by `merge`.
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
  /** Its folder under src/importers/, where the SQL its `read` names lives. */
  dir: string;
  read: Read;
  /** Table macros its SQL uses, <dir>/macros/<name>.sql, in dependency order (created with the shared ones). */
  macros?: string[];
  /** One-pass import of a first import (src/import/direct-import.ts); see Direct. */
  direct?: Direct;
  /** A coding agent's own log folders, for `recount import --agents` and `recount sources`. */
  local?: LocalLogs;
  sample: string; // example file or folder under samples/
  detect(head: FileHead): boolean;
}

/**
 * How a format is read. SQL is named by file: 'stage' is <dir>/stage.sql, 'common/otlp-stage' is
 * src/importers/common/otlp-stage.sql (a statement several formats share).
 */
export type Read = CsvRead | JsonLinesRead | JsonDocumentRead | SqliteRead | MappingRead;

interface Statements {
  /** The mapping statement into staged_usage or staged_invoice; it reads $files or what `reader` left. */
  stage: string;
  /** Run first with the same $files: reads them into a temp table the stage statement maps (variants of one format share a stage). */
  reader?: string;
  /** Values bound to the reader besides $files, from the run's files (e.g. a flag read from the head). */
  params?: (files: string[]) => Params | Promise<Params>;
  /** An empty file of the format in its folder, read first: with union_by_name every column the SQL names exists. */
  header?: string;
}

/** A CSV export, read one file per run (row_number() over one file is its line number). */
export interface CsvRead extends Statements {
  kind: 'csv';
}

/** JSON lines: one record per line (an agent transcript, a gateway log). */
export interface JsonLinesRead extends Statements {
  kind: 'json-lines';
  /** file: one file per run (a gateway log can be one big file, streamed); all: every file in one statement. */
  each: 'file' | 'all';
  /** Read whole with read_text, which takes no .gz: a gzipped copy is refused with a hint to unpack it. */
  wholeText?: boolean;
  /** Where the read of a grown file may start (resume.ts); without it a changed file is read in full. */
  resume?: ResumeRule;
  /**
   * Read in this many batches of similar size, in parallel and in bounded memory ($files is then a
   * VARCHAR[][], each batch led by the header). Each file's rows are checked against its lines, counted
   * when the run is planned; a file the fast reader cannot number line for line (a blank line, a line
   * that is not a JSON object) is marked 'recheck' and read again line by line as $exact batches.
   */
  batches?: number;
}

/** A JSON document (an API page, a task file, a thread). */
export interface JsonDocumentRead extends Statements {
  kind: 'json-document';
  each: 'file' | 'all';
  wholeText?: boolean;
}

/** A SQLite database, one per run: `params` reads its rows (common/sqlite-rows.ts) for the reader statement. */
export interface SqliteRead extends Statements {
  kind: 'sqlite';
  params: (files: string[]) => Promise<Params>;
}

/** A user's mapping file (src/importers/mapping/): the stage statement is built from it. */
export interface MappingRead {
  kind: 'mapping';
  /** The mapped file's format: one record per line either way (a damaged line can be left out). */
  format: 'csv' | 'jsonl';
  build: (files: string[], importId: string) => { sql: string; params: Params };
}

/**
 * Where a read of a grown file may start: a line boundary at or before `consumed` (the end of the
 * last line the ledger holds) from which the reader sees all the context its rows need; 0 reads it in full.
 */
export type ResumeRule = (fd: number, consumed: number) => number;

/**
 * A one-pass import while the source has no rows in the ledger: <dir>/<query>.sql reads $files (or
 * batches) and writes their rows straight into the ledger. It stops with 'recount:direct-fallback' on
 * any row the general path must handle, and may hand per-file counts over through recount_file_row.
 * `staged`: a statement that first reads the lines into direct_staged (one statement writes one
 * table: the agent events are written from there too). `ruleInputs`: SQL for what the task-type
 * rules read that the format never has. `minFileBytes`: the smallest file it takes.
 * `sampleModelNames`: raw model names sampled from a file, for the model map.
 */
export interface Direct {
  query: string;
  staged?: string;
  ruleInputs?: RuleInputs;
  minFileBytes?: number;
  sampleModelNames?: (filePath: string) => string[];
}

/** A coding agent's default log folders: `where` for people, `find` honours the agent's env override. */
export interface LocalLogs {
  where: string;
  find: (env: NodeJS.ProcessEnv) => string[];
}

/** Read one file per run: CSV, SQLite and mapped files, and JSON read `each: 'file'`. */
export function readsOneFile(importer: Importer): boolean {
  const { read } = importer;
  return read.kind === 'csv' || read.kind === 'sqlite' || read.kind === 'mapping' || read.each === 'file';
}

/** The path of a file the format names: in its folder, or under src/importers/ for 'common/…'. */
export function formatFile(importer: Importer, name: string): string {
  return path.join(importersDir, name.startsWith('common/') ? '' : importer.dir, name);
}

/** The text of a statement the format names ('stage', 'read-csv', 'common/otlp-stage'). */
export function formatSql(importer: Importer, name: string): string {
  return sqlFile(formatFile(importer, `${name}.sql`));
}

/** The batches a JSON-lines format is read in (JsonLinesRead.batches), or undefined. */
export function batchesOf(importer: Importer): number | undefined {
  return importer.read.kind === 'json-lines' ? importer.read.batches : undefined;
}

/** Read whole with read_text (JsonLinesRead.wholeText). */
export function readsWholeText(importer: Importer): boolean {
  const { read } = importer;
  return (read.kind === 'json-lines' || read.kind === 'json-document') && read.wholeText === true;
}

/** Each record is its own text line (CSV, mapped files, JSON lines): line-repair.ts may drop a damaged one. */
export function hasOwnLines(importer: Importer): boolean {
  const { kind } = importer.read;
  return kind === 'csv' || kind === 'mapping' || kind === 'json-lines';
}

/** Its files are CSV: a built-in CSV format or a mapped CSV. */
export function readsCsv(importer: Importer): boolean {
  const { read } = importer;
  return read.kind === 'csv' || (read.kind === 'mapping' && read.format === 'csv');
}
