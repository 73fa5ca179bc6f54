import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, invoiceTotals, outcome } from './util.js';

const costsApi = samples('openai', 'costs-api.json');
const costCsv = samples('openai', 'cost-dashboard.csv');

describe('openai-costs-api: Costs API pages (manifest §3)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [costsApi]);
  });

  it('writes 46 invoice lines and no usage rows', async () => {
    expect(outcome(report, costsApi)).toEqual({ format: 'openai-costs-api', rows_read: 46, imported: 46, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await ledger.all('SELECT count(*) AS n FROM usage')).toEqual([{ n: 0 }]);
    await expectCountsBalance(ledger, report);
  });

  it('totals $79.423532 in dollars', async () => {
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(46);
    expect(t.amount).toBeCloseTo(79.423531625, 9);
    expect(t.list).toBeNull();
  });

  it('splits per UTC day as the manifest does (the empty 2026-10-11 bucket has no lines)', async () => {
    const days = await ledger.all<{ day: string; n: number; amount: number }>(`
      SELECT strftime(usage_date, '%Y-%m-%d') AS day, count(*) AS n, sum(amount_usd) AS amount FROM invoice_lines GROUP BY ALL ORDER BY day`);
    expect(days.map((d) => [d.day, d.n])).toEqual([
      ['2026-10-10', 5],
      ['2026-10-12', 14],
      ['2026-10-13', 13],
      ['2026-10-14', 14],
    ]);
    expect(days.map((d) => Number(d.amount.toFixed(6)))).toEqual([0.827419, 25.580569, 22.757443, 30.258101]);
  });

  it('parses the line item into model and token type; batch line items are batch', async () => {
    const rows = await ledger.all(`
      SELECT token_type, cost_type, service_tier, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL`);
    expect(rows).toEqual([
      { token_type: 'cache_read', cost_type: 'tokens', service_tier: 'standard', n: 12 },
      { token_type: 'input', cost_type: 'tokens', service_tier: 'batch', n: 1 },
      { token_type: 'input', cost_type: 'tokens', service_tier: 'standard', n: 16 },
      { token_type: 'output', cost_type: 'tokens', service_tier: 'batch', n: 1 },
      { token_type: 'output', cost_type: 'tokens', service_tier: 'standard', n: 16 },
    ]);
    const [line] = await ledger.all(`
      SELECT source, provider, usage_date, model, model_raw, line_item, token_type, project, amount_usd, source_line
      FROM invoice_lines WHERE source_line = 1`);
    expect(line).toEqual({
      source: 'openai-costs-api',
      provider: 'openai',
      usage_date: '2026-10-10',
      model: 'gpt-4.1-mini',
      model_raw: 'gpt-4.1-mini-2025-04-14',
      line_item: 'gpt-4.1-mini-2025-04-14, input',
      token_type: 'input',
      project: 'proj_Lq8Wd2Xn5VbT7kPz3RmC9hYe',
      amount_usd: 0.3017204,
      source_line: 1,
    });
  });

  it('re-importing counts 46 duplicates; a revised amount replaces just that line', async () => {
    const again = await importPaths(ledger, [costsApi]);
    expect(outcome(again, costsApi)).toMatchObject({ rows_read: 46, imported: 0, duplicates: 46 });

    const revised = writeTemp('costs-api-revised.json', fs.readFileSync(costsApi, 'utf8').replace('"value": 0.3017204', '"value": 1.3017204'));
    const r3 = await importPaths(ledger, [revised]);
    expect(outcome(r3, revised)).toEqual({ format: 'openai-costs-api', rows_read: 46, imported: 1, duplicates: 45, rejected: 0, skipped: 0 });
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(46);
    expect(t.amount).toBeCloseTo(80.423531625, 9);
    await expectCountsBalance(ledger, r3);
  });

  it('rejects results with a missing amount or a non-USD currency', async () => {
    const l = await newLedger();
    const file = writeTemp(
      'costs.json',
      JSON.stringify({
        object: 'page',
        data: [
          {
            object: 'bucket',
            start_time: 1791590400,
            end_time: 1791676800,
            results: [
              { object: 'organization.costs.result', amount: { value: 1.5, currency: 'usd' }, line_item: 'gpt-5-2025-08-07, output', project_id: 'p1' },
              { object: 'organization.costs.result', amount: { value: 2.5, currency: 'eur' }, line_item: 'gpt-5-2025-08-07, input', project_id: 'p1' },
              { object: 'organization.costs.result', amount: { currency: 'usd' }, line_item: 'gpt-5-2025-08-07, cached input', project_id: 'p1' },
            ],
          },
        ],
      }),
    );
    const r = await importPaths(l, [file]);
    expect(outcome(r, file)).toEqual({ format: 'openai-costs-api', rows_read: 3, imported: 1, duplicates: 0, rejected: 2, skipped: 0 });
    const rejects = await l.all<{ source_line: number; reason: string }>('SELECT source_line, reason FROM rejects ORDER BY source_line');
    expect(rejects.map((x) => x.source_line)).toEqual([2, 3]);
    expect(rejects[0].reason).toMatch(/USD/);
    expect(rejects[1].reason).toMatch(/amount/);
    expect(await l.all('SELECT token_type, amount_usd FROM invoice_lines')).toEqual([{ token_type: 'output', amount_usd: 1.5 }]);
  });
});

describe('openai-cost-csv: dashboard cost export (manifest §5)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [costCsv]);
  });

  it('reads 68 cost rows and skips the time-only row (line 32)', async () => {
    expect(outcome(report, costCsv)).toEqual({ format: 'openai-cost-csv', rows_read: 68, imported: 68, duplicates: 0, rejected: 0, skipped: 1 });
    expect(await ledger.all("SELECT count(*) AS n FROM invoice_lines WHERE usage_date = DATE '2026-10-04'")).toEqual([{ n: 0 }]);
    await expectCountsBalance(ledger, report);
  });

  it('totals $125.612016 (17-decimal amounts kept)', async () => {
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(68);
    expect(t.amount).toBeCloseTo(125.612016075, 9);
    const [first] = await ledger.all('SELECT source_line, line_item, token_type, model, amount_usd FROM invoice_lines WHERE source_line = 2');
    expect(first).toEqual({ source_line: 2, line_item: 'gpt-4.1-2025-04-14, cached input', token_type: 'cache_read', model: 'gpt-4.1', amount_usd: 0.217344 });
  });

  it('splits per UTC day', async () => {
    const days = await ledger.all<{ day: string; n: number; amount: number }>(`
      SELECT strftime(usage_date, '%Y-%m-%d') AS day, count(*) AS n, sum(amount_usd) AS amount FROM invoice_lines GROUP BY ALL ORDER BY day`);
    expect(days.map((d) => [d.day, d.n, Number(d.amount.toFixed(6))])).toEqual([
      ['2026-10-01', 14, 27.941885],
      ['2026-10-02', 11, 30.72568],
      ['2026-10-03', 5, 0.898421],
      ['2026-10-05', 16, 23.556531],
      ['2026-10-06', 11, 17.023965],
      ['2026-10-07', 11, 25.465535],
    ]);
  });

  it('maps line items to token types (cached input → cache_read; batch and flex → their tiers)', async () => {
    const rows = await ledger.all('SELECT token_type, service_tier, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL');
    expect(rows).toEqual([
      { token_type: 'cache_read', service_tier: 'flex', n: 1 },
      { token_type: 'cache_read', service_tier: 'standard', n: 17 },
      { token_type: 'input', service_tier: 'batch', n: 1 },
      { token_type: 'input', service_tier: 'flex', n: 1 },
      { token_type: 'input', service_tier: 'standard', n: 23 },
      { token_type: 'output', service_tier: 'batch', n: 1 },
      { token_type: 'output', service_tier: 'flex', n: 1 },
      { token_type: 'output', service_tier: 'standard', n: 23 },
    ]);
  });

  it('re-importing counts 68 duplicates and adds nothing', async () => {
    const again = await importPaths(ledger, [costCsv]);
    expect(outcome(again, costCsv)).toEqual({ format: 'openai-cost-csv', rows_read: 68, imported: 0, duplicates: 68, rejected: 0, skipped: 1 });
    expect((await invoiceTotals(ledger)).rows).toBe(68);
  });

  it('sums rows with the same bucket, line item and project; rejects a non-numeric amount', async () => {
    const l = await newLedger();
    const file = writeTemp(
      'cost.csv',
      [
        'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name',
        '1790812800,1790899200,,,0.25,usd,"gpt-5-2025-08-07, output",proj_a,org-1,Acme',
        '1790812800,1790899200,,,0.50000000000000001,usd,"gpt-5-2025-08-07, output",proj_a,org-1,Acme',
        '1790812800,1790899200,,,n/a,usd,"gpt-5-2025-08-07, input",proj_a,org-1,Acme',
      ].join('\r\n') + '\r\n',
    );
    const r = await importPaths(l, [file]);
    expect(outcome(r, file)).toEqual({ format: 'openai-cost-csv', rows_read: 3, imported: 2, duplicates: 0, rejected: 1, skipped: 0 });
    expect(await l.all('SELECT source_line, usage_date, line_item, token_type, project, amount_usd FROM invoice_lines')).toEqual([
      { source_line: 2, usage_date: '2026-10-01', line_item: 'gpt-5-2025-08-07, output', token_type: 'output', project: 'proj_a', amount_usd: 0.75 },
    ]);
    expect(await l.all('SELECT source_line, reason FROM rejects')).toEqual([{ source_line: 4, reason: 'amount_value is not a number' }]);
    await expectCountsBalance(l, r);
  });
});
