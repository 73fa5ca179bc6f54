// `npm run bench`: recount's import speed and memory against baselines measured in the same run.
//   1. a 1M-row OpenAI dashboard usage CSV: `recount import` vs DuckDB's bare read_csv into a table
//   2. a Claude Code folder at the shape of a real one (~200 MiB, subagent files, long prompts and
//      tool results): `recount import` + per-model totals vs `ccusage claude daily --offline --json`
//      and vs a pure-DuckDB floor query; then a re-import after one new session
//   3. one ~1 GB gateway log (JSONL, through a mapping): rows/s and peak RSS against the file size
//   4. the HTML report over a ~1M-row ledger vs one plain aggregation (`recount query spend_by_model`)
//   5. what-if replay of 2M agent requests under five policies vs one plain aggregation over them
// Data is generated into a temp folder (removed at the end). Every contender runs as a child process
// (`node -r bench/maxrss.cjs …`), so each figure includes Node start-up; times are the best of
// RECOUNT_BENCH_ROUNDS runs (default 2), peak RSS the highest. Nothing is asserted, only printed.
// Sizes: RECOUNT_BENCH_CSV_ROWS (default 1000000), RECOUNT_BENCH_CLAUDE_MB (MiB, default 200; the
// issue's real folder is 618), RECOUNT_BENCH_JSONL_MB (default 1000), RECOUNT_BENCH_REPORT_CLAUDE_MB
// (default 50), RECOUNT_BENCH_REPLAY_REQUESTS (default 2000000, the size issue 13's goal is set at).
// Which: `npm run bench -- claude` (names as arguments) or RECOUNT_BENCH_ONLY=csv,claude,jsonl,report,replay.
// `npm run bench -- scale` (only when named): every command over a RECOUNT_BENCH_SCALE_ROWS-row ledger
// (default 10000000) against one aggregation and DuckDB's own COPY … TO (scale-bench.ts).
// `npm run bench -- lake` (only when named): RECOUNT_BENCH_LAKE_ROWS rows (default 10000000) dealt out
// to RECOUNT_BENCH_LAKE_MACHINES ledgers (default 100), exported to one lake, read over it (lake-bench.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installCcusage } from './ccusage.js';
import { benchClaudeCode, claudeTargetRows, type ClaudeCodeResult } from './claude-code-bench.js';
import { compact, int, log, mb, mib, renderTable, secs } from './format.js';
import { benchOpenAiCsv, type OpenAiCsvResult } from './openai-csv-bench.js';
import { benchLargeJsonl, type LargeJsonlResult } from './large-jsonl-bench.js';
import { benchReplay, type ReplayBenchResult } from './replay-bench.js';
import { benchReport, type ReportBenchResult } from './report-bench.js';
import { benchScale, renderScale } from './scale-bench.js';
import { benchLake, renderLake } from './lake-bench.js';

const CSV_ROWS = positiveInt('RECOUNT_BENCH_CSV_ROWS', 1_000_000);
const CLAUDE_MB = positiveInt('RECOUNT_BENCH_CLAUDE_MB', 200);
const ROUNDS = positiveInt('RECOUNT_BENCH_ROUNDS', 2);
const JSONL_MB = positiveInt('RECOUNT_BENCH_JSONL_MB', 1000);
const REPORT_CLAUDE_MB = positiveInt('RECOUNT_BENCH_REPORT_CLAUDE_MB', 50);
const REPLAY_REQUESTS = positiveInt('RECOUNT_BENCH_REPLAY_REQUESTS', 2_000_000);
const BENCHMARKS = ['csv', 'claude', 'jsonl', 'report', 'replay'];
const SCALE_ROWS = positiveInt('RECOUNT_BENCH_SCALE_ROWS', 10_000_000);
const LAKE_ROWS = positiveInt('RECOUNT_BENCH_LAKE_ROWS', 10_000_000);
const LAKE_MACHINES = positiveInt('RECOUNT_BENCH_LAKE_MACHINES', 100);
const ONLY = new Set((process.argv.slice(2).join(',') || process.env.RECOUNT_BENCH_ONLY || BENCHMARKS.join(',')).split(',').map((s) => s.trim()));
for (const name of ONLY) if (![...BENCHMARKS, 'scale', 'lake'].includes(name)) throw new Error(`unknown benchmark "${name}": choose from ${[...BENCHMARKS, 'scale', 'lake'].join(', ')}`);
const RAW_RATIO_GOAL = 0.5;
// Issue 13's goals, as multiples of one plain aggregation over the same ledger.
const REPORT_GOAL_X = 3; // `report` over ~1M rows
const REPLAY_GOAL_X = 5; // `whatif` × 5 policies over 2M agent requests

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recount-bench-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  log(`recount bench: node ${process.version}, ${os.cpus().length} CPUs, ${int(os.totalmem() / 2 ** 30)} GiB RAM; temp ${dir}`);
  log(`times are the best of ${ROUNDS} run${ROUNDS === 1 ? '' : 's'} (child processes, Node start-up included); peak RSS the highest\n`);
  try {
    const install = ONLY.has('claude') ? installCcusage(path.join(dir, 'ccusage')) : null; // downloads while the CSV is generated
    const openai = ONLY.has('csv') ? await settle(() => benchOpenAiCsv(dir, CSV_ROWS, ROUNDS)) : null;
    const claude = install ? await settle(() => benchClaudeCode(dir, CLAUDE_MB, ROUNDS, install)) : null;
    const jsonl = ONLY.has('jsonl') ? await settle(() => benchLargeJsonl(dir, JSONL_MB)) : null;
    const report = ONLY.has('report') ? await settle(() => benchReport(dir, CSV_ROWS, REPORT_CLAUDE_MB, ROUNDS)) : null;
    const replay = ONLY.has('replay') ? await settle(() => benchReplay(dir, REPLAY_REQUESTS, ROUNDS)) : null;
    const scale = ONLY.has('scale') ? await settle(() => benchScale(dir, SCALE_ROWS)) : null;
    const lake = ONLY.has('lake') ? await settle(() => benchLake(dir, LAKE_ROWS, LAKE_MACHINES)) : null;
    printSummary(openai, claude, jsonl, report, replay);
    if (scale) log(`\n${renderScale(scale)}`);
    if (lake) log(`\n${renderLake(lake)}`);
  } finally {
    cleanup();
  }
}

/** A failed benchmark prints its error and yields null, so the other one still runs. */
async function settle<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    log(`  FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    return null;
  } finally {
    log();
  }
}

function printSummary(
  openai: OpenAiCsvResult | null,
  claude: ClaudeCodeResult | null,
  jsonl: LargeJsonlResult | null,
  report: ReportBenchResult | null,
  replay: ReplayBenchResult | null,
): void {
  const rows: (string[] | null)[] = [['benchmark', 'recount', 'baseline', 'ratio']];
  if (openai) {
    const recountRate = openai.plan.rows / openai.recount.seconds;
    const rawRate = openai.plan.rows / openai.raw.seconds;
    const ratio = recountRate / rawRate;
    rows.push(
      [`${compact(openai.plan.rows)}-row OpenAI usage CSV import`, `${int(recountRate)} rows/s`, `${int(rawRate)} rows/s (raw read_csv)`,
        `${ratio.toFixed(2)} (goal ≥ ${RAW_RATIO_GOAL.toFixed(2)}: ${ratio >= RAW_RATIO_GOAL ? 'met' : 'not met'})`],
      ['  wall time', secs(openai.recount.seconds), secs(openai.raw.seconds), ''],
      ['  like for like: raw load in the ledger\'s storage format', '', secs(openai.rawLedgerStorage.seconds),
        (openai.rawLedgerStorage.seconds / openai.recount.seconds).toFixed(2)],
      ['  peak RSS', mib(openai.recount.rssKiB), mib(openai.raw.rssKiB), times(openai.recount.rssKiB, openai.raw.rssKiB)],
      [`classify ${compact(openai.plan.rows)} ledger rows (task-type rules)`, secs(openai.classify.seconds), 'one SQL pass', `${int(openai.plan.rows / openai.classify.seconds)} rows/s`],
    );
  }
  if (claude) rows.push(...claudeTargetRows(claude));
  if (jsonl) {
    rows.push(
      [`${mb(jsonl.plan.bytes)} gateway JSONL (--mapping)`, `${int(jsonl.plan.rows / jsonl.recount.seconds)} rows/s`, `${int(jsonl.plan.rows)} lines`, secs(jsonl.recount.seconds)],
      ['  peak RSS', mib(jsonl.recount.maxRssKiB), `file ${mb(jsonl.plan.bytes)}`, jsonl.recount.maxRssKiB ? `${((jsonl.recount.maxRssKiB * 1024) / jsonl.plan.bytes).toFixed(2)}× file size` : ''],
    );
  }
  if (report) {
    rows.push(
      [`recount report over ${compact(report.records)} ledger rows`, secs(report.report.seconds), `${secs(report.baseline.seconds)} (query spend_by_model)`,
        goal(report.report.seconds / report.baseline.seconds, REPORT_GOAL_X, 'one aggregation')],
      ['  HTML size', `${int(report.bytes / 1024)} KiB (${report.charts} charts)`, 'goal < 1 MB', report.bytes < 1_000_000 ? 'met' : 'not met'],
      ['  peak RSS', mib(report.report.rssKiB), mib(report.baseline.rssKiB), times(report.report.rssKiB, report.baseline.rssKiB)],
    );
  }
  if (replay) {
    rows.push(
      [`what-if: ${compact(replay.requests)} requests × ${replay.policies} policies`, secs(replay.whatif.seconds), `${secs(replay.floor.seconds)} (one aggregation)`,
        goal(replay.whatif.seconds / replay.floor.seconds, REPLAY_GOAL_X, 'one aggregation')],
      ['  peak RSS', mib(replay.whatif.rssKiB), mib(replay.floor.rssKiB), times(replay.whatif.rssKiB, replay.floor.rssKiB)],
    );
  }
  log(renderTable(rows));
}

/** A ratio against its goal, e.g. "2.8× one aggregation (goal ≤ 3×: met)". */
function goal(ratio: number, most: number, of: string): string {
  return `${ratio.toFixed(1)}× ${of} (goal ≤ ${most}×: ${ratio <= most ? 'met' : 'NOT MET'})`;
}

/** recount's peak RSS as a multiple of the baseline's, e.g. "6.5× baseline". */
function times(recountKiB: number | null, baselineKiB: number | null): string {
  return recountKiB && baselineKiB ? `${(recountKiB / baselineKiB).toFixed(1)}× baseline` : '';
}

function positiveInt(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

await main();
