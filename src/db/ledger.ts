import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBInstance, DuckDBTypeId } from './duckdb.js';
import { RecountError } from '../errors.js';
import { listMigrations, migrate } from './migrate.js';
import { releaseSpillDir, removeLegacySpillDir, spillDir } from './spill-dir.js';
import { sql } from './sql.js';
import { existingLakeOf, isLakeDir, lakeIsReadOnly } from './spec.js';

export type Params = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export const DEFAULT_DB = 'recount.duckdb';

/**
 * The storage format of new ledger files. DuckDB writes new files in its 1.0 format unless told
 * otherwise; its 1.4 (LTS) format writes columns with few distinct or no values far faster (a 1M-row
 * import commits about 0.25 s sooner) and reads back the same. DuckDB 1.4 and later open such files.
 * A file keeps the format it was created in, so older ledgers stay readable by older tools.
 */
export const LEDGER_STORAGE_VERSION = 'v1.4.0';

/** Ledger path: --db, else $RECOUNT_DB, else ./recount.duckdb (a lake:DIR gives the lake's folder). */
export function resolveDbPath(flag?: string): string {
  return existingLakeOf(flag) ?? path.resolve(flag ?? process.env.RECOUNT_DB ?? DEFAULT_DB);
}

/** An open ledger file: one DuckDB connection plus the helpers every module uses. */
export class Ledger {
  private inTransaction = false;
  private afterRollback: string[] = []; // settings to put back once a failed transaction is rolled back

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    private readonly spill: string,
    readonly oneThread: boolean, // opened on one DuckDB thread (open's `oneThread`)
  ) {}

  /**
   * Opens (creating if needed) and migrates the ledger at `dbPath`. `oneThread`: DuckDB starts with
   * one thread instead of one per core, for a session that expects little work (an incremental
   * import): setting it later, and back before the close, cost ~10 ms of CPU each way.
   */
  static async open(dbPath: string, opts: { readOnly?: boolean; oneThread?: boolean } = {}): Promise<Ledger> {
    if (opts.readOnly && dbPath !== ':memory:' && !fs.existsSync(dbPath)) {
      throw new RecountError(`no ledger at ${dbPath}`, 'import something first: recount import PATH (or pass --db)');
    }
    if (dbPath !== ':memory:' && fs.existsSync(dbPath) && fs.statSync(dbPath).isDirectory()) {
      if (isLakeDir(dbPath)) throw lakeIsReadOnly(dbPath);
      throw new RecountError(`${dbPath} is a folder, not a ledger file`, `name a file, e.g. --db ${path.join(dbPath, 'recount.duckdb')}`);
    }
    if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    tracePhase('ledger: opening');
    if (opts.readOnly) return Ledger.openReadOnly(dbPath);
    const ledger = await Ledger.connect(dbPath, false, opts.oneThread);
    try {
      const tracked = refuseForeign(dbPath, await ledger.all<{ table_name: string }>(sql('ledger/list_file_tables')));
      await migrate(ledger, tracked);
      tracePhase('ledger: migrated');
    } catch (err) {
      ledger.close(); // not left holding the file
      throw err;
    }
    return ledger;
  }

  /**
   * A read-only open. A file that predates the current schema is upgraded first (a read-only open
   * cannot): closed, migrated by a write open, and opened again. The check runs on the read-only
   * connection itself; a second DuckDB instance just for it cost ~50 ms of every read command.
   */
  private static async openReadOnly(dbPath: string): Promise<Ledger> {
    const ledger = await Ledger.connect(dbPath, true);
    let stale: boolean;
    try {
      stale = await needsMigration(ledger);
    } catch (err) {
      ledger.close();
      throw err;
    }
    if (!stale) return ledger;
    ledger.close();
    (await Ledger.open(dbPath)).close();
    return Ledger.connect(dbPath, true);
  }

  /** A DuckDB instance on the file and its connection, with the session settings every command needs. */
  private static async connect(dbPath: string, readOnly: boolean, oneThread = false): Promise<Ledger> {
    const spill = spillDir(dbPath);
    if (process.env.RECOUNT_TRACE_SQL) process.stderr.write(`[ledger] ${dbPath} spills to ${spill}\n`);
    let instance: DuckDBInstance;
    try {
      const mode: Record<string, string> = readOnly ? { access_mode: 'READ_ONLY' } : { storage_compatibility_version: LEDGER_STORAGE_VERSION };
      instance = await DuckDBInstance.create(dbPath, { ...mode, temp_directory: spill, ...(oneThread ? { threads: '1' } : {}) });
    } catch (err) {
      releaseSpillDir(spill);
      throw translateOpenError(dbPath, err);
    }
    // the write lock is ours alone: nobody else can be spilling into the old shared folder
    if (!readOnly && dbPath !== ':memory:') removeLegacySpillDir(dbPath);
    const conn = await instance.connect();
    tracePhase('ledger: DuckDB open');
    const ledger = new Ledger(dbPath, instance, conn, spill, oneThread);
    try {
      // bounded memory: DuckDB spills big sorts and joins to a temp folder instead of growing
      await conn.run(`SET memory_limit = '${memoryLimit()}'`);
      // a timestamp written without a zone means UTC, whatever the machine's zone
      await conn.run("SET TimeZone = 'UTC'");
    } catch (err) {
      ledger.close();
      throw err;
    }
    return ledger;
  }

  async run(sql: string, params?: Params, types?: Record<string, DuckDBType>): Promise<void> {
    const t = process.env.RECOUNT_TRACE_SQL ? Date.now() : 0;
    await this.conn.run(sql, params, types);
    if (t) traceSql(sql, t);
  }

  /** Runs a statement while `onTick` receives DuckDB's progress (percent done, or null) a few times a second. */
  async runWatched(sql: string, params: Params | undefined, onTick: (percent: number | null) => void, types?: Record<string, DuckDBType>): Promise<void> {
    await this.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0");
    const timer = setInterval(() => {
      const p = this.conn.progress.percentage;
      onTick(p >= 0 ? p : null);
    }, 200);
    try {
      await this.run(sql, params, types);
    } finally {
      clearInterval(timer);
      // off again: DuckDB works out the progress of every statement while it is on (~6% of a re-import's CPU)
      await this.restore('SET enable_progress_bar = false');
    }
  }

  /** Runs a query and returns plain JS rows: BIGINTs that fit become numbers, timestamps Dates. */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const t = process.env.RECOUNT_TRACE_SQL ? Date.now() : 0;
    const reader = await this.conn.runAndReadAll(sql, params);
    if (t) traceSql(sql, t);
    const dateColumns = reader.columnNames().filter((_, i) => reader.columnTypeId(i) === DuckDBTypeId.DATE);
    return reader.getRowObjectsJS().map((row) => plainRow(row, dateColumns) as T);
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /**
   * Runs `fn` with DuckDB's memory limit at `limit` instead of the default, unless RECOUNT_MEMORY_LIMIT
   * sets one: a statement that holds more than the default before it can drop anything spills to
   * disk, which costs more time than the memory it saves.
   */
  async withMemoryLimit<T>(limit: string, fn: () => Promise<T>): Promise<T> {
    if (process.env.RECOUNT_MEMORY_LIMIT) return fn();
    await this.run(`SET memory_limit = '${checkedSize(limit, 'memory limit')}'`);
    try {
      return await fn();
    } finally {
      await this.restore(`SET memory_limit = '${memoryLimit()}'`);
    }
  }

  /**
   * Runs `fn` with DuckDB settings changed (names and values from recount's code, never from input),
   * then puts them back to their defaults.
   */
  async withSettings<T>(settings: Record<string, number | boolean>, fn: () => Promise<T>): Promise<T> {
    const names = Object.keys(settings);
    const odd = names.find((name) => !/^[a-z_]+$/.test(name));
    if (odd) throw new Error(`not a DuckDB setting name: ${odd}`); // a bug in recount, not the user's
    for (const name of names) await this.run(`SET ${name} = ${settings[name]}`);
    try {
      return await fn();
    } finally {
      for (const name of names) await this.restore(`RESET ${name}`);
    }
  }

  /**
   * Runs a statement that puts a setting back. A statement that failed inside a transaction has
   * aborted it, and DuckDB takes nothing more until the rollback: then it runs after the rollback
   * (and the error that aborted it is the one reported).
   */
  async restore(statement: string): Promise<void> {
    try {
      await this.run(statement);
    } catch (err) {
      if (!this.inTransaction) throw err;
      this.afterRollback.push(statement);
    }
  }

  /** Runs `fn` in one transaction: all of it lands, or none of it. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (err) {
      await this.run('ROLLBACK').catch(() => undefined);
      // best effort: the error that aborted the transaction is the one to report
      for (const statement of this.afterRollback.splice(0)) await this.run(statement).catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
      this.afterRollback = [];
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
    releaseSpillDir(this.spill);
  }
}

/** RECOUNT_TRACE_SQL: a statement's time and first line on stderr. */
function traceSql(sql: string, started: number): void {
  process.stderr.write(`[at ${Math.round(performance.now())} sql ${Date.now() - started} ms] ${sql.split('\n').find((l) => !l.startsWith('--'))?.slice(0, 80)}\n`);
}

/** RECOUNT_TRACE_SQL: a point in a command's run (a phase begun or done), in ms since the process started, between the statements. */
export function tracePhase(label: string): void {
  if (process.env.RECOUNT_TRACE_SQL) process.stderr.write(`[at ${Math.round(performance.now())} phase] ${label}\n`);
}

/** RECOUNT_MEMORY_LIMIT (default 384MB), checked before it reaches SQL (SET takes no parameters). */
function memoryLimit(): string {
  return checkedSize(process.env.RECOUNT_MEMORY_LIMIT ?? '384MB', 'RECOUNT_MEMORY_LIMIT');
}

function checkedSize(value: string, name: string): string {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) {
    throw new RecountError(`${name} '${value}' is not a size`, 'write it like 512MB or 2GB');
  }
  return value;
}

/** True when the file predates the current schema (a read-only open must upgrade it first). */
async function needsMigration(ledger: Ledger): Promise<boolean> {
  if (!refuseForeign(ledger.path, await ledger.all<{ table_name: string }>(sql('ledger/list_file_tables')))) return true;
  const applied = await ledger.one<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const latest = Math.max(...listMigrations().map((m) => m.version));
  return Number(applied.version ?? 0) < latest;
}

/**
 * A DuckDB file recount did not make is refused, unless it is empty: recount would add its tables
 * to another tool's database. True when the file is a recount ledger (false: empty, to be set up).
 */
function refuseForeign(dbPath: string, tables: { table_name: string }[]): boolean {
  const names = tables.map((t) => t.table_name);
  if (names.includes('schema_migrations')) return true;
  if (!names.length) return false;
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} in all)` : '');
  throw new RecountError(
    `${dbPath} is a DuckDB database but not a recount ledger (it holds ${shown})`,
    'pass --db with a recount ledger or a new file name; recount does not add its tables to another database',
  );
}

function plainRow(row: Record<string, unknown>, dateColumns: string[]): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  // a DATE is a calendar day, not an instant: keep it as YYYY-MM-DD
  for (const key of dateColumns) if (out[key] instanceof Date) out[key] = (out[key] as Date).toISOString().slice(0, 10);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

function translateOpenError(dbPath: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const lock = /Conflicting lock is held in (.*?)(?: \(PID (\d+)\))?(?:\.|$)/m.exec(message);
  if (/Could not set lock|Conflicting lock/.test(message)) {
    const who = lock?.[2] ? `process ${lock[2]} (${lock[1]})` : 'another process';
    return new RecountError(
      `ledger ${dbPath} is locked by ${who}`,
      'wait for that recount command to finish, or point this one at another ledger with --db PATH',
    );
  }
  const denied = /Cannot open (?:database|file) "([^"]+)".*(Permission denied|Read-only file system)/i.exec(message);
  if (denied) {
    return new RecountError(`${denied[1]}: cannot be opened (${denied[2].toLowerCase()})`, "check the ledger's permissions (reading needs read access; importing, write access to it and its folder), or pass --db");
  }
  if (/not a valid DuckDB database|file is not a/i.test(message)) {
    return new RecountError(`${dbPath} is not a recount ledger (not a DuckDB file)`, 'pass --db with a ledger path, or remove the file');
  }
  return err instanceof Error ? err : new Error(message);
}
