import fs from 'node:fs';
import path from 'node:path';
import { LAKE_SCHEMA_VERSION } from '../db/spec.js';
import { RecountError } from '../errors.js';

/**
 * The partitioned tables: <table>/month=YYYY-MM/source=<source>/<machine>.parquet, one file per machine
 * and partition (a machine's history in that month and source), not one per import: every file costs a
 * reader its open (docs/lake.md, "Why per machine, not per import").
 */
export const PARTITIONED = ['usage', 'invoice_lines', 'agent_events'] as const;
/** One file per machine: <table>/<machine>.parquet. */
export const PER_MACHINE = ['import_files', 'file_state', 'rejects'] as const;

export interface MachineEntry {
  exported_at: string;
  ledger: string;
  imports: string[];
  usage_rows: number;
  invoice_lines: number;
  agent_events: number;
  price_catalog: string;
  price_fingerprint: string;
}

export interface Manifest {
  lake_schema_version: number;
  layout: string;
  machines: Record<string, MachineEntry>;
}

/**
 * Moves one export's staged files into the lake, then removes the machine's files the export did not
 * write again: partitions it no longer has (imports forgotten since) and files of the per-import layout
 * (<machine>-<import_id>.parquet) an older recount wrote. The lake holds each machine's ledger as last
 * exported. Each file lands by rename, so a reader sees a file whole or not at all.
 */
export function publishStaged(lake: string, staging: string, machine: string): number {
  const written = new Set<string>();
  for (const table of PARTITIONED) {
    for (const [partition, files] of stagedPartitions(path.join(staging, table))) {
      files.sort(byPartNumber).forEach((file, i) => {
        const target = path.join(lake, table, partition, partFileName(machine, i));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.renameSync(file, target);
        written.add(target);
      });
    }
  }
  for (const table of PER_MACHINE) {
    const target = path.join(lake, table, `${machine}.parquet`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(staging, `${table}.parquet`), target);
    written.add(target);
  }
  let removed = 0;
  for (const table of PARTITIONED) {
    for (const file of machineFiles(path.join(lake, table), machine)) {
      if (written.has(file)) continue;
      fs.rmSync(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * The name of a machine's i-th file in a partition: <machine>.parquet, then <machine>-<i>.parquet should
 * DuckDB split a partition (it does past partitioned_write_max_open_files). Machine names hold no '-',
 * so '<machine>-' and '<machine>.parquet' are this machine's and no other's.
 */
function partFileName(machine: string, i: number): string {
  return i ? `${machine}-${i}.parquet` : `${machine}.parquet`;
}

/** The staged COPY output: month=…/source=…/part_<i>.parquet, by partition. */
function stagedPartitions(root: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const month of subdirs(root)) {
    for (const source of subdirs(path.join(root, month))) {
      const dir = path.join(root, month, source);
      out.push([path.join(month, source), fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')).map((f) => path.join(dir, f))]);
    }
  }
  return out;
}

/**
 * This machine's files in a partitioned table: <machine>.parquet and <machine>-*.parquet (a split
 * partition, or the per-import files of the older layout).
 */
function machineFiles(root: string, machine: string): string[] {
  const out: string[] = [];
  const mine = (f: string) => f === `${machine}.parquet` || (f.startsWith(`${machine}-`) && f.endsWith('.parquet'));
  for (const month of subdirs(root)) {
    for (const source of subdirs(path.join(root, month))) {
      const dir = path.join(root, month, source);
      for (const f of fs.readdirSync(dir)) if (mine(f)) out.push(path.join(dir, f));
    }
  }
  return out;
}

function subdirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name.includes('=')).map((d) => d.name).sort();
}

function byPartNumber(a: string, b: string): number {
  const n = (f: string) => Number(/part_(\d+)\.parquet$/.exec(f)?.[1] ?? 0);
  return n(a) - n(b);
}

/** manifest.json as it is (a lake of another schema version is refused), or a new one. */
export function readManifest(lake: string): Manifest {
  const file = path.join(lake, 'manifest.json');
  if (!fs.existsSync(file)) return { lake_schema_version: LAKE_SCHEMA_VERSION, layout: LAYOUT, machines: {} };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new RecountError(`${file}: not a lake manifest (${(err as Error).message})`, 'point --lake at a folder recount export --lake wrote, or at a new one');
  }
  if (manifest.lake_schema_version !== LAKE_SCHEMA_VERSION) {
    throw new RecountError(
      `${file}: lake schema version ${manifest.lake_schema_version}, this recount reads and writes version ${LAKE_SCHEMA_VERSION}`,
      'use the recount version that wrote the lake, or export into a new folder',
    );
  }
  return { ...manifest, machines: manifest.machines ?? {} };
}

/** Writes manifest.json with this machine's entry (temp name, then rename). */
export function writeManifest(lake: string, machine: string, entry: MachineEntry): void {
  const manifest = readManifest(lake);
  manifest.machines[machine] = entry;
  const file = path.join(lake, 'manifest.json');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ ...manifest, layout: LAYOUT }, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

const LAYOUT = 'usage|invoice_lines|agent_events/month=YYYY-MM/source=<source>/<machine>.parquet; import_files|file_state|rejects/<machine>.parquet';
