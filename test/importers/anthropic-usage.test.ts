import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

const report_ = samples('anthropic', 'usage-report.json');
const consoleCsv = samples('anthropic', 'console-usage.csv');
const legacyCsv = samples('anthropic', 'console-usage-legacy.csv');

describe('anthropic-usage-api: usage report (manifest §6)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [report_]);
  });

  it('reads 17 results into 17 daily bucket rows', async () => {
    expect(outcome(report, report_)).toEqual({ format: 'anthropic-usage-api', rows_read: 17, imported: 17, duplicates: 0, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('keeps the disjoint buckets as reported (no request counts)', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 17,
      requests: null,
      input: 34_986_491,
      cache_write_5m: 8_586_183,
      cache_write_1h: 321_515,
      cache_read: 124_775_364,
      output: 6_968_111,
    });
    expect(await ledger.all('SELECT sum(web_search_requests) AS ws FROM usage')).toEqual([{ ws: 67 }]);
  });

  it('splits per model as the manifest does', async () => {
    expect(
      await ledger.all(`
        SELECT model_raw, model, count(*) AS n, sum(input_tokens) AS input, sum(cache_write_5m_tokens) AS w5,
               sum(cache_write_1h_tokens) AS w1, sum(cache_read_tokens) AS cr, sum(output_tokens) AS out
        FROM usage GROUP BY ALL ORDER BY model_raw`),
    ).toEqual([
      { model_raw: 'claude-haiku-4-5-20251001', model: 'claude-haiku-4-5', n: 6, input: 25_225_145, w5: 2_006_208, w1: 0, cr: 28_470_009, out: 4_435_040 },
      { model_raw: 'claude-opus-4-6', model: 'claude-opus-4-6', n: 4, input: 1_223_626, w5: 622_547, w1: 321_515, cr: 10_330_898, out: 337_533 },
      { model_raw: 'claude-sonnet-4-5-20250929', model: 'claude-sonnet-4-5', n: 7, input: 8_537_720, w5: 5_957_428, w1: 0, cr: 85_974_457, out: 2_195_538 },
    ]);
  });

  it('keeps tier, context window, workbench (null key) and default-workspace (null workspace) attribution', async () => {
    expect(await ledger.all('SELECT service_tier, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { service_tier: 'batch', n: 1 },
      { service_tier: 'standard', n: 16 },
    ]);
    expect(await ledger.all('SELECT context_window, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { context_window: '0-200k', n: 16 },
      { context_window: '200k-1M', n: 1 },
    ]);
    expect(await ledger.all("SELECT strftime(started_at, '%Y-%m-%d') AS day FROM usage WHERE api_key IS NULL")).toEqual([{ day: '2026-10-06' }]);
    expect(await ledger.all('SELECT count(*) AS n FROM usage WHERE workspace IS NULL')).toEqual([{ n: 6 }]);
    const days = await ledger.all<{ day: string }>(
      "SELECT DISTINCT strftime(started_at, '%Y-%m-%d %H:%M') AS day, bucket_width FROM usage ORDER BY day",
    );
    expect(days).toEqual(['05', '06', '07', '08', '09'].map((d) => ({ day: `2026-10-${d} 00:00`, bucket_width: '1d' })));
  });

  it('writes the first result exactly', async () => {
    const [row] = await ledger.all(`
      SELECT source, source_line, provider, started_at, bucket_width, model, model_raw, requests, input_tokens, cache_read_tokens,
             cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, web_search_requests, service_tier, context_window,
             api_key, workspace, tags::VARCHAR AS tags
      FROM usage WHERE source_line = 1`);
    expect(row).toEqual({
      source: 'anthropic-usage-api',
      source_line: 1,
      provider: 'anthropic',
      started_at: new Date('2026-10-05T00:00:00Z'),
      bucket_width: '1d',
      model: 'claude-sonnet-4-5',
      model_raw: 'claude-sonnet-4-5-20250929',
      requests: null,
      input_tokens: 1_224_880,
      cache_read_tokens: 16_167_974,
      cache_write_5m_tokens: 1_220_574,
      cache_write_1h_tokens: 0,
      output_tokens: 379_084,
      web_search_requests: 16,
      service_tier: 'standard',
      context_window: '0-200k',
      api_key: 'apikey_01Rj2N8SVvo6BePZj99NhmiT',
      workspace: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
      tags: '{"inference_geo":"global"}',
    });
  });

  it('re-importing counts 17 duplicates', async () => {
    const again = await importPaths(ledger, [report_]);
    expect(outcome(again, report_)).toMatchObject({ rows_read: 17, imported: 0, duplicates: 17 });
    expect((await usageTotals(ledger)).rows).toBe(17);
  });

  it('rejects a result with non-numeric tokens', async () => {
    const l = await newLedger();
    const file = writeTemp(
      'usage_report.json',
      JSON.stringify({
        data: [
          {
            starting_at: '2026-10-05T00:00:00Z',
            ending_at: '2026-10-05T01:00:00Z',
            results: [
              { uncached_input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 3, model: 'claude-opus-4-6', service_tier: 'priority' },
              { uncached_input_tokens: 'ten', output_tokens: 3, model: 'claude-opus-4-6' },
            ],
          },
        ],
        has_more: false,
      }),
    );
    const r = await importPaths(l, [file]);
    expect(outcome(r, file)).toEqual({ format: 'anthropic-usage-api', rows_read: 2, imported: 1, duplicates: 0, rejected: 1, skipped: 0 });
    expect(await l.all('SELECT bucket_width, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, service_tier FROM usage')).toEqual([
      { bucket_width: '1h', input_tokens: 10, cache_read_tokens: 5, cache_write_5m_tokens: 0, output_tokens: 3, service_tier: 'priority' },
    ]);
    const rejects = await l.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0].source_line).toBe(2);
    expect(rejects[0].reason).toMatch(/uncached_input_tokens/);
    expect(rejects[0].raw).toContain('"ten"');
  });
});

describe('anthropic-usage-csv: Console usage export (manifest §8)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [consoleCsv]);
  });

  it('reads 21 rows', async () => {
    expect(outcome(report, consoleCsv)).toEqual({ format: 'anthropic-usage-csv', rows_read: 21, imported: 21, duplicates: 0, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('has the manifest totals', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 21,
      requests: null,
      input: 35_525_576,
      cache_write_5m: 7_591_159,
      cache_write_1h: 288_891,
      cache_read: 127_314_227,
      output: 6_744_692,
    });
    expect(await ledger.all('SELECT sum(web_search_requests) AS ws FROM usage')).toEqual([{ ws: 60 }]);
  });

  it('maps "≤ 200k"/"> 200k", batch usage and fast speed; api_key is the key name', async () => {
    expect(await ledger.all('SELECT context_window, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { context_window: '0-200k', n: 20 },
      { context_window: '200k-1M', n: 1 },
    ]);
    expect(await ledger.all('SELECT service_tier, count(*) AS n, min(source_line) AS line FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { service_tier: 'batch', n: 1, line: 19 },
      { service_tier: 'fast', n: 1, line: 14 },
      { service_tier: 'standard', n: 19, line: 2 },
    ]);
    expect(await ledger.all('SELECT api_key, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { api_key: 'ci-old', n: 1 },
      { api_key: 'eval-harness', n: 6 },
      { api_key: 'prod-backend', n: 11 },
      { api_key: 'staging-worker', n: 3 },
    ]);
    expect(await ledger.all("SELECT context_window, input_tokens, output_tokens FROM usage WHERE source_line = 13")).toEqual([
      { context_window: '200k-1M', input_tokens: 2_412_876, output_tokens: 28_644 },
    ]);
  });

  it('writes the first row exactly', async () => {
    const [row] = await ledger.all(`
      SELECT source, source_line, started_at, bucket_width, provider, model, model_raw, input_tokens, cache_write_5m_tokens,
             cache_write_1h_tokens, cache_read_tokens, output_tokens, web_search_requests, service_tier, context_window, api_key, workspace
      FROM usage WHERE source_line = 2`);
    expect(row).toEqual({
      source: 'anthropic-usage-csv',
      source_line: 2,
      started_at: new Date('2026-10-12T00:00:00Z'),
      bucket_width: '1d',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      model_raw: 'claude-sonnet-4-5-20250929',
      input_tokens: 1_201_891,
      cache_write_5m_tokens: 1_029_531,
      cache_write_1h_tokens: 0,
      cache_read_tokens: 15_276_311,
      output_tokens: 374_319,
      web_search_requests: 18,
      service_tier: 'standard',
      context_window: '0-200k',
      api_key: 'prod-backend',
      workspace: 'Production',
    });
  });

  it('the legacy variant (one cache-write column) counts cache writes as 5m', async () => {
    const l = await newLedger();
    const r = await importPaths(l, [legacyCsv]);
    expect(outcome(r, legacyCsv)).toEqual({ format: 'anthropic-usage-csv', rows_read: 6, imported: 6, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await usageTotals(l)).toEqual({
      rows: 6,
      requests: null,
      input: 9_211_228,
      cache_write_5m: 2_792_722,
      cache_write_1h: 0,
      cache_read: 49_694_314,
      output: 2_099_980,
    });
    expect(await l.all('SELECT sum(web_search_requests) AS ws FROM usage')).toEqual([{ ws: 20 }]);
  });

  it('both variants in one run: 27 rows, nothing lost to the differing headers', async () => {
    const l = await newLedger();
    const r = await importPaths(l, [consoleCsv, legacyCsv]);
    expect(r.totals).toEqual({ files: 2, rows_read: 27, imported: 27, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await usageTotals(l)).toEqual({
      rows: 27,
      requests: null,
      input: 35_525_576 + 9_211_228,
      cache_write_5m: 7_591_159 + 2_792_722,
      cache_write_1h: 288_891,
      cache_read: 127_314_227 + 49_694_314,
      output: 6_744_692 + 2_099_980,
    });
    expect(await l.all('SELECT source_file, min(source_line) AS lo, max(source_line) AS hi FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { source_file: legacyCsv, lo: 2, hi: 7 },
      { source_file: consoleCsv, lo: 2, hi: 22 },
    ]);
  });

  it('re-importing counts duplicates', async () => {
    const again = await importPaths(ledger, [consoleCsv]);
    expect(outcome(again, consoleCsv)).toMatchObject({ rows_read: 21, imported: 0, duplicates: 21 });
  });

  it('rejects a non-numeric token count with its line; tolerates reordered and extra columns', async () => {
    const l = await newLedger();
    const file = writeTemp(
      'console.csv',
      [
        'model_version,usage_date_utc,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,usage_output_tokens,usage_input_tokens_cache_read,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,web_search_count,inference_geo,speed,brand_new_column',
        'claude-opus-4-6,2026-10-12,k1,W,standard,≤ 200k,100,20,300,40,50,1,global,,x',
        'claude-opus-4-6,2026-10-12,k2,W,standard,≤ 200k,1e,20,300,40,50,1,global,,x',
      ].join('\n') + '\n',
    );
    const r = await importPaths(l, [file]);
    expect(outcome(r, file)).toEqual({ format: 'anthropic-usage-csv', rows_read: 2, imported: 1, duplicates: 0, rejected: 1, skipped: 0 });
    expect(
      await l.all('SELECT api_key, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, web_search_requests FROM usage'),
    ).toEqual([{ api_key: 'k1', input_tokens: 100, output_tokens: 20, cache_read_tokens: 300, cache_write_5m_tokens: 40, cache_write_1h_tokens: 50, web_search_requests: 1 }]);
    const rejects = await l.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0].source_line).toBe(3);
    expect(rejects[0].reason).toMatch(/not a number/);
    expect(rejects[0].raw).toContain('1e');
  });
});
