// The runner: every case imported by the real CLI (bin/recount.js → dist) into a fresh ledger, one at a
// time, then checked (checks.ts). The clean samples ('original') run first: they are the baselines.
//   node run.js OUT_DIR [--only REGEX] [--rerun RESULTS_JSON] [--json FILE]   |   node run.js --summary-of RESULTS_JSON[.partial]   (after mutate.js OUT_DIR; see scripts/mutation-run.sh)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkOutcome, type Baseline, type CliRun, type Failure, type ImportJson, type Outcome } from './checks.js';
import { scanLedger } from './ledger-scan.js';
import type { Case } from './mutate.js';
import { secretTail } from './values.js';
import { summarize } from './summary.js';

export interface RunContext {
  root: string; // the repository: bin/recount.js
  outDir: string; // where mutate wrote the cases
  baselines: Map<string, Baseline>;
  log?: (line: string) => void;
  /** Called after each case: the runner keeps a partial results file, so a stopped run still has a summary. */
  done?: (result: CaseResult) => void;
}

export interface CaseResult {
  c: Case;
  status: number;
  error?: string;
  totals?: ImportJson['totals'];
  failures: Failure[];
  ms: number;
}

const PINNED = { TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', NO_COLOR: '1', CI: '1' };

function cli(ctx: RunContext, args: string[]): CliRun {
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(ctx.root, 'bin', 'recount.js'), ...args], { cwd: ctx.outDir, encoding: 'utf8', env: { ...process.env, ...PINNED } });
  return { args, status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

const importArgs = (ctx: RunContext, c: Case, db: string) => [
  'import',
  ...c.inputs.map((p) => path.join(ctx.outDir, p)),
  ...(c.mapping ? ['--mapping', path.join(ctx.outDir, c.mapping)] : []),
  '--db',
  db,
  '--json',
];

/** A failed import into a copy of the clean sample's ledger must leave that copy as it was. */
async function unchangedAfterFailure(ctx: RunContext, c: Case, base: Baseline, dir: string): Promise<boolean | undefined> {
  const db = path.join(dir, 'seeded.duckdb');
  fs.copyFileSync(base.db, db);
  const before = await scanLedger(db, undefined, []);
  const r = cli(ctx, importArgs(ctx, c, db));
  if (r.status === 0) return undefined; // it imported here (the clean rows were already in): nothing to compare
  const after = await scanLedger(db, undefined, []);
  return JSON.stringify(before) === JSON.stringify(after);
}

/** Imports one case into a fresh ledger, reads it back and checks it. */
export async function runCase(ctx: RunContext, c: Case): Promise<CaseResult> {
  const t = Date.now();
  const dir = path.join(ctx.outDir, 'ledgers', c.id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'ledger.duckdb');
  const tails = c.secrets.map(secretTail);
  const imp = cli(ctx, importArgs(ctx, c, db));
  const report = imp.status === 0 ? parseJson<ImportJson>(imp.stdout) : undefined;
  const scan = await scanLedger(db, report?.import_id, tails);
  const o: Outcome = { c, damagedPath: path.join(ctx.outDir, c.damaged), runs: [imp], report, scan, tails };
  if (scan.totals.usage_rows > 0) {
    const doctor = cli(ctx, ['doctor', '--json', '--db', db]);
    o.runs.push(doctor);
    o.implausible = parseJson<{ implausible_rows: number }>(doctor.stdout)?.implausible_rows;
  }
  if (tails.length && scan.exists) o.runs.push(cli(ctx, ['rejects', '--json', '--limit', '100000', '--db', db]), cli(ctx, ['query', 'ledger_rows', '--json', '--db', db]));
  const base = ctx.baselines.get(c.sample);
  if (imp.status !== 0 && base) o.unchangedAfterFailure = await unchangedAfterFailure(ctx, c, base, dir);
  if (c.mutation === 'original' && imp.status === 0 && !c.pair) ctx.baselines.set(c.sample, { totals: scan.totals, files: scan.importFiles, db });
  const failures = checkOutcome(o, base);
  return { c, status: imp.status, error: imp.status === 0 ? undefined : errorText(imp), totals: report?.totals, failures, ms: Date.now() - t };
}

const errorText = (r: CliRun) => r.stderr.split('\n').filter((l) => l.startsWith('recount: ') || l.startsWith('hint: ')).join(' / ') || r.stderr.slice(0, 300);

/** Runs the cases one after another (the clean samples first), logging one line per case. */
export async function runAll(ctx: RunContext, cases: Case[]): Promise<CaseResult[]> {
  const ordered = [...cases.filter((c) => c.mutation === 'original'), ...cases.filter((c) => c.mutation !== 'original')];
  const results: CaseResult[] = [];
  for (const [k, c] of ordered.entries()) {
    const r = await runCase(ctx, c);
    results.push(r);
    ctx.done?.(r);
    const bad = r.failures.map((f) => `${f.level === 'invariant' ? '!' : '~'}${f.check}`).join(' ');
    ctx.log?.(`[${k + 1}/${ordered.length}] ${c.id}: exit ${r.status} ${(r.ms / 1000).toFixed(1)} s ${bad}${r.error ? `\n    ${r.error.slice(0, 300)}` : ''}`);
    fs.rmSync(path.join(ctx.outDir, 'ledgers', c.id, 'seeded.duckdb'), { force: true });
    if (c.mutation !== 'original') fs.rmSync(path.join(ctx.outDir, 'ledgers', c.id), { recursive: true, force: true });
  }
  return results;
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const earlier = flag('--summary-of'); // print an earlier run's summary again
  if (earlier) {
    process.stdout.write(earlierSummary(earlier));
    return;
  }
  const outDir = path.resolve(argv[0] ?? '');
  const only = flag('--only');
  const rerun = flag('--rerun'); // a results.json: only the cases that failed a check there
  const failed = rerun ? new Set((JSON.parse(fs.readFileSync(rerun, 'utf8')) as { results: CaseResult[] }).results.filter((r) => r.failures.length).map((r) => r.c.id)) : undefined;
  const all = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Case[];
  const damaged = all.filter((c) => c.mutation !== 'original' && (!only || new RegExp(only).test(c.id)) && (!failed || failed.has(c.id)));
  // the clean samples are the baselines: only those of the damaged cases chosen
  const samples = new Set(damaged.map((c) => c.sample));
  const cases = [...all.filter((c) => c.mutation === 'original' && samples.has(c.sample)), ...damaged];
  const json = flag('--json');
  const partial = json ? `${json}.partial` : undefined; // one result per line, as the run goes
  if (partial) fs.writeFileSync(partial, '');
  const done = (r: CaseResult) => partial && fs.appendFileSync(partial, `${JSON.stringify(r)}\n`);
  const ctx: RunContext = { root: path.resolve(process.env.RECOUNT_ROOT ?? '.'), outDir, baselines: new Map(), log: (l) => process.stderr.write(`${l}\n`), done };
  const started = Date.now();
  const results = await runAll(ctx, cases);
  const seconds = (Date.now() - started) / 1000;
  if (json) fs.writeFileSync(json, JSON.stringify({ seconds, results }, null, 1));
  if (partial) fs.rmSync(partial, { force: true });
  process.stdout.write(summarize(results, seconds));
  if (results.some((r) => r.failures.some((f) => f.level === 'invariant'))) process.exitCode = 1;
}

/** The summary of an earlier run: its results.json, or the .partial lines of a run that was stopped. */
function earlierSummary(file: string): string {
  if (!file.endsWith('.partial')) {
    const { seconds, results } = JSON.parse(fs.readFileSync(file, 'utf8')) as { seconds: number; results: CaseResult[] };
    return summarize(results, seconds);
  }
  const results = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CaseResult);
  return summarize(results, results.reduce((sum, r) => sum + r.ms / 1000, 0));
}

if (/run\.js$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  });
}
