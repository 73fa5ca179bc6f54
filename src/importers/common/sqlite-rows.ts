import fs from 'node:fs';
import { createRequire } from 'node:module';
import { RecountError, unreadableFile } from '../../errors.js';

/**
 * Reads rows out of an agent's SQLite database (OpenCode's opencode.db, Copilot CLI's
 * session-store.db) with sql.js, SQLite compiled to WebAssembly: it installs from the registry with
 * nothing to download or build, where DuckDB's sqlite extension is fetched at run time. The file is
 * read into memory and never written; a write-ahead log beside it (<file>-wal, where these agents
 * keep their newest rows until a checkpoint) is applied to that copy up to its last commit.
 */

interface SqlJsDatabase {
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  close(): void;
}
interface SqlJsStatic {
  Database: new (data: Uint8Array) => SqlJsDatabase;
}

const require = createRequire(import.meta.url);
let sqlJs: Promise<SqlJsStatic> | undefined;

/** sql.js, loaded once per process, its WebAssembly read from its own package (never fetched). */
function loadSqlJs(): Promise<SqlJsStatic> {
  const init = require('sql.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJsStatic>;
  sqlJs ??= init({ wasmBinary: fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')) });
  return sqlJs;
}

export type SqliteRow = Record<string, unknown>;

/**
 * The rows of each query, run on one snapshot of `file` (its committed WAL frames applied). A query
 * that fails (an older schema without a table or column) gives null, so a caller can fall back.
 */
export async function readSqliteRows(file: string, queries: string[]): Promise<(SqliteRow[] | null)[]> {
  const SQL = await loadSqlJs();
  let db: SqlJsDatabase;
  try {
    db = new SQL.Database(snapshot(file));
  } catch (err) {
    if (err instanceof RecountError) throw err;
    throw new RecountError(`${file}: not a readable SQLite database (${(err as Error).message})`, 'check that the file is the agent’s database and not cut off; copy it while the agent is closed');
  }
  try {
    return queries.map((q) => {
      try {
        return db.exec(q).flatMap(({ columns, values }) => values.map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]]))));
      } catch {
        return null;
      }
    });
  } finally {
    db.close();
  }
}

/** The database's bytes with its WAL's committed frames applied, marked as a rollback-journal file (no WAL to look for). */
function snapshot(file: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw unreadableFile(file, err);
  }
  if (bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new RecountError(`${file}: not a SQLite database`, 'pass the agent’s database file itself');
  }
  let wal: Buffer | undefined;
  try {
    wal = fs.readFileSync(`${file}-wal`);
  } catch {
    wal = undefined; // no log: the file holds every committed row
  }
  const db = wal && wal.length > 32 ? applyWal(bytes, wal) : Uint8Array.from(bytes);
  if (db.length > 19) db[18] = db[19] = 1; // legacy journal mode: sql.js has no WAL of its own to read
  return db;
}

/**
 * Applies a WAL's frames to a copy of the database, up to the last commit frame whose salts and
 * running checksum hold (sqlite.org/walformat.html); a torn or stale tail is left out as SQLite would.
 */
export function applyWal(db: Buffer, wal: Buffer): Uint8Array {
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return Uint8Array.from(db);
  const bigEndian = magic === 0x377f0683;
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let sum = checksum(wal, 0, 24, [0, 0], bigEndian);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return Uint8Array.from(db);
  const pages = new Map<number, Buffer>();
  let committed = new Map<number, Buffer>();
  let size = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    sum = checksum(wal, at, 8, sum, bigEndian);
    sum = checksum(wal, at + 24, pageSize, sum, bigEndian);
    if (sum[0] !== wal.readUInt32BE(at + 16) || sum[1] !== wal.readUInt32BE(at + 20)) break;
    pages.set(wal.readUInt32BE(at), wal.subarray(at + 24, at + 24 + pageSize));
    const commitSize = wal.readUInt32BE(at + 4);
    if (commitSize > 0) {
      committed = new Map(pages);
      size = commitSize;
    }
  }
  if (!size) return Uint8Array.from(db);
  const out = new Uint8Array(size * pageSize);
  out.set(db.subarray(0, Math.min(db.length, out.length)));
  for (const [page, data] of committed) if (page <= size) out.set(data, (page - 1) * pageSize);
  return out;
}

/** SQLite's WAL checksum over `n` bytes (a multiple of 8) from `at`, continuing from `seed`. */
function checksum(buf: Buffer, at: number, n: number, seed: [number, number], bigEndian: boolean): [number, number] {
  let [s0, s1] = seed;
  for (let i = at; i < at + n; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** Whether a file's head is a SQLite database whose schema (in its first pages, or its WAL's) names every table given. */
export function sqliteHasTables(head: { path: string; text: string }, tables: string[]): boolean {
  if (!head.text.startsWith('SQLite format 3\0')) return false;
  const names = (text: string) => tables.every((t) => new RegExp(`CREATE TABLE (IF NOT EXISTS )?[\`"\\[]?${t}[\`"\\]]?\\s*\\(`, 'i').test(text));
  if (names(head.text)) return true;
  try {
    const fd = fs.openSync(`${head.path}-wal`, 'r');
    try {
      const buf = Buffer.alloc(256 * 1024);
      return names(buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('latin1'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
