import fs from 'node:fs';
import path from 'node:path';
import { compact, int, log, mib, renderTable, secs } from './format.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { benchScript, recountBin } from './paths.js';
import { freshDb, removeDb } from './recount-cli.js';
import { BENCH_POLICIES } from './replay-bench.js';
import { generateScaleLedger } from './scale-ledger.js';

export interface ScaleBenchResult {
  rows: number;
  runs: { label: string; m: Measured }[];
}

const GB = 2 ** 20; // KiB in a GiB

/**
 * Benchmark 6: every reading command over one large ledger (RECOUNT_BENCH_SCALE_ROWS, default 10M rows
 * shaped like a mixed real one, scale-ledger.ts), each once as a child process at the default memory
 * limit, with the baselines from the same ledger in the same run: one aggregation (`recount query
 * spend_by_model`) and DuckDB's own COPY … TO Parquet and CSV of the same rows (duckdb-copy.ts).
 * One run each: at 10M a round takes minutes.
 */
export async function benchScale(dir: string, rows: number): Promise<ScaleBenchResult> {
  log(`[6/6] every command over a ${int(rows)}-row ledger`);
  const db = freshDb(dir, 'scale');
  const started = performance.now();
  await generateScaleLedger(db, rows);
  log(`  generated the ledger in ${secs((performance.now() - started) / 1000)} (${int(fs.statSync(db).size / 2 ** 20)} MiB)`);
  // the targets hold at the default memory limit, whatever the shell running the bench has set
  const opts: RunOptions = { scratchDir: dir, env: { RECOUNT_MEMORY_LIMIT: undefined } };
  const out = (name: string) => path.join(dir, name);
  const runs: { label: string; m: Measured }[] = [];
  // a command that fails (out of memory, say) is reported as failed and the others still run
  const run = async (label: string, script: string, args: string[]) => {
    const m = await runNode(script, args, opts);
    const failed = m.exitCode === 0 ? '' : `  FAILED (exit ${m.exitCode}): ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    log(`  ${label.padEnd(26)} ${secs(m.seconds).padStart(9)}   peak RSS ${mib(m.maxRssKiB)}${failed}`);
    if (failed) process.exitCode = 1;
    runs.push({ label, m });
    for (const f of fs.readdirSync(dir)) if (f.startsWith('scale-out.')) fs.rmSync(out(f), { force: true });
  };
  const policyArgs = BENCH_POLICIES.flatMap((p) => ['--policy', p]);
  await run('one aggregation', recountBin, ['query', 'spend_by_model', '--json', '--db', db]);
  await run('summary', recountBin, ['summary', '--json', '--db', db]);
  await run('forensics', recountBin, ['forensics', '--json', '--db', db]);
  await run(`whatif ×${BENCH_POLICIES.length}`, recountBin, ['whatif', ...policyArgs, '--json', '--db', db]);
  await run('report', recountBin, ['report', '--json', '--db', db, '--out', out('scale-out.html')]);
  for (const format of ['parquet', 'csv']) {
    await run(`DuckDB COPY TO ${format}`, benchScript('duckdb-copy'), [db, format, out(`scale-out.duckdb.${format}`)]);
    await run(`export ${format}`, recountBin, ['export', '--db', db, '--format', format, '--out', out(`scale-out.${format}`)]);
  }
  await run('export arrow', recountBin, ['export', '--db', db, '--format', 'arrow', '--out', out('scale-out.arrow')]);
  removeDb(db);
  return { rows, runs };
}

/**
 * The scale table: every command's time and peak RSS, and each target with its ratio: every recount
 * command finishes at the default memory limit; summary ≤ 2× one aggregation; each export ≤ 1 GiB
 * peak RSS and ≤ 3× DuckDB's own COPY (Arrow against the Parquet COPY, DuckDB having no Arrow writer).
 */
export function scaleTargetRows(r: ScaleBenchResult): string[][] {
  const get = (label: string) => r.runs.find((x) => x.label === label)?.m;
  const floor = get('one aggregation');
  const rows: string[][] = [[`${compact(r.rows)}-row ledger`, 'time', 'peak RSS', 'target']];
  for (const { label, m } of r.runs) {
    const targets: string[] = [];
    if (!label.startsWith('DuckDB')) targets.push(m.exitCode === 0 ? 'finished' : 'did not finish (goal: finish at the default memory limit: not met)');
    if (label === 'summary' && floor) targets.push(ratio(m.seconds / floor.seconds, 2, 'one aggregation'));
    const format = /^export (parquet|csv|arrow)$/.exec(label)?.[1];
    const copy = format && get(`DuckDB COPY TO ${format === 'arrow' ? 'parquet' : format}`);
    if (copy) targets.push(ratio(m.seconds / copy.seconds, 3, `DuckDB COPY${format === 'arrow' ? ' TO parquet' : ''}`));
    if (format) targets.push(`RSS ${mib(m.maxRssKiB)} (goal ≤ 1 GiB: ${m.maxRssKiB !== null && m.maxRssKiB <= GB ? 'met' : 'not met'})`);
    rows.push([`  ${label}`, m.exitCode === 0 ? secs(m.seconds) : `FAILED (exit ${m.exitCode})`, mib(m.maxRssKiB), targets.join('; ')]);
  }
  const commands = r.runs.filter((x) => !x.label.startsWith('DuckDB'));
  const failed = commands.filter((x) => x.m.exitCode !== 0).length;
  rows.push([`  every command at the default memory limit`, '', '', `${commands.length - failed} of ${commands.length} finished (goal: all: ${failed ? 'not met' : 'met'})`]);
  return rows;
}

function ratio(x: number, goal: number, of: string): string {
  return `${x.toFixed(2)}× ${of} (goal ≤ ${goal}×: ${x <= goal ? 'met' : 'not met'})`;
}

export const renderScale = (r: ScaleBenchResult) => renderTable(scaleTargetRows(r));
