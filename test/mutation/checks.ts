// The checks on one import of a damaged file. Invariants hold for every import (issue 14's "done
// means"); expectations hold for the mutations that name one (mutations.ts).
import path from 'node:path';
import type { ImportFileRow, LedgerScan, Totals } from './ledger-scan.js';
import type { Case } from './mutate.js';

export interface CliRun {
  args: string[];
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ImportJson {
  import_id: string;
  files: { path: string; format: string; rows_read: number; imported: number; duplicates: number; rejected: number }[];
  totals: { files: number; rows_read: number; imported: number; duplicates: number; rejected: number; skipped: number };
}

export interface Baseline {
  totals: Totals;
  files: ImportFileRow[];
  db: string; // the clean sample's ledger: a seed for the "failed import leaves it unchanged" check
}

export interface Failure {
  check: string;
  level: 'invariant' | 'expectation';
  message: string;
}

export interface Outcome {
  c: Case;
  damagedPath: string; // absolute
  runs: CliRun[]; // the import first, then doctor and the read-back commands
  report?: ImportJson;
  scan: LedgerScan;
  implausible?: number;
  unchangedAfterFailure?: boolean; // a failed import into the baseline's ledger changed nothing
  tails: string[];
}

const STACK = /^\s{4}at /m; // an internal error is caught by its exit code (70)
const LINE_KINDS = ['jsonl', 'csv'];
const BOOKKEEPING = ['settings', 'schema_migrations']; // written when a ledger is created, before any import

/** The first error line (`recount: …`) of a failed run. */
export const errorLine = (r: CliRun) => /^recount: .*$/m.exec(r.stderr)?.[0] ?? r.stderr.split('\n')[0];

function invariants(o: Outcome): Failure[] {
  const out: Failure[] = [];
  const fail = (check: string, message: string) => out.push({ check, level: 'invariant', message });
  const [imp] = o.runs;
  for (const r of o.runs) {
    if (r.status !== 0 && r.status !== 1) fail('exit-0-or-1', `${r.args[0]} exited ${r.status}: ${errorLine(r)}`);
    if (STACK.test(r.stderr)) fail('no-stack-trace', `${r.args[0]}: ${r.stderr.split('\n').find((l) => STACK.test(l))}`);
    for (const tail of o.tails) if (r.stdout.includes(tail) || r.stderr.includes(tail)) fail('no-raw-keys', `${r.args[0]} printed …${tail}`);
  }
  if (imp.status !== 0) {
    const name = path.basename(o.damagedPath);
    if (!imp.stderr.includes(name) || (o.c.pair && !imp.stderr.includes(`${path.sep}damaged${path.sep}`))) fail('error-names-file', errorLine(imp));
    if (!/^hint: \S/m.test(imp.stderr)) fail('error-has-hint', errorLine(imp));
    const line = o.c.line;
    const lineLevel = line !== undefined && LINE_KINDS.includes(o.c.kind) && !o.c.damaged.endsWith('.gz') && !/not a supported format/.test(imp.stderr);
    if (lineLevel && !new RegExp(`(:|line )${line}\\b`).test(errorLine(imp))) fail('error-names-line', `line ${line} not named: ${errorLine(imp)}`);
    if (Object.entries(o.scan.rows).some(([t, n]) => !BOOKKEEPING.includes(t) && n > 0)) fail('failed-import-unchanged', `a fresh ledger holds rows after the failure: ${JSON.stringify(o.scan.rows)}`);
    if (o.unchangedAfterFailure === false) fail('failed-import-unchanged', 'the clean sample\'s ledger changed after the failed import');
  }
  if (imp.status === 0) out.push(...accounting(o));
  if (o.implausible) fail('plausible-usage', `recount doctor: ${o.implausible} implausible rows`);
  for (const leak of o.scan.leaks) fail('no-raw-keys', leak);
  return out;
}

/** rows read = imported + duplicates + rejected, in the JSON and in import_files, and as written. */
function accounting(o: Outcome): Failure[] {
  const out: Failure[] = [];
  const fail = (message: string) => out.push({ check: 'accounting', level: 'invariant', message });
  const r = o.report;
  if (!r) return [{ check: 'accounting', level: 'invariant', message: 'import --json printed no JSON' }];
  for (const f of [...r.files, { ...r.totals, path: 'totals' }]) {
    if (f.rows_read !== f.imported + f.duplicates + f.rejected) fail(`${path.basename(f.path)}: ${f.rows_read} read ≠ ${f.imported} + ${f.duplicates} + ${f.rejected}`);
  }
  const rows = o.scan.importFiles.filter((f) => f.import_id === r.import_id);
  for (const f of rows) {
    if (f.rows_read !== f.imported + f.duplicates + f.rejected) fail(`import_files ${path.basename(f.path)}: ${f.rows_read} read ≠ ${f.imported} + ${f.duplicates} + ${f.rejected}`);
  }
  const sum = (k: 'rows_read' | 'imported' | 'duplicates' | 'rejected') => rows.reduce((n, f) => n + f[k], 0);
  if (rows.length !== r.files.length || sum('rows_read') !== r.totals.rows_read || sum('imported') !== r.totals.imported) {
    fail(`import_files (${rows.length} files, ${sum('rows_read')} read, ${sum('imported')} imported) ≠ import --json (${r.files.length}, ${r.totals.rows_read}, ${r.totals.imported})`);
  }
  // rows that share a bucket's every dimension are summed into one (OpenAI dashboard usage): fewer, never more
  const written = o.scan.written.usage + o.scan.written.invoice_lines;
  if (written > r.totals.imported) fail(`${r.totals.imported} imported, but the import wrote ${written} rows`);
  if (o.scan.written.rejects !== r.totals.rejected) fail(`${r.totals.rejected} rejected, but the import wrote ${o.scan.written.rejects} rejects`);
  return out;
}

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
const sameTotals = (a: Totals, b: Totals) => (Object.keys(a) as (keyof Totals)[]).every((k) => close(Number(a[k]), Number(b[k])));
const showTotals = (t: Totals) => `${t.usage_rows} usage rows, ${t.tokens} tokens, $${+Number(t.billed_cost_usd).toFixed(6)} billed, ${t.invoice_rows} invoice lines, $${+Number(t.amount_usd).toFixed(6)}`;

function expectations(o: Outcome, base: Baseline | undefined): Failure[] {
  const [imp] = o.runs;
  const fail = (check: string, message: string): Failure[] => [{ check, level: 'expectation', message }];
  const expect = o.c.expect;
  if (o.c.pair) return pairExpectation(o, base);
  if (o.c.mutation === 'original' && imp.status !== 0) return fail('row-level', `the clean sample does not import: ${errorLine(imp)}`);
  if (!expect || !base) return [];
  if (expect === 'row-level' || expect === 'same-totals') {
    if (imp.status !== 0) return fail(expect, `the import failed: ${errorLine(imp)}`);
  }
  if (expect === 'same-totals' && !sameTotals(o.scan.totals, base.totals)) {
    return fail(expect, `${showTotals(o.scan.totals)}; the clean sample: ${showTotals(base.totals)}`);
  }
  if (expect === 'no-silent-double' && imp.status === 0 && !sameTotals(o.scan.totals, base.totals)) {
    const [got, want] = [o.scan.totals, base.totals];
    const more = got.tokens > want.tokens || got.billed_cost_usd > want.billed_cost_usd || got.amount_usd > want.amount_usd;
    // a warning naming the file that says its rows repeat (the path is left out: a case's own name says 'twice')
    const warned = imp.stderr.split('\n').some((l) => l.startsWith('warning: ') && l.includes(o.damagedPath) && /repeat|twice|duplicat|concatenated|\d+ times/i.test(l.split(o.damagedPath).join('')));
    if (more && !warned) return fail(expect, `no warning, and ${showTotals(got)}; the clean sample: ${showTotals(want)}`);
    if (!more) return fail('no-silent-loss', `the repeated records were lost: ${showTotals(got)}; the clean sample: ${showTotals(want)}`);
  }
  return [];
}

/** Next to a damaged file, a clean copy is read whole, unless the damage is the document's (design). */
function pairExpectation(o: Outcome, base: Baseline | undefined): Failure[] {
  const [imp] = o.runs;
  if (!base || !(o.c.expect === 'row-level' || o.c.expect === 'same-totals')) return [];
  if (imp.status !== 0) return [{ check: 'pair-good-file-imports', level: 'expectation', message: `the damaged file fails the clean one too: ${errorLine(imp)}` }];
  const good = o.report?.files.find((f) => f.path.includes(`${path.sep}good${path.sep}`));
  const want = base.files.reduce((n, f) => n + f.rows_read, 0);
  if (!good || good.rows_read !== want) return [{ check: 'pair-good-file-imports', level: 'expectation', message: `the clean copy read ${good?.rows_read ?? 'no'} rows, alone ${want}` }];
  return [];
}

/** Every invariant and expectation the outcome breaks. */
export function checkOutcome(o: Outcome, base: Baseline | undefined): Failure[] {
  return [...invariants(o), ...expectations(o, base)];
}
