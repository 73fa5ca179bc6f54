import path from 'node:path';
import { bestOf, timedRun, type Best } from './contender.js';
import { int, log, mb, secs, verdict } from './format.js';
import { generateOpenAiUsageCsv, type OpenAiCsvPlan } from './generate-openai-csv.js';
import { runNode, type Measured, type RunOptions } from './measure.js';
import { benchScript, packageRoot, recountBin } from './paths.js';
import { freshDb, importArgs, ledgerSummary, parseImportTotals, removeDb } from './recount-cli.js';
import { LEDGER_STORAGE_VERSION } from '../src/db/ledger.js';

export interface OpenAiCsvResult {
  plan: OpenAiCsvPlan;
  recount: Best;
  raw: Best; // DuckDB's default storage format: the baseline the goal is set against
  rawLedgerStorage: Best; // the same load in the storage format recount writes ledgers in
  classify: Measured; // `recount classify` over the imported ledger: the task-type rules as one SQL pass
}

/**
 * Benchmark 1: `recount import FILE.csv` against DuckDB's bare `CREATE TABLE AS SELECT * FROM read_csv`
 * on the same file. Both run as child processes (Node + DuckDB start-up in both), alternating, each
 * into a fresh database file. The raw load runs twice per round: in DuckDB's default storage format
 * (the goal's baseline) and in the newer one recount creates ledgers in, which loads faster too.
 */
export async function benchOpenAiCsv(dir: string, rows: number, rounds: number): Promise<OpenAiCsvResult> {
  log(`[1/5] OpenAI dashboard usage CSV (1-minute buckets), ${int(rows)} rows`);
  const file = path.join(dir, 'openai-usage.csv');
  const started = performance.now();
  const plan = generateOpenAiUsageCsv(file, rows);
  log(`  generated ${mb(plan.bytes)} in ${secs((performance.now() - started) / 1000)}`);
  globalThis.gc?.();

  const opts: RunOptions = { scratchDir: dir };
  await warmUp(dir, opts);
  const rawRuns: Measured[] = [];
  const rawLedgerStorageRuns: Measured[] = [];
  const recountRuns: Measured[] = [];
  let ledger = '';
  for (let r = 1; r <= rounds; r++) {
    const rawDb = freshDb(dir, 'raw');
    rawRuns.push(await timedRun('DuckDB read_csv (raw)', `run ${r}/${rounds}`, benchScript('raw-read-csv'), [file, rawDb], opts));
    removeDb(rawDb);
    const sameDb = freshDb(dir, 'raw-same-storage');
    rawLedgerStorageRuns.push(
      await timedRun(`DuckDB read_csv (raw, ${LEDGER_STORAGE_VERSION})`, `run ${r}/${rounds}`, benchScript('raw-read-csv'), [file, sameDb, LEDGER_STORAGE_VERSION], opts),
    );
    removeDb(sameDb);
    if (ledger) removeDb(ledger);
    ledger = freshDb(dir, 'recount-openai');
    recountRuns.push(await timedRun('recount import', `run ${r}/${rounds}`, recountBin, importArgs([file], ledger), opts));
  }
  await checkOpenAi(plan, rawRuns.at(-1)!, recountRuns.at(-1)!, ledger, opts);
  const classify = await timedRun('recount classify', `${int(plan.rows)} rows`, recountBin, ['classify', '--db', ledger, '--json'], opts);
  removeDb(ledger);
  return { plan, recount: bestOf(recountRuns), raw: bestOf(rawRuns), rawLedgerStorage: bestOf(rawLedgerStorageRuns), classify };
}

/** An untimed tiny load, so the first timed run does not pay for reading Node and DuckDB from disk. */
async function warmUp(dir: string, opts: RunOptions): Promise<void> {
  const db = freshDb(dir, 'warm-up');
  await runNode(benchScript('raw-read-csv'), [path.join(packageRoot, 'samples', 'openai', 'usage-dashboard.csv'), db], opts);
  removeDb(db);
}

/** Both loaded every row, and recount's ledger holds exactly the planted tokens. */
async function checkOpenAi(plan: OpenAiCsvPlan, raw: Measured, recount: Measured, ledger: string, opts: RunOptions): Promise<void> {
  const rawRows = (JSON.parse(raw.stdout) as { rows: number }).rows;
  log(`  check  raw read_csv loaded ${int(rawRows)} rows: ${verdict(rawRows === plan.rows)}`);
  const t = parseImportTotals(recount.stdout);
  log(`  check  recount read ${int(t.rows_read)}, imported ${int(t.imported)}, rejected ${int(t.rejected)}: ${verdict(t.rows_read === plan.rows && t.imported === plan.rows && t.rejected === 0)}`);
  const s = await ledgerSummary(ledger, opts);
  const tokensMatch =
    s.records === plan.rows &&
    s.requests === plan.requests &&
    s.input_tokens === plan.inputTokens - plan.cachedTokens && // the ledger's input_tokens are uncached
    s.cache_read_tokens === plan.cachedTokens &&
    s.output_tokens === plan.outputTokens;
  log(`  check  recount summary: records, requests, input/cached/output tokens as planted: ${verdict(tokensMatch)}`);
  if (!tokensMatch) log(`         planted ${JSON.stringify(plan)}\n         recount ${JSON.stringify(s)}`);
}
