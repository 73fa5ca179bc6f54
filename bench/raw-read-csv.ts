// Baseline child process: `node raw-read-csv.js FILE.csv DB.duckdb [STORAGE_VERSION]` loads the CSV
// with DuckDB's own reader into a fresh database file (CREATE TABLE … AS SELECT * FROM read_csv(…)),
// then closes it. The file is in DuckDB's default storage format unless a version is named (the
// bench names the ledger's too, for a like-for-like figure). It prints {"rows": N}. Run as a child
// like recount so both pay Node and DuckDB start-up.
import { DuckDBInstance } from '../src/db/duckdb.js';

const [csvFile, dbFile, storageVersion] = process.argv.slice(2);
if (!csvFile || !dbFile) throw new Error('usage: raw-read-csv.js FILE.csv DB.duckdb [STORAGE_VERSION]');

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(dbFile, storageVersion ? { storage_compatibility_version: storageVersion } : {});
const conn = await instance.connect();
await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv(${quote(csvFile)})`);
const count = await conn.runAndReadAll('SELECT count(*) FROM t');
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({ rows: Number(count.getRows()[0][0]) }) + '\n');
