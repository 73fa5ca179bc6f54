import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { runCli, tempDir } from '../helpers.js';

interface ForensicsJson {
  total_cost_usd: number;
  findings: { kind: string; title: string; impact_usd: number | null; evidence: Record<string, unknown> }[];
}

describe('recount forensics on a synthetic month of coding-agent traffic', () => {
  const month = generateSyntheticMonth(7);
  const db = path.join(tempDir(), 'month.duckdb');
  let out: ForensicsJson;

  beforeAll(async () => {
    const ledger = await Ledger.open(db);
    await loadRows(ledger, month.rows);
    ledger.close();
    const r = runCli(['forensics', '--db', db, '--json']);
    expect(r.stderr).toBe('');
    out = JSON.parse(r.stdout);
  });

  it('finds exactly the planted cache breaks', () => {
    const breaks = out.findings.find((f) => f.kind === 'cache_breaks')!;
    expect(breaks.evidence.breaks).toBe(month.planted.prefixBreaks.length);
    expect(breaks.title).toMatch(new RegExp(`^${month.planted.prefixBreaks.length} cache breaks in \\d+ sessions cost \\$[\\d,.]+ more than cache reads would have$`));
  });

  it('ranks findings by dollars and names the concentration on one model', () => {
    const impacts = out.findings.map((f) => f.impact_usd ?? Infinity);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    expect(out.findings.some((f) => f.kind === 'concentration' && /of spend \(\$[\d,.]+ of \$[\d,.]+\) is claude-/.test(f.title))).toBe(true);
  });

  it('human output lists the same findings with the query to run', () => {
    const r = runCli(['forensics', '--db', db]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^forensics for all time: \$[\d,.]+ across [\d,]+ records/);
    expect(r.stdout).toContain('detail: recount query cache_breaks_by_session');
  });
});

describe('recount forensics on the bundled samples', () => {
  it('runs and reports a reconciliation with no unexplained invoice gap', () => {
    const db = path.join(tempDir(), 'samples.duckdb');
    expect(runCli(['import', 'samples/openai', 'samples/anthropic', 'samples/claude-code', '--db', db]).status).toBe(0);
    const r = runCli(['forensics', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ForensicsJson;
    expect(out.findings.filter((f) => f.kind === 'reconciliation')).toEqual([]); // the sample invoices match their usage
    expect(out.findings.some((f) => f.kind === 'cache_breaks' && f.evidence.breaks === 1)).toBe(true); // the one planted in the sample
  });
});
