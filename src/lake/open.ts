import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { PARTITIONED, PER_MACHINE, readManifest } from './publish.js';
import { fillMarkers, isLakeDir, noLake } from '../db/spec.js';

type Column = { column_name: string; column_type: string };

/**
 * A read-only session over a lake: a DuckDB file of its own (in the temp folder, removed on close)
 * whose usage, invoice_lines, agent_events, import_files, file_state and rejects hold the lake's rows,
 * read from the Parquet files once, with the ledger's columns and types, so every query, forensics,
 * what-if and report runs on it unchanged. Rejects come without the rejected lines (raw is NULL), agent
 * events without their text; settings and prompts stay empty: they are local to each ledger. Read
 * once, not through views over read_parquet: a lake holds a file per machine, month and source, every
 * scan opens each one, and a report scans usage dozens of times (docs/benchmarks.md: 34× the ledger's
 * time at 200k rows over views).
 */
export async function openLake(dir: string): Promise<Ledger> {
  if (!isLakeDir(dir)) throw noLake(dir);
  readManifest(dir);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recount-lake-'));
  const removeScratch = () => fs.rmSync(scratch, { recursive: true, force: true });
  let ledger: Ledger;
  try {
    ledger = await Ledger.open(path.join(scratch, 'lake.duckdb'));
  } catch (err) {
    removeScratch();
    throw err;
  }
  const close = ledger.close.bind(ledger);
  // the report and error messages name the lake, not the session's file, which goes with the session
  Object.defineProperty(ledger, 'path', { value: `lake:${dir}` });
  Object.defineProperty(ledger, 'close', {
    value: () => {
      try {
        close();
      } finally {
        removeScratch();
      }
    },
  });
  try {
    await ledger.run(sql('lake/prepare_templates'));
    await ledger.run(sql('lake/set_asof_loop_join'));
    await ledger.run(sql('lake/set_insertion_order_off'));
    for (const table of [...PARTITIONED, ...PER_MACHINE]) await readTable(ledger, dir, table);
    await ledger.run(sql('lake/reset_insertion_order'));
    await ledger.run(sql('lake/create_usage_with_prompts'));
    return ledger;
  } catch (err) {
    ledger.close();
    throw err;
  }
}

async function readTable(ledger: Ledger, dir: string, table: string): Promise<void> {
  const partitioned = (PARTITIONED as readonly string[]).includes(table);
  const pattern = partitioned ? path.join(dir, table, '*', '*', '*.parquet') : path.join(dir, table, '*.parquet');
  const [{ files }] = await ledger.all<{ files: number }>(sql('lake/lake_files'), { pattern });
  if (!files) {
    await ledger.run(fillMarkers(sql('lake/create_empty_view'), { table }));
    return;
  }
  const read = readParquet(pattern, partitioned);
  const have = new Set((await ledger.all<Column>(`DESCRIBE SELECT * FROM ${read}`)).map((c) => c.column_name));
  const template = await ledger.all<Column>(sql('lake/table_columns'), { table: `lake_empty_${table}` });
  const columns = template.map((c) => columnExpr(table, c, have)).join(',\n       ');
  const fill = (text: string) => fillMarkers(text, { columns, files: read, table });
  if (table === 'usage') {
    await ledger.withMemoryLimit('1GB', async () => {
      await ledger.run(fill(sql('lake/create_usage_rows')));
      await ledger.run(sql('lake/create_usage_dropped'));
      await ledger.run(sql('lake/delete_usage_dropped'));
    });
    await ledger.run(sql('lake/create_usage_view'));
  } else if (table === 'invoice_lines') {
    await ledger.run(fill(sql('lake/create_invoice_lines_rows')));
  } else if (table === 'agent_events') {
    await ledger.withMemoryLimit('1GB', () => ledger.run(fill(sql('lake/create_agent_events_rows'))));
  } else {
    await ledger.run(fill(sql('lake/create_table_rows')));
  }
}

/**
 * One ledger column from the files: cast to the ledger's type; NULL when no file has it (an older lake,
 * or text that stays local). A prompt's md5 never leaves its ledger: usage's prompt_hash is the prompt's
 * number in its session, agent_events' the ask_key that says which prompts re-ask the one before.
 */
function columnExpr(table: string, c: Column, have: Set<string>): string {
  const name = c.column_name;
  if (name === 'prompt_text') return `NULL::VARCHAR AS prompt_text`;
  const standIn = table === 'agent_events' ? 'ask_key' : 'prompt_seq';
  if (name === 'prompt_hash') return have.has(standIn) ? `CAST(f.${standIn} AS VARCHAR) AS prompt_hash` : `NULL::VARCHAR AS prompt_hash`;
  return have.has(name) ? `CAST(f.${name} AS ${c.column_type}) AS ${name}` : `CAST(NULL AS ${c.column_type}) AS ${name}`;
}

/** read_parquet over a table's files: month and source from the folder names, always as text. */
function readParquet(pattern: string, partitioned: boolean): string {
  const glob = `'${pattern.replace(/'/g, "''")}'`;
  const hive = partitioned ? `, hive_partitioning = true, hive_types = {'month': VARCHAR, 'source': VARCHAR}` : '';
  return `read_parquet(${glob}${hive}, union_by_name = true)`;
}
