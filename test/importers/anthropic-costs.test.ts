import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, invoiceTotals, outcome } from './util.js';

const costReport = samples('anthropic', 'cost-report.json');
const costCsv = samples('anthropic', 'console-cost.csv');

describe('anthropic-cost-api: cost report, amounts in cents (manifest §7)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [costReport]);
  });

  it('reads 71 results into invoice lines (no usage rows)', async () => {
    expect(outcome(report, costReport)).toEqual({ format: 'anthropic-cost-api', rows_read: 71, imported: 71, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await ledger.all('SELECT count(*) AS n FROM usage')).toEqual([{ n: 0 }]);
    await expectCountsBalance(ledger, report);
  });

  it('converts cents to dollars: $188.088065, not $18,808.81', async () => {
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(71);
    expect(t.amount).toBeCloseTo(188.08806525, 8);
  });

  it('splits per UTC day', async () => {
    const days = await ledger.all<{ day: string; amount: number }>(
      "SELECT strftime(usage_date, '%Y-%m-%d') AS day, sum(amount_usd) AS amount FROM invoice_lines GROUP BY ALL ORDER BY day",
    );
    expect(days.map((d) => [d.day, Number(d.amount.toFixed(6))])).toEqual([
      ['2026-10-05', 33.020961],
      ['2026-10-06', 34.279387],
      ['2026-10-07', 50.451774],
      ['2026-10-08', 42.11663],
      ['2026-10-09', 28.219314],
    ]);
  });

  it('keeps cost type, service tier and context window', async () => {
    expect(await ledger.all('SELECT cost_type, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { cost_type: 'tokens', n: 66 },
      { cost_type: 'web_search', n: 5 },
    ]);
    expect(await ledger.all('SELECT service_tier, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { service_tier: 'batch', n: 2 },
      { service_tier: 'standard', n: 69 },
    ]);
    expect(await ledger.all('SELECT context_window, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { context_window: '0-200k', n: 69 },
      { context_window: '200k-1M', n: 2 },
    ]);
  });

  it('writes the first result: "367.464" cents = $3.67464', async () => {
    const [row] = await ledger.all(`
      SELECT source, provider, usage_date, model, model_raw, line_item, cost_type, service_tier, context_window, workspace, amount_usd
      FROM invoice_lines WHERE source_line = 1`);
    expect(row).toEqual({
      source: 'anthropic-cost-api',
      provider: 'anthropic',
      usage_date: '2026-10-05',
      model: 'claude-sonnet-4-5',
      model_raw: 'claude-sonnet-4-5-20250929',
      line_item: 'Claude Sonnet 4.5 Usage - Input Tokens',
      cost_type: 'tokens',
      service_tier: 'standard',
      context_window: '0-200k',
      workspace: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
      amount_usd: 3.67464,
    });
  });

  // BUG: token_type_of() (queries/import/create_import_macros.sql) tests 'cache.?read|cached' before 'input', and
  // 'uncached_input_tokens' contains 'cached' — so every uncached-input charge is labelled cache_read.
  it('maps token_type to ledger buckets: uncached_input_tokens is input, not cache_read', async () => {
    const rows = await ledger.all<{ token_type: string; n: number; amount: number }>(`
      SELECT token_type, count(*) AS n, sum(amount_usd) AS amount FROM invoice_lines GROUP BY ALL ORDER BY ALL`);
    expect(rows.map((r) => [r.token_type, r.n, Number(r.amount.toFixed(6))])).toEqual([
      ['cache_read', 14, 33.804787],
      ['cache_write_1h', 4, 3.21515],
      ['cache_write_5m', 14, 28.739034],
      ['input', 17, 60.870622],
      ['output', 17, 60.788472],
      ['web_search', 5, 0.67],
    ]);
  });

  it('re-importing counts 71 duplicates; a revised amount replaces that line', async () => {
    const again = await importPaths(ledger, [costReport]);
    expect(outcome(again, costReport)).toMatchObject({ rows_read: 71, imported: 0, duplicates: 71 });
    const revised = writeTemp('cost-report-revised.json', fs.readFileSync(costReport, 'utf8').replace('"amount": "367.464"', '"amount": "467.464"'));
    const r = await importPaths(ledger, [revised]);
    expect(outcome(r, revised)).toEqual({ format: 'anthropic-cost-api', rows_read: 71, imported: 1, duplicates: 70, rejected: 0, skipped: 0 });
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(71);
    expect(t.amount).toBeCloseTo(189.08806525, 8);
  });

  it('rejects a result whose amount is not a number', async () => {
    const l = await newLedger();
    const file = writeTemp(
      'cost_report.json',
      JSON.stringify({
        data: [
          {
            starting_at: '2026-10-05T00:00:00Z',
            ending_at: '2026-10-06T00:00:00Z',
            results: [
              { currency: 'USD', amount: '250', cost_type: 'tokens', token_type: 'output_tokens', model: 'claude-opus-4-6', description: 'out' },
              { currency: 'USD', amount: 'twelve', cost_type: 'tokens', token_type: 'output_tokens', model: 'claude-opus-4-6', description: 'bad' },
            ],
          },
        ],
      }),
    );
    const r = await importPaths(l, [file]);
    expect(outcome(r, file)).toEqual({ format: 'anthropic-cost-api', rows_read: 2, imported: 1, duplicates: 0, rejected: 1, skipped: 0 });
    expect(await l.all('SELECT token_type, service_tier, amount_usd FROM invoice_lines')).toEqual([{ token_type: 'output', service_tier: 'standard', amount_usd: 2.5 }]);
    const rejects = await l.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0].source_line).toBe(2);
    expect(rejects[0].reason).toMatch(/amount/);
    expect(rejects[0].raw).toContain('twelve');
  });
});

describe('anthropic-cost-csv: Console cost export, dollars (manifest §9)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [costCsv]);
  });

  it('reads 87 rows', async () => {
    expect(outcome(report, costCsv)).toEqual({ format: 'anthropic-cost-csv', rows_read: 87, imported: 87, duplicates: 0, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('sums cost_usd $184.821139 and list_price_usd $191.771837', async () => {
    const t = await invoiceTotals(ledger);
    expect(t.rows).toBe(87);
    expect(t.amount).toBeCloseTo(184.821139, 6);
    expect(t.list).toBeCloseTo(191.771837, 6);
  });

  it('splits per UTC day', async () => {
    const days = await ledger.all<{ day: string; n: number; amount: number }>(
      "SELECT strftime(usage_date, '%Y-%m-%d') AS day, count(*) AS n, sum(amount_usd) AS amount FROM invoice_lines GROUP BY ALL ORDER BY day",
    );
    expect(days.map((d) => [d.day, d.n, Number(d.amount.toFixed(6))])).toEqual([
      ['2026-10-12', 15, 26.258946],
      ['2026-10-13', 18, 32.577639],
      ['2026-10-14', 20, 54.294167],
      ['2026-10-15', 20, 40.469812],
      ['2026-10-16', 14, 31.220575],
    ]);
  });

  it('maps display model names to canonical ids and token types to ledger buckets', async () => {
    expect(await ledger.all('SELECT model_raw, model, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { model_raw: 'Claude Haiku 4.5', model: 'claude-haiku-4-5', n: 36 },
      { model_raw: 'Claude Opus 4.6', model: 'claude-opus-4-6', n: 24 },
      { model_raw: 'Claude Sonnet 4.5', model: 'claude-sonnet-4-5', n: 27 },
    ]);
    expect(await ledger.all('SELECT token_type, cost_type, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { token_type: 'cache_read', cost_type: 'tokens', n: 18 },
      { token_type: 'cache_write_1h', cost_type: 'tokens', n: 4 },
      { token_type: 'cache_write_5m', cost_type: 'tokens', n: 18 },
      { token_type: 'input', cost_type: 'tokens', n: 21 },
      { token_type: 'output', cost_type: 'tokens', n: 21 },
      { token_type: 'web_search', cost_type: 'web_search', n: 5 },
    ]);
  });

  it('batch rows (billed at 50% of list) and fast-mode rows keep their tier', async () => {
    expect(
      await ledger.all('SELECT source_line, service_tier, token_type, amount_usd, list_amount_usd FROM invoice_lines WHERE service_tier <> $s ORDER BY source_line', {
        s: 'standard',
      }),
    ).toEqual([
      { source_line: 51, service_tier: 'fast', token_type: 'input', amount_usd: 1.83612, list_amount_usd: 1.83612 },
      { source_line: 52, service_tier: 'fast', token_type: 'cache_write_5m', amount_usd: 0.68745, list_amount_usd: 0.68745 },
      { source_line: 53, service_tier: 'fast', token_type: 'cache_read', amount_usd: 1.206354, list_amount_usd: 1.206354 },
      { source_line: 54, service_tier: 'fast', token_type: 'output', amount_usd: 1.48065, list_amount_usd: 1.48065 },
      { source_line: 73, service_tier: 'batch', token_type: 'input', amount_usd: 3.94206, list_amount_usd: 7.88412 },
      { source_line: 74, service_tier: 'batch', token_type: 'output', amount_usd: 3.008637, list_amount_usd: 6.017275 },
    ]);
  });

  it('writes the first row exactly', async () => {
    const [row] = await ledger.all(`
      SELECT source, provider, usage_date, model, line_item, token_type, cost_type, service_tier, context_window, api_key, workspace,
             amount_usd, list_amount_usd
      FROM invoice_lines WHERE source_line = 2`);
    expect(row).toEqual({
      source: 'anthropic-cost-csv',
      provider: 'anthropic',
      usage_date: '2026-10-12',
      model: 'claude-sonnet-4-5',
      line_item: 'input_no_cache',
      token_type: 'input',
      cost_type: 'tokens',
      service_tier: 'standard',
      context_window: '0-200k',
      api_key: 'prod-backend',
      workspace: 'Production',
      amount_usd: 3.605673,
      list_amount_usd: 3.605673,
    });
  });

  it('re-importing counts 87 duplicates', async () => {
    const again = await importPaths(ledger, [costCsv]);
    expect(outcome(again, costCsv)).toMatchObject({ rows_read: 87, imported: 0, duplicates: 87 });
    expect((await invoiceTotals(ledger)).rows).toBe(87);
  });
});
