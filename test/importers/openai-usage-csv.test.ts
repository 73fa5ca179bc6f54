import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

const dashboard = samples('openai', 'usage-dashboard.csv');
const HEADER =
  'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_audio_tokens,output_audio_tokens';

describe('openai-usage-csv: the dashboard export (manifest §4)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [dashboard]);
  });

  it('reads 26 usage rows, skips the time-only day (line 13)', async () => {
    expect(outcome(report, dashboard)).toEqual({ format: 'openai-usage-csv', rows_read: 26, imported: 26, duplicates: 0, rejected: 0, skipped: 1 });
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE started_at = TIMESTAMPTZ '2026-10-04 00:00:00+00'")).toEqual([{ n: 0 }]);
    await expectCountsBalance(ledger, report);
  });

  it('sums every usage row: input_tokens split into uncached + cached', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 25, // lines 20 and 21 share every dimension and become one bucket row
      requests: 57_321,
      input: 67_807_599,
      cache_read: 40_113_024,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 16_106_912,
    });
  });

  it('sums (does not dedupe) lines 20 and 21, which share all visible dimensions', async () => {
    const rows = await ledger.all(`
      SELECT source_line, started_at, bucket_width, project, api_key, user_id, model, model_raw, service_tier, requests,
             input_tokens, cache_read_tokens, output_tokens
      FROM usage WHERE started_at = TIMESTAMPTZ '2026-10-06 00:00:00+00' AND model_raw = 'gpt-4.1-mini-2025-04-14'`);
    expect(rows).toEqual([
      {
        source_line: 20,
        started_at: new Date('2026-10-06T00:00:00Z'),
        bucket_width: '1d',
        project: 'proj_Lq8Wd2Xn5VbT7kPz3RmC9hYe',
        api_key: 'key_Tf3Nq8Lw2Zr5Hx9C',
        user_id: null,
        model: 'gpt-4.1-mini',
        model_raw: 'gpt-4.1-mini-2025-04-14',
        service_tier: 'standard',
        requests: 2476 + 299,
        input_tokens: 5_444_828 + 824_570 - (2_916_864 + 461_952),
        cache_read_tokens: 2_916_864 + 461_952,
        output_tokens: 498_654 + 72_928,
      },
    ]);
  });

  it('maps batch=TRUE to batch and service_tier flex to flex', async () => {
    const tiers = await ledger.all('SELECT service_tier, count(*) AS n, min(source_line) AS line FROM usage GROUP BY ALL ORDER BY ALL');
    expect(tiers).toEqual([
      { service_tier: 'batch', n: 1, line: 16 },
      { service_tier: 'flex', n: 1, line: 24 },
      { service_tier: 'standard', n: 23, line: 2 },
    ]);
  });

  it('re-importing the same export counts every row as a duplicate', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [dashboard]);
    expect(outcome(again, dashboard)).toEqual({ format: 'openai-usage-csv', rows_read: 26, imported: 0, duplicates: 26, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });

  it('keys a bucket by an MD5 of its dimensions, and a ledger keyed the older way still matches a re-import', async () => {
    const file = writeTemp('one-bucket.csv', `${HEADER}\n1791676800,1791763200,,,proj_a,3,user-1,key_a,gpt-5-2025-08-07,FALSE,default,100,10,20,0,0\n`);
    const oldKey = '1791676800|1791763200|proj_a|user-1|key_a|gpt-5-2025-08-07|false|default'; // the dimensions joined
    const older = await newLedger();
    await importPaths(older, [file]);
    const [{ record_key }] = await older.all<{ record_key: string }>('SELECT record_key FROM usage');
    expect(record_key).toMatch(/^[0-9a-f]{32}$/);
    // a ledger written before migration 007: the old key, the migration not yet applied
    await older.run('UPDATE usage SET record_key = $k', { k: oldKey });
    await older.run('DELETE FROM schema_migrations WHERE version = 7');
    older.close();
    const reopened = await Ledger.open(older.path); // migrates
    expect(await reopened.all('SELECT record_key FROM usage')).toEqual([{ record_key }]);
    const again = await importPaths(reopened, [file]);
    expect(outcome(again, file)).toMatchObject({ imported: 0, duplicates: 1 });
    expect(await reopened.all('SELECT count(*) AS n FROM usage')).toEqual([{ n: 1 }]);
    reopened.close();
  });
});

describe('openai-usage-csv: awkward files', () => {
  it('reads a CSV with a BOM, CRLF line endings and a quoted comma (test/fixtures/bad/crlf-bom-usage.csv)', async () => {
    const ledger = await newLedger();
    const file = fixtures('bad', 'crlf-bom-usage.csv');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openai-usage-csv', rows_read: 6, imported: 6, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual({
      rows: 6,
      requests: 11_439,
      input: 12_347_361,
      cache_read: 9_468_800,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 2_654_554,
    });
    // the BOM did not eat the start_time column and the CR did not stick to the last one
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE started_at IS NULL OR model_raw LIKE '%\r%'")).toEqual([{ n: 0 }]);
    expect(await ledger.all('SELECT source_line, api_key, model_raw, requests FROM usage WHERE source_line = 6')).toEqual([
      { source_line: 6, api_key: 'key_abc,def', model_raw: 'gpt-4o-mini-2024-07-18', requests: 3591 },
    ]);
    expect(await ledger.all('SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0 }]);
  });

  it('rejects the row with a non-numeric token count (test/fixtures/bad/wrong-types.csv line 5) and keeps the rest', async () => {
    const ledger = await newLedger();
    const file = fixtures('bad', 'wrong-types.csv');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openai-usage-csv', rows_read: 6, imported: 5, duplicates: 0, rejected: 1, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual({
      rows: 5,
      requests: 3_543,
      input: 9_299_785,
      cache_read: 8_764_544,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 3_871_686,
    });
    const rejects = await ledger.all<{ source_file: string; source_line: number; format: string; reason: string; raw: string }>(
      'SELECT source_file, source_line, format, reason, raw FROM rejects',
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ source_file: file, source_line: 5, format: 'openai-usage-csv' });
    expect(rejects[0].reason).toMatch(/not a number/);
    expect(rejects[0].raw).toContain('lots');
    await expectCountsBalance(ledger, report);
  });

  it('accepts float counts, reordered columns, missing optional columns, and sums identical-dimension rows', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'reordered.csv',
      [
        // no *_iso, user_id, audio or cached columns; order shuffled
        'model,input_tokens,output_tokens,start_time,end_time,num_model_requests,project_id,api_key_id,batch,service_tier',
        'gpt-5-2025-08-07,1000.0,10.0,1791676800,1791763200,388.0,proj_a,key_a,FALSE,default',
        'gpt-5-2025-08-07,500,5,1791676800,1791763200,12,proj_a,key_a,FALSE,default',
        'gpt-5-2025-08-07,70,7,1791676800,1791763200,1,proj_a,key_a,TRUE,default',
        ',,,1791763200,1791849600,,,,,',
      ].join('\n') + '\n',
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openai-usage-csv', rows_read: 3, imported: 3, duplicates: 0, rejected: 0, skipped: 1 });
    expect(
      await ledger.all('SELECT source_line, service_tier, requests, input_tokens, cache_read_tokens, output_tokens FROM usage ORDER BY source_line'),
    ).toEqual([
      { source_line: 2, service_tier: 'standard', requests: 400, input_tokens: 1500, cache_read_tokens: 0, output_tokens: 15 },
      { source_line: 4, service_tier: 'batch', requests: 1, input_tokens: 70, cache_read_tokens: 0, output_tokens: 7 },
    ]);
  });

  it('rejects a row whose cached tokens exceed its input tokens', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'cached.csv',
      [HEADER, '1791676800,1791763200,,,proj_a,3,,key_a,gpt-4.1-2025-04-14,FALSE,default,100,10,200,0,0'].join('\n') + '\n',
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toMatchObject({ rows_read: 1, imported: 0, rejected: 1 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects')).toEqual([{ source_line: 2, reason: 'input_cached_tokens exceed input_tokens' }]);
  });
});
