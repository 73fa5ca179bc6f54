// Baseline child process: `node duckdb-copy.js DB.duckdb parquet|csv OUT` has DuckDB copy the ledger's
// usage rows (the columns an export carries from the table, in the export's order) to a file with
// its own COPY … TO, at DuckDB's default settings, and prints {"rows": N}. The floor an export is
// measured against: recount adds prices, the counted flag and its memory limit.
import { DuckDBInstance } from '../src/db/duckdb.js';

const [dbFile, format, out] = process.argv.slice(2);
if (!dbFile || !['parquet', 'csv'].includes(format) || !out) throw new Error('usage: duckdb-copy.js DB.duckdb parquet|csv OUT');

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
const options = format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true';
const rows = `SELECT * EXCLUDE (prompt_text, prompt_hash) FROM usage ORDER BY started_at, source, record_key`;
const result = await conn.runAndReadAll(`COPY (${rows}) TO ${quote(out)} (${options})`);
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({ rows: Number(result.rowsChanged) }) + '\n');
