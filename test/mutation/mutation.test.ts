import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, tempDir } from '../helpers.js';
import { checkOutcome, type CliRun, type Outcome } from './checks.js';
import { scanLedger, type LedgerScan } from './ledger-scan.js';
import { generate, type Case } from './mutate.js';
import { runCase, type CaseResult, type RunContext } from './run.js';
import { knownOf } from './summary.js';
import { SECRETS, secretTail } from './values.js';

// A fixed subset of the mutation run (issue 14): damaged copies of the bundled samples, each imported by
// the real CLI (bin/recount.js → dist) into a fresh ledger and checked. scripts/mutation-run.sh runs all
// of them (~1,450 imports). A case marked `known` shows a diagnosed failure (summary.ts KNOWN: issue 14's
// list and what the first full run found): its every-check test runs under it.fails, so it starts failing
// once the importer is fixed — then drop `known` and the case stays as a regression test.

interface Pick {
  sample: string;
  mutation: string;
  pair?: boolean;
  known?: string; // summary.ts KNOWN id
}

const CC = 'claude-code/projects/-home-dev-acme-web/6661f48b-9a43-434a-af39-b2191812d92a.jsonl';
const CODEX = 'codex/sessions/2026/10/14/rollout-2026-10-14T09-12-03-01a139ae-dca3-798e-9bcb-82034fba541e.jsonl';
const SUBSET: Pick[] = [
  { sample: 'openai/usage-dashboard.csv', mutation: 'concat-twice' }, // issue 14's csv-repeat-doubles: now warns
  { sample: 'openai/usage-dashboard.csv', mutation: 'dup-block' }, // issue 14's csv-repeat-doubles: a repeated block warns too
  { sample: 'openai/usage-dashboard.csv', mutation: 'invalid-byte' },
  { sample: 'openai/usage-dashboard.csv', mutation: 'secret-sk-proj' },
  { sample: 'anthropic/console-usage.csv', mutation: 'nan-string' },
  { sample: CC, mutation: 'utf8-cut-end' },
  { sample: CC, mutation: 'invalid-byte', pair: true },
  { sample: CC, mutation: 'huge-9e18' },
  { sample: CC, mutation: 'secret-bearer' },
  { sample: CODEX, mutation: 'dup-block' },
  { sample: 'litellm/spend-logs.json', mutation: 'bom' },
  { sample: 'litellm/spend-logs.jsonl', mutation: 'secret-akia' },
  { sample: 'helicone/requests.csv', mutation: 'drop-column' },
  { sample: 'langfuse/observations-page-1.json', mutation: 'date-9999' },
  { sample: 'openai/costs-api.json', mutation: 'wrong-type' },
  { sample: 'bedrock/invocation-logs-s3.jsonl', mutation: 'gzip-truncated' },
  { sample: 'gemini/vertex-responses.jsonl', mutation: 'garbage-line' },
  { sample: 'portkey/logs-week-41.jsonl', mutation: 'empty' },
  { sample: 'mapping/acme-gateway.csv', mutation: 'null' },
];

const idOf = (p: Pick) => `${p.sample.replace(/[^A-Za-z0-9]+/g, '-')}--${p.mutation}${p.pair ? '--pair' : ''}`;
const wants = (p: Pick, sample: string, mutation: string, pair: boolean) => p.sample === sample && p.mutation === mutation && !!p.pair === pair;
/** The clean samples whose totals an expectation compares with. */
const needsBaseline = (c: Case) => c.expect === 'same-totals' || c.expect === 'no-silent-double' || c.pair;

describe('mutation run, CI subset: damaged samples through the real CLI', () => {
  const results = new Map<string, CaseResult>();
  let cases: Case[] = [];

  beforeAll(async () => {
    const outDir = tempDir('recount-mutation-');
    cases = generate(path.join(root, 'samples'), outDir, {
      only: (sample, mutation, pair) => SUBSET.some((p) => wants(p, sample, mutation, pair)) || (mutation === 'original' && !pair),
    });
    const ctx: RunContext = { root, outDir, baselines: new Map() };
    const picked = cases.filter((c) => c.mutation !== 'original');
    const baselines = new Set(picked.filter(needsBaseline).map((c) => c.sample));
    for (const c of cases.filter((o) => o.mutation === 'original' && baselines.has(o.sample))) results.set(c.id, await runCase(ctx, c));
    for (const c of picked) results.set(c.id, await runCase(ctx, c));
  }, 300_000);

  it('generates every picked case, and the clean samples it compares with import cleanly', () => {
    expect(SUBSET.map(idOf).filter((id) => !cases.some((c) => c.id === id))).toEqual([]);
    const originals = [...results.values()].filter((r) => r.c.mutation === 'original');
    expect(originals.length).toBeGreaterThanOrEqual(4);
    for (const r of originals) expect([r.status, r.failures], r.c.id).toEqual([0, []]);
  });

  for (const p of SUBSET) {
    const id = idOf(p);
    it(`${id}: exit 0 or 1, no stack trace, the file and a hint named, counts balanced, plausible, no raw key`, () => {
      const r = results.get(id)!;
      expect(r.failures.filter((f) => f.level === 'invariant' && !knownOf(r, f))).toEqual([]);
    });
    if (p.known) {
      it.fails(`${id}: every check passes (known failure: ${p.known}, see summary.ts KNOWN)`, () => expect(results.get(id)!.failures).toEqual([]));
    } else if (!['empty', 'drop-column'].includes(p.mutation)) {
      it(`${id}: ${p.mutation} ends as a sound importer would end it`, () => {
        const r = results.get(id)!;
        expect(r.c.expect, 'the case has an expectation').toBeDefined();
        expect(r.failures.filter((f) => f.level === 'expectation')).toEqual([]);
      });
    }
  }

  it('the known cases fail for their diagnosed reason only, and no other case fails a check', () => {
    for (const p of SUBSET) {
      const r = results.get(idOf(p))!;
      const reasons = r.failures.map((f) => knownOf(r, f) ?? `new: ${f.check}: ${f.message}`);
      expect(reasons, r.c.id).toEqual(p.known ? reasons.map(() => p.known) : []);
    }
  });
});

describe('mutation run: the generator and the checks', () => {
  const hashAll = (dir: string) =>
    (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Case[]).map((c) => crypto.createHash('sha1').update(fs.readFileSync(path.join(dir, c.damaged))).digest('hex'));

  it('is deterministic, damages every copy but the original, and makes over 1,000 files from every sample folder', () => {
    const only = (s: string) => s.startsWith('openai/') || s.startsWith('claude-code/');
    const [a, b] = [tempDir(), tempDir()];
    const cases = generate(path.join(root, 'samples'), a, { only });
    generate(path.join(root, 'samples'), b, { only });
    expect(hashAll(a)).toEqual(hashAll(b));
    for (const c of cases.filter((k) => !k.pair)) {
      const same = fs.readFileSync(path.join(a, c.damaged)).equals(fs.readFileSync(path.join(root, 'samples', c.sample)));
      expect(same, c.id).toBe(c.mutation === 'original');
    }
    const all = generate(path.join(root, 'samples'), tempDir());
    expect(all.filter((c) => !c.pair).length).toBeGreaterThan(1000);
    expect(new Set(all.map((c) => c.sample.split('/')[0])).size).toBeGreaterThanOrEqual(12); // every sample folder
  });

  it('finds a planted tail in any text column of a ledger, lists and maps included', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    const instance = await DuckDBInstance.create(db);
    const conn = await instance.connect();
    await conn.run("CREATE TABLE usage (api_key VARCHAR, tools VARCHAR[], tags MAP(VARCHAR, VARCHAR), n BIGINT)");
    await conn.run("INSERT INTO usage VALUES ('k', ['Read'], MAP {'team': 'x AKIAMUTATIONTESTKEY7'}, 1), ('sk-proj-…masked', ['Bash'], MAP {}, 2)");
    conn.closeSync();
    instance.closeSync();
    const scan = await scanLedger(db, undefined, [secretTail(SECRETS.akia), secretTail(SECRETS['sk-proj'])]);
    expect(scan.leaks).toEqual([`usage.tags: …${secretTail(SECRETS.akia)}`]);
  });

  it('reports an internal error, a stack trace, an unbalanced count, a leak and an unnamed file', () => {
    const c: Case = { id: 'x', sample: 'a/b.jsonl', kind: 'jsonl', mutation: 'invalid-byte', damaged: 'cases/x/a/b.jsonl', inputs: [], line: 7, secrets: [], pair: false };
    const scan: LedgerScan = { exists: true, rows: {}, importFiles: [], written: { usage: 0, invoice_lines: 0, rejects: 0 }, totals: { usage_rows: 0, tokens: 0, billed_cost_usd: 0, invoice_rows: 0, amount_usd: 0 }, leaks: ['usage.api_key: …tail'] };
    const run = (status: number, stderr: string, stdout = ''): CliRun => ({ args: ['import'], status, stdout, stderr, ms: 1 });
    const checks = (o: Partial<Outcome>) => checkOutcome({ c, damagedPath: '/t/cases/x/a/b.jsonl', runs: [], scan, tails: [], ...o } as Outcome, undefined).map((f) => f.check);
    expect(checks({ runs: [run(70, 'recount: internal error: boom\n    at f (x.js:1:1)\n')] })).toEqual(expect.arrayContaining(['exit-0-or-1', 'no-stack-trace', 'error-names-file', 'error-has-hint', 'no-raw-keys']));
    expect(checks({ runs: [run(1, 'recount: /t/cases/x/a/b.jsonl: bad\nhint: fix it\n')] })).toContain('error-names-line');
    const report = { import_id: 'i', files: [{ path: '/t/b.jsonl', format: 'f', rows_read: 5, imported: 3, duplicates: 0, rejected: 1 }], totals: { files: 1, rows_read: 5, imported: 3, duplicates: 0, rejected: 1, skipped: 0 } };
    expect(new Set(checks({ runs: [run(0, '', JSON.stringify(report))], report, scan: { ...scan, leaks: [] } }))).toEqual(new Set(['accounting']));
  });
});
