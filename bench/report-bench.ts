import fs from 'node:fs';
import path from 'node:path';
import { bestOf, timedRun, type Best } from './contender.js';
import { int, log, secs } from './format.js';
import { generateClaudeCodeProjects } from './generate-claude-code.js';
import { generateOpenAiUsageCsv } from './generate-openai-csv.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { recountBin } from './paths.js';
import { freshDb, importArgs, ledgerSummary, parseImportTotals, removeDb } from './recount-cli.js';

export interface ReportBenchResult {
  records: number; // ledger rows the report reads
  report: Best; // `recount report`: every query, chart and the HTML
  baseline: Best; // `recount query spend_by_model`: one plain aggregation over the same rows
  bytes: number; // the HTML file
  charts: number;
}

/**
 * Benchmark 4: `recount report` over a ledger of ~1M rows (the OpenAI usage CSV of benchmark 1 plus
 * Claude Code transcripts, so sessions, cache breaks and runaways have rows to find) against one plain
 * aggregation over the same ledger (`recount query spend_by_model`), both as child processes; prints
 * the report's time and size.
 */
export async function benchReport(dir: string, csvRows: number, claudeMegabytes: number, rounds: number): Promise<ReportBenchResult> {
  log(`[4/5] recount report over a ledger of ${int(csvRows)} OpenAI usage rows + ~${int(claudeMegabytes)} MiB of Claude Code transcripts`);
  const csv = path.join(dir, 'openai-usage.csv'); // benchmark 1's file when it ran first
  if (!fs.existsSync(csv)) generateOpenAiUsageCsv(csv, csvRows);
  const claude = path.join(dir, 'report-claude');
  generateClaudeCodeProjects(claude, claudeMegabytes * 2 ** 20, 4);
  const opts: RunOptions = { scratchDir: dir };
  const ledger = freshDb(dir, 'recount-report');
  const started = performance.now();
  const imported = await runNode(recountBin, importArgs([csv, path.join(claude, 'projects')], ledger), opts);
  if (imported.exitCode !== 0) throw new Error(`recount import exited with code ${imported.exitCode}: ${imported.stderr.trim()}`);
  const totals = parseImportTotals(imported.stdout);
  const records = (await ledgerSummary(ledger, opts)).records;
  log(`  ledger: ${int(totals.imported)} rows imported in ${secs((performance.now() - started) / 1000)} (untimed); ${int(records)} records`);

  const out = path.join(dir, 'report.html');
  const reportRuns: Measured[] = [];
  const baselineRuns: Measured[] = [];
  for (let r = 1; r <= rounds; r++) {
    baselineRuns.push(await timedRun('query spend_by_model', `run ${r}/${rounds}`, recountBin, ['query', 'spend_by_model', '--db', ledger, '--json'], opts));
    reportRuns.push(await timedRun('recount report', `run ${r}/${rounds}`, recountBin, ['report', '--db', ledger, '--out', out, '--json'], opts));
  }
  const bytes = (JSON.parse(reportRuns.at(-1)!.stdout) as { bytes: number }).bytes;
  const charts = (fs.readFileSync(out, 'utf8').match(/<figure class="chart"/g) ?? []).length;
  log(`  report: ${int(bytes / 1024)} KiB (${int(bytes)} bytes), ${charts} charts`);
  removeDb(ledger);
  fs.rmSync(out, { force: true });
  return { records, report: bestOf(reportRuns), baseline: bestOf(baselineRuns), bytes, charts };
}
