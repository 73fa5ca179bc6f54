import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { copyWithMtime, expectCountsBalance, outcome, usageTotals } from './util.js';

const first = samples('openai', 'usage-api-completions.json');
const repull = samples('openai', 'usage-api-completions-repull.json');

// manifest §2 (ledger input_tokens = uncached; cache_read = cached)
const FIRST = { rows: 17, requests: 39_955, input: 44_612_797, cache_read: 23_369_728, cache_write_5m: 0, cache_write_1h: 0, output: 10_171_946 };
const REPULL = { rows: 19, requests: 46_690, input: 55_341_862, cache_read: 32_292_736, cache_write_5m: 0, cache_write_1h: 0, output: 13_179_542 };
const MERGED = { rows: 26, requests: 56_962, input: 67_314_949, cache_read: 40_511_744, cache_write_5m: 0, cache_write_1h: 0, output: 16_327_993 };
const MERGED_BY_MODEL = [
  { model_raw: 'gpt-4.1-2025-04-14', model: 'gpt-4.1', results: 3, requests: 435, input_total: 3_447_305, uncached: 2_299_913, cached: 1_147_392, output: 247_698 },
  { model_raw: 'gpt-4.1-mini-2025-04-14', model: 'gpt-4.1-mini', results: 6, requests: 11_634, input_total: 29_130_411, uncached: 13_209_643, cached: 15_920_768, output: 2_557_309 },
  { model_raw: 'gpt-4o-mini-2024-07-18', model: 'gpt-4o-mini', results: 7, requests: 38_920, input_total: 27_440_676, uncached: 27_440_676, cached: 0, output: 2_267_425 },
  { model_raw: 'gpt-5-2025-08-07', model: 'gpt-5', results: 5, requests: 1_984, input_total: 26_813_734, uncached: 11_275_942, cached: 15_537_792, output: 5_252_585 },
  { model_raw: 'o4-mini-2025-04-16', model: 'o4-mini', results: 5, requests: 3_989, input_total: 20_994_567, uncached: 13_088_775, cached: 7_905_792, output: 6_002_976 },
];

async function byModel(ledger: Ledger) {
  return ledger.all(`
    SELECT model_raw, model, count(*) AS results, sum(requests) AS requests,
           sum(input_tokens + cache_read_tokens + cache_write_5m_tokens) AS input_total,
           sum(input_tokens) AS uncached, sum(cache_read_tokens) AS cached, sum(output_tokens) AS output
    FROM usage GROUP BY ALL ORDER BY model_raw`);
}

describe('openai-usage-api: first pull alone', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [first]);
  });

  it('reads 17 results (the empty 2026-10-11 bucket adds nothing) with disjoint buckets', async () => {
    expect(outcome(report, first)).toEqual({ format: 'openai-usage-api', rows_read: 17, imported: 17, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(FIRST);
    // input_tokens in the export includes cached tokens: uncached + cached = 67,982,525
    expect(FIRST.input + FIRST.cache_read).toBe(67_982_525);
    await expectCountsBalance(ledger, report);
  });

  it('writes daily bucket rows with UTC starts, no row for the empty day', async () => {
    const days = await ledger.all(`
      SELECT strftime(started_at, '%Y-%m-%d %H:%M') AS day, bucket_width, count(*) AS n FROM usage GROUP BY ALL ORDER BY day`);
    expect(days.map((d) => d.day)).toEqual(['2026-10-10 00:00', '2026-10-12 00:00', '2026-10-13 00:00', '2026-10-14 00:00']);
    expect(new Set(days.map((d) => d.bucket_width))).toEqual(new Set(['1d']));
    expect(days.reduce((n, d) => n + (d.n as number), 0)).toBe(17);
  });

  it('maps batch=true to service_tier batch and keeps project / api key ids', async () => {
    const tiers = await ledger.all('SELECT service_tier, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL');
    expect(tiers).toEqual([
      { service_tier: 'batch', n: 1 },
      { service_tier: 'standard', n: 16 },
    ]);
    const first = await ledger.all(`
      SELECT source, provider, model, model_raw, requests, input_tokens, cache_read_tokens, output_tokens,
             project, api_key, user_id, started_at, source_line
      FROM usage WHERE source_line = 1`);
    expect(first).toEqual([
      {
        source: 'openai-usage-api',
        provider: 'openai',
        model: 'gpt-4.1-mini',
        model_raw: 'gpt-4.1-mini-2025-04-14',
        requests: 778,
        input_tokens: 754_301,
        cache_read_tokens: 906_624,
        output_tokens: 162_872,
        project: 'proj_Lq8Wd2Xn5VbT7kPz3RmC9hYe',
        api_key: 'key_Tf3Nq8Lw2Zr5Hx9C',
        user_id: null,
        started_at: new Date('2026-10-10T00:00:00Z'),
        source_line: 1,
      },
    ]);
  });
});

describe('openai-usage-api: re-pull of an overlapping range (manifest §2, merged ledger)', () => {
  let ledger: Ledger;
  let r1: ImportReport;
  let r2: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    r1 = await importPaths(ledger, [first]);
    r2 = await importPaths(ledger, [repull]);
  });

  it('the later import replaces the 5 revised results, counts the 5 identical ones as duplicates and adds 9', async () => {
    expect(outcome(r1, first)).toMatchObject({ rows_read: 17, imported: 17, duplicates: 0 });
    expect(outcome(r2, repull)).toEqual({ format: 'openai-usage-api', rows_read: 19, imported: 14, duplicates: 5, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, r2);
  });

  it('holds the merged totals, not the sum of both pulls', async () => {
    expect(await usageTotals(ledger)).toEqual(MERGED);
    expect(await byModel(ledger)).toEqual(MERGED_BY_MODEL);
  });

  it('carries the revised numbers of 2026-10-14 from the re-pull', async () => {
    const rows = await ledger.all(`
      SELECT model_raw, requests, input_tokens + cache_read_tokens AS input_total, cache_read_tokens AS cached, output_tokens, import_id
      FROM usage WHERE started_at = TIMESTAMPTZ '2026-10-14 00:00:00+00' ORDER BY model_raw`);
    expect(rows).toEqual([
      { model_raw: 'gpt-4.1-2025-04-14', requests: 146, input_total: 1_243_024, cached: 425_984, output_tokens: 73_035, import_id: r2.import_id },
      { model_raw: 'gpt-4.1-mini-2025-04-14', requests: 2_084, input_total: 5_630_864, cached: 3_197_440, output_tokens: 500_165, import_id: r2.import_id },
      { model_raw: 'gpt-4o-mini-2024-07-18', requests: 5_693, input_total: 3_623_246, cached: 0, output_tokens: 234_636, import_id: r2.import_id },
      { model_raw: 'gpt-5-2025-08-07', requests: 420, input_total: 5_401_643, cached: 3_025_792, output_tokens: 1_232_729, import_id: r2.import_id },
      { model_raw: 'o4-mini-2025-04-16', requests: 812, input_total: 4_113_558, cached: 1_584_768, output_tokens: 1_399_158, import_id: r2.import_id },
    ]);
    // the 5 identical Oct 13 results keep the first import's rows
    const oct13 = await ledger.all<{ import_id: string; n: number }>(`
      SELECT import_id, count(*) AS n FROM usage WHERE started_at = TIMESTAMPTZ '2026-10-13 00:00:00+00' GROUP BY ALL`);
    expect(oct13).toEqual([{ import_id: r1.import_id, n: 5 }]);
  });

  it('an identical re-import of the re-pull counts 19 duplicates and changes nothing', async () => {
    const before = await usageTotals(ledger);
    const r3 = await importPaths(ledger, [repull]);
    expect(outcome(r3, repull)).toEqual({ format: 'openai-usage-api', rows_read: 19, imported: 0, duplicates: 19, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, r3);
  });
});

describe('openai-usage-api: both pulls in one import run', () => {
  it('the newer file wins each overlapping bucket, whatever the order given', async () => {
    const dir = tempDir();
    // the re-pull is the newer file but is given (and sorts) first
    const newer = copyWithMtime(repull, dir, new Date('2026-10-17T08:00:00Z'), 'a-repull.json');
    const older = copyWithMtime(first, dir, new Date('2026-10-15T08:00:00Z'), 'b-first.json');
    const ledger = await newLedger();
    const report = await importPaths(ledger, [newer, older]);
    expect(outcome(report, newer)).toMatchObject({ rows_read: 19, imported: 19, duplicates: 0 });
    expect(outcome(report, older)).toMatchObject({ rows_read: 17, imported: 7, duplicates: 10 });
    expect(await usageTotals(ledger)).toEqual(MERGED);
    await expectCountsBalance(ledger, report);
  });

  it('with equal modification times the file given last wins', async () => {
    const dir = tempDir();
    const t = new Date('2026-10-17T08:00:00Z');
    const a = copyWithMtime(first, dir, t, 'first.json');
    const b = copyWithMtime(repull, dir, t, 'repull.json');
    const ledger = await newLedger();
    await importPaths(ledger, [a, b]);
    expect(await usageTotals(ledger)).toEqual(MERGED);
  });
});

describe('openai-usage-api: hand-written pages', () => {
  const page = (buckets: unknown[]) => JSON.stringify({ object: 'page', data: buckets, has_more: false, next_page: null }, null, 2);
  const result = (o: Record<string, unknown>) => ({
    object: 'organization.usage.completions.result',
    input_tokens: 0,
    output_tokens: 0,
    input_cached_tokens: 0,
    num_model_requests: 1,
    project_id: null,
    user_id: null,
    api_key_id: null,
    model: 'gpt-4.1-mini-2025-04-14',
    batch: null,
    service_tier: null,
    ...o,
  });

  it('subtracts cached and cache-write tokens from input_tokens; rejects impossible or non-numeric results', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'usage.json',
      page([
        {
          object: 'bucket',
          start_time: 1791590400, // 2026-10-10T00:00Z
          end_time: 1791594000, // +1h
          results: [
            result({ input_tokens: 1000, input_cached_tokens: 300, input_cache_write_tokens: 100, output_tokens: 50, num_model_requests: 4, service_tier: 'flex' }),
            result({ input_tokens: 10, input_cached_tokens: 20, output_tokens: 5, model: 'gpt-4o-mini' }),
            result({ input_tokens: 'many', output_tokens: 5, model: 'o4-mini' }),
          ],
        },
        { object: 'bucket', start_time: 1791594000, end_time: 1791597600, results: [] },
      ]),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openai-usage-api', rows_read: 3, imported: 1, duplicates: 0, rejected: 2, skipped: 0 });
    expect(
      await ledger.all(
        'SELECT started_at, bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier FROM usage',
      ),
    ).toEqual([
      {
        started_at: new Date('2026-10-10T00:00:00Z'),
        bucket_width: '1h',
        requests: 4,
        input_tokens: 600,
        cache_read_tokens: 300,
        cache_write_5m_tokens: 100,
        cache_write_1h_tokens: 0,
        output_tokens: 50,
        service_tier: 'flex',
      },
    ]);
    const rejects = await ledger.all<{ source_file: string; source_line: number; format: string; reason: string; raw: string }>(
      'SELECT source_file, source_line, format, reason, raw FROM rejects ORDER BY source_line',
    );
    expect(rejects.map((r) => [r.source_file, r.source_line, r.format])).toEqual([
      [file, 2, 'openai-usage-api'],
      [file, 3, 'openai-usage-api'],
    ]);
    expect(rejects[0].reason).toMatch(/cached/);
    expect(rejects[0].raw).toContain('gpt-4o-mini');
    expect(rejects[1].reason).toMatch(/input_tokens/);
    expect(rejects[1].raw).toContain('"many"');
    await expectCountsBalance(ledger, report);
  });
});
