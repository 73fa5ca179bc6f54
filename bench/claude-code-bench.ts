import fs from 'node:fs';
import path from 'node:path';
import { CCUSAGE_SPEC, type CcusageInstall } from './ccusage.js';
import { differences, parseCcusageModels, parseModelRows, plantedTotals, printTotals, type ModelTotals } from './claude-code-checks.js';
import { LINE_KINDS } from './claude-code-lines.js';
import { bestOf, timedRun, type Best } from './contender.js';
import { int, log, mib, secs, speedup } from './format.js';
import { generateClaudeCodeProjects, generateClaudeCodeSession, type ClaudeCodePlan } from './generate-claude-code.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { benchScript, packageRoot, recountBin } from './paths.js';
import { freshDb, importArgs, parseImportTotals, removeDb } from './recount-cli.js';

const NEW_SESSION_BYTES = 500_000; // the session appended before the re-import

export interface ClaudeCodeResult {
  plan: ClaudeCodePlan;
  recount: Best; // cold `recount import` + `recount query spend_by_model`, as one figure (time summed, RSS the higher)
  recountImport: Best; // the import alone
  reimport: Best; // `recount import` of the same folder into the same ledger after one new session was added
  newSessionBytes: number;
  ccusage: Best | null; // null when ccusage could not be installed or run
  floor: Best; // bench/claude-floor.ts: read_json with a narrow struct, arg_max per response, sum by model
  exact: boolean; // recount's per-model totals equal the floor's and the planted ones, after both imports
}

/** What every round shares. */
interface Setup {
  dir: string;
  configDir: string; // CLAUDE_CONFIG_DIR for ccusage
  projectsDir: string; // what recount and the floor read
  plan: ClaudeCodePlan;
  ccusage: string | null;
  opts: RunOptions;
}

interface Round {
  cold: Measured;
  importOnly: Measured;
  reimport: Measured;
  ccusage: Measured | null;
  floor: Measured;
  exact: boolean;
  totals: { recount: ModelTotals; floor: ModelTotals; ccusage: ModelTotals | null };
}

/**
 * Benchmark 2: a Claude Code folder at the shape of a real one (bench/generate-claude-code.ts).
 * Each round, as child processes: recount's cold import and per-model totals (`recount import`, then
 * `recount query spend_by_model`), `ccusage claude daily --offline --json`, the pure-DuckDB floor
 * (bench/claude-floor.ts), then one new ~0.5 MB session is added and `recount import` runs again into
 * the same ledger (the new file is removed after the round, so every round reads the same folder).
 * recount's per-model totals must equal the floor's and the planted ones exactly.
 */
export async function benchClaudeCode(dir: string, megabytes: number, rounds: number, install: Promise<CcusageInstall>): Promise<ClaudeCodeResult> {
  log(`[2/5] Claude Code folder at real shape, ~${int(megabytes)} MiB`);
  const configDir = path.join(dir, 'claude');
  const started = performance.now();
  const plan = generateClaudeCodeProjects(configDir, megabytes * 2 ** 20);
  log(`  generated in ${secs((performance.now() - started) / 1000)}:`);
  printShape(plan);
  globalThis.gc?.();

  const opts: RunOptions = { scratchDir: dir };
  const ccusage = await ccusageEntry(install, opts);
  await warmUp(dir, opts);
  const setup: Setup = { dir, configDir, projectsDir: path.join(configDir, 'projects'), plan, ccusage, opts };
  const done: Round[] = [];
  for (let r = 1; r <= rounds; r++) done.push(await runRound(setup, `run ${r}/${rounds}`));
  const last = done.at(-1)!;
  log('  per-model totals (last round, cold import):');
  const exact = printTotals(plantedTotals(plan), last.totals.recount, last.totals.floor, last.totals.ccusage) && done.every((d) => d.exact);
  const best = (pick: (d: Round) => Measured | null) => bestOf(done.map(pick).filter((m): m is Measured => m != null));
  return {
    plan, recount: best((d) => d.cold), recountImport: best((d) => d.importOnly), reimport: best((d) => d.reimport), newSessionBytes: NEW_SESSION_BYTES,
    ccusage: ccusage ? best((d) => d.ccusage) : null, floor: best((d) => d.floor), exact,
  };
}

/** One round of every contender on the same folder, then the re-import; checks recount's counts and totals. */
async function runRound(setup: Setup, round: string): Promise<Round> {
  const { dir, configDir, projectsDir, plan, ccusage, opts } = setup;
  const ledger = freshDb(dir, 'recount-claude');
  const importOnly = await timedRun('recount import', round, recountBin, importArgs([projectsDir], ledger), opts);
  const query = await timedRun('recount spend_by_model', round, recountBin, spendByModel(ledger), opts);
  const cold = combine(importOnly, query);
  log(`  ${'recount, both'.padEnd(26)} ${round}  ${secs(cold.seconds).padStart(8)}   peak RSS ${mib(cold.maxRssKiB)}`);
  const cc = ccusage ? await timedRun('ccusage claude daily', round, ccusage, ['claude', 'daily', '--offline', '--json'], { ...opts, env: { CLAUDE_CONFIG_DIR: configDir }, sampleChildren: true }) : null;
  const floor = await timedRun('DuckDB floor', round, benchScript('claude-floor'), [projectsDir], opts);

  const added = generateClaudeCodeSession(configDir, NEW_SESSION_BYTES, 1000); // the same session every round
  const reimport = await timedRun(`recount re-import +${int(added.plan.bytes / 1000)} KB`, round, recountBin, importArgs([projectsDir], ledger), opts);
  const after = await runNode(recountBin, spendByModel(ledger), opts);
  fs.rmSync(added.file, { force: true });
  removeDb(ledger);

  const totals = { recount: parseModelRows(query.stdout), floor: parseModelRows(floor.stdout), ccusage: cc ? parseCcusageModels(cc.stdout) : null };
  const planted = plantedTotals(plan);
  const wrong = [
    ...checkCounts('cold import', importOnly, plan.tally.responses),
    ...checkCounts('re-import', reimport, added.plan.tally.responses),
    ...differences('recount', totals.recount, planted),
    ...differences('floor', totals.floor, planted),
    ...differences('recount after the re-import', parseModelRows(after.stdout), plantedTotals(plan, added.plan)),
  ];
  for (const line of wrong) log(`  MISMATCH  ${line}`);
  return { cold, importOnly, reimport, ccusage: cc, floor, exact: wrong.length === 0, totals };
}

const spendByModel = (ledger: string) => ['query', 'spend_by_model', '--db', ledger, '--json'];

/** Two runs in a row as one figure: their times summed, the higher peak RSS. */
function combine(a: Measured, b: Measured): Measured {
  const max = (x: number | null, y: number | null) => (x == null ? y : y == null ? x : Math.max(x, y));
  return { ...b, seconds: a.seconds + b.seconds, maxRssKiB: max(a.maxRssKiB, b.maxRssKiB), childPeakKiB: null };
}

/** rows_read = imported + duplicates + rejected, nothing rejected, one record per new response. */
function checkCounts(label: string, m: Measured, responses: number): string[] {
  const t = parseImportTotals(m.stdout);
  log(`  ${label}: ${int(t.rows_read)} usage lines read, ${int(t.imported)} imported, ${int(t.duplicates)} duplicates, ${int(t.rejected)} rejected, ${int(t.skipped)} other lines`);
  const out: string[] = [];
  if (t.rows_read !== t.imported + t.duplicates + t.rejected) out.push(`${label}: rows_read ≠ imported + duplicates + rejected`);
  if (t.imported !== responses || t.rejected !== 0) out.push(`${label}: imported ${int(t.imported)} (expected ${int(responses)}), rejected ${int(t.rejected)}`);
  return out;
}

/** The folder's shape against the issue's: files, sizes, byte shares, prompts, responses. */
function printShape(plan: ClaudeCodePlan): void {
  const t = plan.tally;
  const files = plan.sessions + plan.subagentFiles;
  const lines = LINE_KINDS.reduce((n, k) => n + t.lines[k], 0);
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(0)}%`;
  const avg = (k: 'prompt' | 'tool_result') => `${(t.bytes[k] / Math.max(1, t.lines[k]) / 1000).toFixed(1)} KB`;
  log(`    ${(plan.bytes / 2 ** 20).toFixed(0)} MiB in ${int(files)} files (${int(plan.subagentFiles)} subagent files, ${pct(plan.subagentFiles, files)}) in ${plan.projects} projects; ` +
    `file sizes ${int(plan.fileBytes.min / 1000)} KB – ${int(plan.fileBytes.max / 1000)} KB, median ${int(plan.fileBytes.median / 1000)} KB`);
  log(`    ${int(lines)} lines: ${pct(plan.bytes - t.bytes.assistant, plan.bytes)} of the bytes in lines without usage; ` +
    LINE_KINDS.map((k) => `${k} ${pct(t.bytes[k], plan.bytes)}`).join(', '));
  log(`    ${int(t.prompts)} distinct prompts (${avg('prompt')} a line), ${int(t.lines.tool_result)} tool results (${avg('tool_result')} a line), ` +
    `${int(t.responses)} responses: ${int(t.multiLineResponses)} over several lines, ${int(t.responsesWithoutRequestId)} without requestId`);
}

/** The installed ccusage's entry script (after an untimed warm-up run), or null with the reason printed. */
async function ccusageEntry(install: Promise<CcusageInstall>, opts: RunOptions): Promise<string | null> {
  const result = await install;
  if ('error' in result) {
    log(`  ccusage: could not install ${CCUSAGE_SPEC} (${result.error}); continuing without it`);
    return null;
  }
  const warm = await runNode(result.entry, ['--version'], opts);
  log(`  installed ccusage ${warm.stdout.trim() || CCUSAGE_SPEC} into the temp folder`);
  return result.entry;
}

/** Untimed small runs of recount and the floor, so the first timed runs do not pay for reading Node and DuckDB from disk. */
async function warmUp(dir: string, opts: RunOptions): Promise<void> {
  const samples = path.join(packageRoot, 'samples', 'claude-code', 'projects');
  const db = freshDb(dir, 'warm-up');
  await runNode(recountBin, importArgs([samples], db), opts);
  removeDb(db);
  await runNode(benchScript('claude-floor'), [samples], opts);
}

/** The issue's targets, as summary rows: [what, recount, baseline, ratio and verdict]. */
export function claudeTargetRows(c: ClaudeCodeResult): string[][] {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const cc = c.ccusage;
  const rssKiB = c.recount.rssKiB ?? 0;
  const reShare = c.reimport.seconds / c.recountImport.seconds;
  const files = c.plan.sessions + c.plan.subagentFiles;
  return [
    [`Claude Code, ${int(c.plan.bytes / 2 ** 20)} MiB in ${int(files)} files: import + per-model totals`, secs(c.recount.seconds),
      cc ? `${secs(cc.seconds)} (ccusage daily)` : 'ccusage not available',
      cc ? `${speedup(c.recount.seconds, cc.seconds)} (goal ≥ 2× faster: ${met(cc.seconds / c.recount.seconds >= 2)})` : ''],
    ['  against the pure-DuckDB floor', secs(c.recount.seconds), `${secs(c.floor.seconds)} (read_json + arg_max)`,
      `${(c.recount.seconds / c.floor.seconds).toFixed(2)}× the floor (goal ≤ 1.5×: ${met(c.recount.seconds / c.floor.seconds <= 1.5)})`],
    ['  peak RSS', mib(rssKiB), `floor ${mib(c.floor.rssKiB)}${cc ? `, ccusage ${mib(cc.childRssKiB)} + ${mib(cc.rssKiB)} launcher` : ''}`,
      `goal ≤ 400 MiB: ${met(rssKiB > 0 && rssKiB <= 400 * 1024)}`],
    ['  per-model token totals', c.exact ? 'exact' : 'MISMATCH', '= floor = planted', `goal exact: ${met(c.exact)}`],
    [`  re-import after one new session (${int(c.newSessionBytes / 1000)} KB)`, secs(c.reimport.seconds), `${secs(c.recountImport.seconds)} (cold import)`,
      `${(reShare * 100).toFixed(0)}% of cold (goals ≤ 0.5 s: ${met(c.reimport.seconds <= 0.5)}, ≤ 10%: ${met(reShare <= 0.1)})`],
  ];
}
