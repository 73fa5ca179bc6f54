import fs from 'node:fs';
import path from 'node:path';
import { Ledger } from '../src/ledger/ledger.js';
import { compact, int, log, mib, renderTable, secs } from './format.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { recountBin } from './paths.js';
import { freshDb } from './recount-cli.js';
import { generateScaleLedger } from './scale-ledger.js';
import { exportLake } from '../src/lake/export.js';
import { loadPriceBook } from '../src/pricing/install.js';

const machineName = (i: number) => `machine_${String(i).padStart(3, '0')}`;

export interface LakeBenchResult {
  rows: number;
  machines: number;
  ledgerBytes: number;
  lakeBytes: number;
  lakeFiles: number;
  exportSeconds: number;
  exportMaxRssKiB: number | null;
  runs: { label: string; ledger: Measured; lake: Measured }[];
}

/**
 * `npm run bench -- lake`: a team's lake. One RECOUNT_BENCH_LAKE_ROWS-row ledger (default 10M, shaped
 * like a mixed real one: scale-ledger.ts) is dealt out, row by row, into RECOUNT_BENCH_LAKE_MACHINES
 * (default 100) machine ledgers; each is exported into one lake under its own machine name (the first
 * with `recount export --lake`, the rest by the same function in this process). Then summary, forensics and report run over the lake and over the one ledger file holding the
 * same rows, each once as a child process at the default memory limit.
 */
export async function benchLake(dir: string, rows: number, machines: number): Promise<LakeBenchResult> {
  log(`[lake] ${int(rows)} rows across ${machines} machines`);
  const single = freshDb(dir, 'lake-single');
  await generateScaleLedger(single, rows);
  const ledgerBytes = fs.statSync(single).size;
  const parts = await dealOut(single, dir, machines);
  log(`  generated the ledger (${int(ledgerBytes / 2 ** 20)} MiB) and ${machines} machine ledgers`);
  const lake = path.join(dir, 'lake');
  const opts: RunOptions = { scratchDir: dir };
  // the first export as the command (Node start-up included), the rest in this process: at 100
  // machines, 100 start-ups would be most of what is measured
  const first = await runNode(recountBin, ['export', '--db', parts[0], '--lake', lake], { ...opts, env: { ...process.env, RECOUNT_MACHINE: machineName(0) } });
  if (first.exitCode !== 0) throw new Error(`export of ${machineName(0)} failed: ${first.stderr.trim()}`);
  const book = loadPriceBook();
  const started = performance.now();
  for (const [i, db] of parts.entries()) {
    if (i === 0) continue;
    process.env.RECOUNT_MACHINE = machineName(i);
    await exportLake(db, lake, book);
  }
  delete process.env.RECOUNT_MACHINE;
  const exportSeconds = first.seconds + (performance.now() - started) / 1000;
  const exportMaxRssKiB = first.maxRssKiB;
  const { bytes: lakeBytes, files: lakeFiles } = folderSize(lake);
  log(`  exported ${machines} ledgers in ${secs(exportSeconds)} (first as a command: ${secs(first.seconds)}; ${int(lakeBytes / 2 ** 20)} MiB in ${int(lakeFiles)} files)`);
  const runs: LakeBenchResult['runs'] = [];
  const commands: [string, string[]][] = [
    ['query spend_by_model', ['query', 'spend_by_model', '--json']],
    ['summary', ['summary', '--json']],
    ['forensics', ['forensics', '--json']],
    ['report', ['report', '--json', '--out', path.join(dir, 'lake-out.html')]],
  ];
  for (const [label, args] of commands) {
    const overLedger = await runNode(recountBin, [...args, '--db', single], opts);
    fs.rmSync(path.join(dir, 'lake-out.html'), { force: true });
    const overLake = await runNode(recountBin, [...args, '--db', `lake:${lake}`], opts);
    fs.rmSync(path.join(dir, 'lake-out.html'), { force: true });
    for (const [where, m] of [['ledger', overLedger], ['lake', overLake]] as const) {
      if (m.exitCode !== 0) {
        log(`  ${label} over the ${where} FAILED (exit ${m.exitCode}): ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        process.exitCode = 1;
      }
    }
    log(`  ${label.padEnd(22)} ledger ${secs(overLedger.seconds).padStart(8)}   lake ${secs(overLake.seconds).padStart(8)}   peak RSS ${mib(overLedger.maxRssKiB)} / ${mib(overLake.maxRssKiB)}`);
    runs.push({ label, ledger: overLedger, lake: overLake });
  }
  return { rows, machines, ledgerBytes, lakeBytes, lakeFiles, exportSeconds, exportMaxRssKiB, runs };
}

/**
 * Deals the ledger's rows out to `machines` new ledgers by a hash of record_key, in one pass: DuckDB
 * writes one Parquet file per machine, then each machine ledger loads its file.
 */
async function dealOut(single: string, dir: string, machines: number): Promise<string[]> {
  const split = path.join(dir, 'lake-split');
  const ledger = await Ledger.open(single, { readOnly: true });
  try {
    await ledger.withMemoryLimit('2GB', () =>
      ledger.run(`COPY (SELECT *, hash(record_key) % ${machines} AS machine_no FROM usage) TO '${split}' (FORMAT parquet, PARTITION_BY (machine_no))`),
    );
  } finally {
    ledger.close();
  }
  const dbs: string[] = [];
  for (let i = 0; i < machines; i++) {
    const db = freshDb(dir, `lake-machine-${i}`);
    const part = await Ledger.open(db);
    try {
      await part.run(`INSERT INTO usage BY NAME SELECT * FROM read_parquet('${path.join(split, `machine_no=${i}`, '*.parquet')}', hive_partitioning = false)`);
    } finally {
      part.close();
    }
    dbs.push(db);
  }
  fs.rmSync(split, { recursive: true, force: true });
  return dbs;
}

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

/** The lake table: export cost, sizes, and each command over the ledger file and over the lake. */
export function renderLake(r: LakeBenchResult): string {
  const rows: string[][] = [[`${compact(r.rows)} rows, ${r.machines} machines`, 'one ledger file', 'lake', 'lake ÷ ledger']];
  rows.push([`  export --lake (all ${r.machines})`, '', secs(r.exportSeconds), `${secs(r.exportSeconds / r.machines)} per machine; first as a command: peak RSS ${mib(r.exportMaxRssKiB)}`]);
  rows.push(['  size on disk', `${int(r.ledgerBytes / 2 ** 20)} MiB`, `${int(r.lakeBytes / 2 ** 20)} MiB (${int(r.lakeFiles)} files)`, (r.lakeBytes / r.ledgerBytes).toFixed(2)]);
  for (const { label, ledger, lake } of r.runs) {
    const cell = (m: Measured) => (m.exitCode === 0 ? `${secs(m.seconds)} · ${mib(m.maxRssKiB)}` : `FAILED (exit ${m.exitCode})`);
    rows.push([`  ${label}`, cell(ledger), cell(lake), (lake.seconds / ledger.seconds).toFixed(2)]);
  }
  return renderTable(rows);
}
