import path from 'node:path';
import { CCUSAGE_SPEC, parseCcusageTotals, type CcusageInstall, type CcusageTotals } from './ccusage.js';
import { bestOf, timedRun, type Best } from './contender.js';
import { int, log, mb, renderTable, secs, verdict } from './format.js';
import { generateClaudeCodeProjects, type ClaudeCodePlan } from './generate-claude-code.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { recountBin } from './paths.js';
import { freshDb, importArgs, ledgerSummary, parseImportTotals, removeDb, type LedgerSummary } from './recount-cli.js';

export interface ClaudeCodeResult {
  plan: ClaudeCodePlan;
  recount: Best;
  ccusage: Best | null; // null when ccusage could not be installed or run
}

/**
 * Benchmark 2: `recount import <dir>/projects` against `ccusage claude daily --offline --json` with
 * CLAUDE_CONFIG_DIR=<dir>, alternating, both as child processes; then checks recount's ledger against
 * what the generator planted and shows ccusage's totals next to it.
 */
export async function benchClaudeCode(dir: string, assistantLines: number, rounds: number, install: Promise<CcusageInstall>): Promise<ClaudeCodeResult> {
  log(`[2/5] Claude Code transcripts, ${int(assistantLines)} assistant lines`);
  const configDir = path.join(dir, 'claude');
  const started = performance.now();
  const plan = generateClaudeCodeProjects(configDir, assistantLines);
  log(
    `  generated ${int(plan.sessions)} sessions in ${plan.projects} projects: ${int(plan.lines)} lines ` +
      `(${int(plan.assistantLines)} assistant, ${int(plan.responses)} responses), ${mb(plan.bytes)} in ${secs((performance.now() - started) / 1000)}`,
  );
  globalThis.gc?.();

  const opts: RunOptions = { scratchDir: dir };
  const ccusage = await ccusageEntry(install, opts);
  const projectsDir = path.join(configDir, 'projects');
  const ccusageArgs = ['claude', 'daily', '--offline', '--json'];
  const ccusageOpts: RunOptions = { ...opts, env: { CLAUDE_CONFIG_DIR: configDir }, sampleChildren: true };
  const recountRuns: Measured[] = [];
  const ccusageRuns: Measured[] = [];
  let ledger = '';
  for (let r = 1; r <= rounds; r++) {
    if (ledger) removeDb(ledger);
    ledger = freshDb(dir, 'recount-claude');
    recountRuns.push(await timedRun('recount import', `run ${r}/${rounds}`, recountBin, importArgs([projectsDir], ledger), opts));
    if (ccusage) ccusageRuns.push(await timedRun('ccusage claude daily', `run ${r}/${rounds}`, ccusage, ccusageArgs, ccusageOpts));
  }
  const totals = parseImportTotals(recountRuns.at(-1)!.stdout);
  log(`  recount: ${int(totals.rows_read)} usage lines read, ${int(totals.imported)} imported, ${int(totals.duplicates)} duplicates, ${int(totals.rejected)} rejected`);
  const summary = await ledgerSummary(ledger, opts);
  removeDb(ledger);
  const ccTotals = ccusageRuns.length ? parseCcusageTotals(ccusageRuns.at(-1)!.stdout) : null;
  printChecks(plan, summary, ccTotals);
  return { plan, recount: bestOf(recountRuns), ccusage: ccusageRuns.length ? bestOf(ccusageRuns) : null };
}

/** The installed ccusage's entry script (after an untimed warm-up run), or null with the reason printed. */
async function ccusageEntry(install: Promise<CcusageInstall>, opts: RunOptions): Promise<string | null> {
  const result = await install;
  if ('error' in result) {
    log(`  ccusage: could not install ${CCUSAGE_SPEC} (${result.error}); continuing with recount's figures only`);
    return null;
  }
  const warm = await runNode(result.entry, ['--version'], opts);
  log(`  installed ${warm.stdout.trim() || CCUSAGE_SPEC} into the temp folder`);
  return result.entry;
}

/** Planted vs recount's ledger (must match) vs ccusage's totals (shown, not judged). */
function printChecks(plan: ClaudeCodePlan, s: LedgerSummary, cc: CcusageTotals | null): void {
  const planted = {
    records: plan.responses,
    input: plan.inputTokens,
    cacheRead: plan.cacheReadTokens,
    write5m: plan.cacheWrite5mTokens,
    write1h: plan.cacheWrite1hTokens,
    output: plan.outputTokens,
  };
  const plantedTotal = planted.input + planted.cacheRead + planted.write5m + planted.write1h + planted.output;
  const recountTotal = s.input_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens + s.output_tokens;
  const ccCell = (n: number | undefined, plantedN: number) => (cc && n != null ? `${int(n)} (${signedPercent(n, plantedN)})` : '—');
  const row = (field: string, p: number, r: number | null, c: string): string[] => [field, int(p), r == null ? '—' : int(r), r == null ? '' : verdict(r === p), c];
  const rows = [
    ['field', 'planted', 'recount', '', `ccusage${cc ? ' (vs planted)' : ''}`],
    row('records (API responses)', planted.records, s.records, '—'),
    row('input_tokens', planted.input, s.input_tokens, ccCell(cc?.inputTokens, planted.input)),
    row('cache_read_tokens', planted.cacheRead, s.cache_read_tokens, ccCell(cc?.cacheReadTokens, planted.cacheRead)),
    row('cache_write_5m_tokens', planted.write5m, s.cache_write_5m_tokens, '—'),
    row('cache_write_1h_tokens', planted.write1h, s.cache_write_1h_tokens, '—'),
    row('cache writes, 5m + 1h', planted.write5m + planted.write1h, s.cache_write_5m_tokens + s.cache_write_1h_tokens, ccCell(cc?.cacheCreationTokens, planted.write5m + planted.write1h)),
    row('output_tokens', planted.output, s.output_tokens, ccCell(cc?.outputTokens, planted.output)),
    row('total tokens', plantedTotal, recountTotal, ccCell(cc?.totalTokens, plantedTotal)),
  ];
  log(renderTable(rows, '  '));
  log(`  (${int(plan.responsesWithoutRequestId)} of the ${int(plan.responses)} planted responses have no requestId; each response is 2–4 lines)`);
}

function signedPercent(n: number, of: number): string {
  const pct = ((n - of) / of) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
}
