import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../src/db/ledger.js';
import { compact, int, log, mib, renderTable, secs } from './format.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { recountBin } from './paths.js';
import { freshDb, removeDb } from './recount-cli.js';
import { generateScaleLedger } from './scale-ledger.js';

const machineName = (i: number) => `machine_${String(i).padStart(3, '0')}`;

export interface LakeBenchResult {
  rows: number;
  machines: number;
  ledgerBytes: number;
  lakeBytes: number;
  lakeFiles: number;
  exportSeconds: number; // the sum of every machine's `recount export --lake`, Node start-up included
  exportSlowestSeconds: number;
  exportMaxRssKiB: number | null; // the highest of the machines' peaks
  loadAverage: { min: number; max: number }; // 1-minute load average, sampled between steps
  runs: { label: string; ledger: Measured; lake: Measured }[];
  sameSummary: boolean; // summary --json over the lake equals it over the ledger file
}

/**
 * `npm run bench -- lake`: a team's lake. One RECOUNT_BENCH_LAKE_ROWS-row ledger (default 10M, shaped
 * like a mixed real one: scale-ledger.ts) is dealt out, row by row, into RECOUNT_BENCH_LAKE_MACHINES
 * (default 100) machine ledgers; each is exported into one lake by `recount export --lake` under its
 * own machine name, as each laptop would. Then query spend_by_model, summary, forensics and report run
 * over the lake and over the one ledger file holding the same rows, each once as a child process at
 * the default memory limit.
 */
export async function benchLake(dir: string, rows: number, machines: number): Promise<LakeBenchResult> {
  if (machines > rows) throw new Error(`RECOUNT_BENCH_LAKE_MACHINES (${machines}) is more than RECOUNT_BENCH_LAKE_ROWS (${rows})`);
  const load = loadSampler();
  log(`[lake] ${int(rows)} rows across ${machines} machines (load average ${load.sample()})`);
  const single = freshDb(dir, 'lake-single');
  await generateScaleLedger(single, rows);
  const ledgerBytes = fs.statSync(single).size;
  const parts = await dealOut(single, dir, machines);
  log(`  generated the ledger (${int(ledgerBytes / 2 ** 20)} MiB) and ${machines} machine ledgers (load average ${load.sample()})`);
  const lake = path.join(dir, 'lake');
  const opts: RunOptions = { scratchDir: dir };
  const exported = await exportAll(parts, lake, opts);
  for (const db of parts) removeDb(db);
  const { bytes: lakeBytes, files: lakeFiles } = folderSize(lake);
  log(`  exported ${machines} ledgers in ${secs(exported.seconds)} (slowest ${secs(exported.slowest)}, peak RSS ${mib(exported.maxRssKiB)}; ` +
    `${int(lakeBytes / 2 ** 20)} MiB in ${int(lakeFiles)} files; load average ${load.sample()})`);
  const runs = await readBoth(dir, single, lake, opts, load);
  const summary = runs.find((r) => r.label === 'summary');
  const differ = summary ? differingTotals(summary.ledger.stdout, summary.lake.stdout) : ['(not run)'];
  const sameSummary = differ.length === 0;
  if (!sameSummary) {
    log(`  MISMATCH: summary over the lake differs from summary over the ledger file: ${differ.join(', ')}`);
    process.exitCode = 1;
  }
  return {
    rows, machines, ledgerBytes, lakeBytes, lakeFiles,
    exportSeconds: exported.seconds, exportSlowestSeconds: exported.slowest, exportMaxRssKiB: exported.maxRssKiB,
    loadAverage: load.range(), runs, sameSummary,
  };
}

/** Every machine's `recount export --lake` as its own child process, one after another. */
async function exportAll(parts: string[], lake: string, opts: RunOptions): Promise<{ seconds: number; slowest: number; maxRssKiB: number | null }> {
  let seconds = 0;
  let slowest = 0;
  let maxRssKiB: number | null = null;
  for (const [i, db] of parts.entries()) {
    const m = await runNode(recountBin, ['export', '--db', db, '--lake', lake], { ...opts, env: { RECOUNT_MACHINE: machineName(i) } });
    if (m.exitCode !== 0) throw new Error(`export of ${machineName(i)} failed (exit ${m.exitCode}): ${m.stderr.trim()}`);
    seconds += m.seconds;
    slowest = Math.max(slowest, m.seconds);
    if (m.maxRssKiB != null) maxRssKiB = Math.max(maxRssKiB ?? 0, m.maxRssKiB);
    if ((i + 1) % 10 === 0 && i + 1 < parts.length) log(`    ${i + 1} exported (${secs(seconds)} so far)`);
  }
  return { seconds, slowest, maxRssKiB };
}

/** Each read command over the ledger file, then over the lake. */
async function readBoth(dir: string, single: string, lake: string, opts: RunOptions, load: LoadSampler): Promise<LakeBenchResult['runs']> {
  const out = path.join(dir, 'lake-out.html');
  const commands: [string, string[]][] = [
    ['query spend_by_model', ['query', 'spend_by_model', '--json']],
    ['summary', ['summary', '--json']],
    ['forensics', ['forensics', '--json']],
    ['report', ['report', '--json', '--out', out]],
  ];
  const runs: LakeBenchResult['runs'] = [];
  for (const [label, args] of commands) {
    const overLedger = await runNode(recountBin, [...args, '--db', single], opts);
    fs.rmSync(out, { force: true });
    const overLake = await runNode(recountBin, [...args, '--db', `lake:${lake}`], opts);
    fs.rmSync(out, { force: true });
    for (const [where, m] of [['ledger', overLedger], ['lake', overLake]] as const) {
      if (m.exitCode !== 0) {
        log(`  ${label} over the ${where} FAILED (exit ${m.exitCode}): ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        process.exitCode = 1;
      }
    }
    log(`  ${label.padEnd(22)} ledger ${secs(overLedger.seconds).padStart(8)}   lake ${secs(overLake.seconds).padStart(8)}   ` +
      `peak RSS ${mib(overLedger.maxRssKiB)} / ${mib(overLake.maxRssKiB)}   (load average ${load.sample()})`);
    runs.push({ label, ledger: overLedger, lake: overLake });
  }
  return runs;
}

/** The summary --json counts and totals that differ (costs to the cent: the two sum in different orders). */
function differingTotals(a: string, b: string): string[] {
  try {
    const [x, y] = [JSON.parse(a) as Record<string, unknown>, JSON.parse(b) as Record<string, unknown>];
    return Object.keys(x).filter((k) => {
      if (typeof x[k] !== 'number') return false;
      return k.endsWith('_usd') ? !(Math.abs((x[k] as number) - (y[k] as number)) < 0.01) : x[k] !== y[k];
    }).map((k) => `${k} ${String(x[k])} vs ${String(y[k])}`);
  } catch {
    return ['(not JSON)'];
  }
}

interface LoadSampler {
  sample(): string;
  range(): { min: number; max: number };
}

/** The machine is shared: the 1-minute load average at each step, to print next to the figures. */
function loadSampler(): LoadSampler {
  const seen: number[] = [];
  return {
    sample() {
      const l = os.loadavg()[0];
      seen.push(l);
      return l.toFixed(1);
    },
    range: () => ({ min: Math.min(...seen), max: Math.max(...seen) }),
  };
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
  const rows: string[][] = [[`${compact(r.rows)} rows, ${r.machines} machines`, 'one ledger file', 'lake', 'lake ÷ ledger (time; peak RSS)']];
  rows.push([`  export --lake (${r.machines} commands)`, '', `${secs(r.exportSeconds)} · ${mib(r.exportMaxRssKiB)}`,
    `${secs(r.exportSeconds / r.machines)} per machine (slowest ${secs(r.exportSlowestSeconds)})`]);
  rows.push(['  size on disk', `${int(r.ledgerBytes / 2 ** 20)} MiB`, `${int(r.lakeBytes / 2 ** 20)} MiB (${int(r.lakeFiles)} files)`, (r.lakeBytes / r.ledgerBytes).toFixed(2)]);
  for (const { label, ledger, lake } of r.runs) {
    const cell = (m: Measured) => (m.exitCode === 0 ? `${secs(m.seconds)} · ${mib(m.maxRssKiB)}` : `FAILED (exit ${m.exitCode})`);
    const rss = ledger.maxRssKiB && lake.maxRssKiB ? `; ${(lake.maxRssKiB / ledger.maxRssKiB).toFixed(2)}` : '';
    rows.push([`  ${label}`, cell(ledger), cell(lake), `${(lake.seconds / ledger.seconds).toFixed(2)}${rss}`]);
  }
  rows.push(['  summary over the lake = over the ledger', '', '', r.sameSummary ? 'yes' : 'NO']);
  const { min, max } = r.loadAverage;
  return `${renderTable(rows)}\n${os.cpus().length} CPUs, ${int(os.totalmem() / 2 ** 30)} GiB RAM; 1-minute load average ${min.toFixed(1)}–${max.toFixed(1)} during the run`;
}
