import fs from 'node:fs';
import path from 'node:path';
import { RecountError } from '../errors.js';
import { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { installPricing, type PriceBook } from '../pricing/install.js';
import { machineId } from './machine.js';
import { publishStaged, readManifest, writeManifest, PER_MACHINE } from './publish.js';
import { fillMarkers, isLakeDir } from '../db/spec.js';

export interface LakeExport {
  machine: string;
  usageRows: number;
  invoiceLines: number;
  agentEvents: number;
  imports: number;
  removedFiles: number;
}

/**
 * Writes one ledger into the lake at `lake` as this machine's files (docs/lake.md): one per table,
 * month and source, each the machine's whole history there. DuckDB writes the Parquet into a staging
 * folder inside the lake (same disk: the moves are renames); then every file lands under its final
 * name, replacing the one the machine's previous export wrote.
 */
export async function exportLake(dbPath: string, lake: string, prices: PriceBook): Promise<LakeExport> {
  if (!fs.existsSync(dbPath)) throw new RecountError(`no ledger at ${dbPath}`, 'import something first: recount import PATH (or pass --db)');
  checkLakeTarget(lake);
  readManifest(lake); // refuses a lake of another schema version before anything is written
  const ledger = await Ledger.open(dbPath); // writable: the machine id is stored on first use
  const staging = path.join(lake, `.staging-${process.pid}`);
  try {
    const machine = await machineId(ledger);
    await installPricing(ledger, prices);
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const params = { machine };
    const usageRows = await copy(ledger, fillMarkers(sql('lake/copy_usage'), { columns: await usageColumns(ledger) }), path.join(staging, 'usage'), params);
    const invoiceLines = await copy(ledger, sql('lake/copy_invoice_lines'), path.join(staging, 'invoice_lines'), params);
    const agentEvents = await copy(ledger, sql('lake/copy_agent_events'), path.join(staging, 'agent_events'), params);
    for (const table of PER_MACHINE) await copy(ledger, sql(`lake/copy_${table}`), path.join(staging, `${table}.parquet`), params);
    const imports = await ledger.all<{ import_id: string }>(sql('lake/ledger_imports'));
    const removedFiles = publishStaged(lake, staging, machine);
    writeManifest(lake, machine, {
      exported_at: new Date().toISOString(),
      ledger: dbPath,
      imports: imports.map((i) => i.import_id),
      usage_rows: usageRows,
      invoice_lines: invoiceLines,
      agent_events: agentEvents,
      price_catalog: prices.label,
      price_fingerprint: prices.fingerprint,
    });
    return { machine, usageRows, invoiceLines, agentEvents, imports: imports.length, removedFiles };
  } finally {
    ledger.close();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The lake folder must be new, empty, or a lake: exporting into any other folder would litter it. */
function checkLakeTarget(lake: string): void {
  if (!fs.existsSync(lake)) {
    fs.mkdirSync(lake, { recursive: true });
    return;
  }
  if (!fs.statSync(lake).isDirectory()) throw new RecountError(`--lake ${lake} is a file, not a folder`, 'name a folder (new, or one recount export --lake wrote)');
  if (isLakeDir(lake) || fs.readdirSync(lake).length === 0) return;
  throw new RecountError(`--lake ${lake} is a folder with other files in it, not a lake`, 'name a new or empty folder, or one recount export --lake wrote (it holds manifest.json)');
}

/** Runs one COPY … TO: the target is a literal (COPY binds no target), ours and quoted. */
async function copy(ledger: Ledger, statement: string, out: string, params: { machine: string }): Promise<number> {
  const text = fillMarkers(statement, { out: quoteLiteral(out) });
  return Number((await ledger.conn.run(text, params)).rowsChanged);
}

/**
 * The ledger's usage columns as the lake stores them, in the ledger's order: all but prompt_text and
 * prompt_hash (local only) and source (a partition); JSON as plain text, which every engine reads.
 */
async function usageColumns(ledger: Ledger): Promise<string> {
  const cols = await ledger.all<{ column_name: string; column_type: string }>(sql('lake/usage_columns'));
  return cols
    .filter((c) => !['prompt_text', 'prompt_hash', 'source'].includes(c.column_name))
    .map((c) => (c.column_type === 'JSON' ? `CAST(p.${c.column_name} AS VARCHAR) AS ${c.column_name}` : `p.${c.column_name}`))
    .join(',\n         ');
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
