// What a ledger holds after one import, read in-process (read-only) instead of by more CLI processes:
// import_files, rows per table, totals to compare with the clean sample's, planted secrets' tails.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export interface ImportFileRow {
  import_id: string;
  path: string;
  format: string;
  rows_read: number;
  imported: number;
  duplicates: number;
  rejected: number;
}

export interface Totals {
  usage_rows: number;
  tokens: number; // every token bucket of every usage row
  billed_cost_usd: number;
  invoice_rows: number;
  amount_usd: number;
}

export interface LedgerScan {
  exists: boolean;
  rows: Record<string, number>; // per table
  importFiles: ImportFileRow[];
  written: { usage: number; invoice_lines: number; rejects: number }; // rows per table the import wrote
  totals: Totals;
  leaks: string[]; // table.column: tail
}

const EMPTY_TOTALS: Totals = { usage_rows: 0, tokens: 0, billed_cost_usd: 0, invoice_rows: 0, amount_usd: 0 };

/** One value per column as plain JS numbers and strings (DuckDB gives BIGINT as bigint). */
async function rows(conn: Awaited<ReturnType<DuckDBInstance['connect']>>, sql: string, params?: Record<string, string>): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

const TOTALS_SQL = `
SELECT (SELECT count(*) FROM usage) AS usage_rows,
       (SELECT coalesce(sum(CAST(coalesce(input_tokens, 0) AS DOUBLE) + coalesce(cache_read_tokens, 0) + coalesce(cache_write_5m_tokens, 0)
              + coalesce(cache_write_1h_tokens, 0) + coalesce(output_tokens, 0)), 0) FROM usage) AS tokens,
       (SELECT coalesce(sum(billed_cost_usd), 0) FROM usage) AS billed_cost_usd,
       (SELECT count(*) FROM invoice_lines) AS invoice_rows,
       (SELECT coalesce(sum(amount_usd), 0) FROM invoice_lines) AS amount_usd`;

const WRITTEN_SQL = `
SELECT (SELECT count(*) FROM usage WHERE import_id = $id) AS usage,
       (SELECT count(*) FROM invoice_lines WHERE import_id = $id) AS invoice_lines,
       (SELECT count(*) FROM rejects WHERE import_id = $id) AS rejects`;

/** Reads the ledger at `dbPath`; `importId` is the run whose rows are counted; `tails` are searched in every text column. */
export async function scanLedger(dbPath: string, importId: string | undefined, tails: string[]): Promise<LedgerScan> {
  if (!fs.existsSync(dbPath)) {
    return { exists: false, rows: {}, importFiles: [], written: { usage: 0, invoice_lines: 0, rejects: 0 }, totals: EMPTY_TOTALS, leaks: [] };
  }
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const tables = (await rows(conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'")).map((r) => String(r.table_name));
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t] = Number((await rows(conn, `SELECT count(*) AS n FROM "${t}"`))[0].n);
    const has = (t: string) => tables.includes(t);
    const importFiles = has('import_files') ? ((await rows(conn, 'SELECT import_id, path, format, rows_read, imported, duplicates, rejected FROM import_files ORDER BY path')) as unknown as ImportFileRow[]) : [];
    const ready = has('usage') && has('invoice_lines') && has('rejects');
    const totals = ready ? ((await rows(conn, TOTALS_SQL))[0] as unknown as Totals) : EMPTY_TOTALS;
    const written = ready && importId ? ((await rows(conn, WRITTEN_SQL, { id: importId }))[0] as unknown as LedgerScan['written']) : { usage: 0, invoice_lines: 0, rejects: 0 };
    return { exists: true, rows: counts, importFiles, written, totals, leaks: await findTails(conn, tails) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Every text column of every table (JSON, lists and maps as their text) searched for each tail. */
async function findTails(conn: Awaited<ReturnType<DuckDBInstance['connect']>>, tails: string[]): Promise<string[]> {
  if (!tails.length) return [];
  const columns = await rows(
    conn,
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND (data_type LIKE '%VARCHAR%' OR data_type IN ('JSON') OR data_type LIKE 'MAP%' OR data_type LIKE 'STRUCT%')",
  );
  const leaks: string[] = [];
  for (const { table_name, column_name } of columns) {
    for (const tail of tails) {
      const [{ n }] = await rows(conn, `SELECT count(*) AS n FROM "${String(table_name)}" WHERE contains(CAST("${String(column_name)}" AS VARCHAR), $tail)`, { tail });
      if (Number(n) > 0) leaks.push(`${String(table_name)}.${String(column_name)}: …${tail}`);
    }
  }
  return leaks;
}
