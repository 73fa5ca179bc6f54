import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { readHead } from '../../src/importers/common/file-head.js';
import { detectImporter, importers } from '../../src/importers/registry.js';
import { RecountError } from '../../src/errors.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const jsonlExport = samples('helicone', 'requests.jsonl');
const jsonExport = samples('helicone', 'requests.json');
const csvExport = samples('helicone', 'requests.csv');
const ZERO = '00000000-0000-0000-0000-000000000000';

/** One Helicone export record (the JSONL/JSON shape), OpenAI-style unless overridden. */
function heliconeRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    request_id: 'a0000000-0000-4000-8000-000000000001',
    request_created_at: '2026-10-21T10:00:00.000Z',
    request_user_id: 'usr_8f2k1q',
    request_properties: { task: 'ticket-triage' },
    request_model: 'gpt-4.1-mini',
    provider: 'OPENAI',
    response_status: 200,
    delay_ms: 812,
    prompt_tokens: 1500,
    completion_tokens: 120,
    reasoning_tokens: 0,
    prompt_cache_read_tokens: 1024,
    prompt_cache_write_tokens: 0,
    cost: 0.0005964,
    cache_reference_id: ZERO,
    ...over,
  };
}
const line = (over: Record<string, unknown> = {}) => JSON.stringify(heliconeRecord(over));
/** The ledger's tags column comes back as JSON text. */
const withTags = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags }));

describe('helicone: the sample exports (JSONL, JSON array, CSV)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('helicone')]);
  });

  it('detects the JSONL and the JSON array as helicone-jsonl and the CSV as helicone-csv', () => {
    expect(report.files.map((f) => [path.basename(f.path), f.format])).toEqual([
      ['requests.csv', 'helicone-csv'],
      ['requests.json', 'helicone-jsonl'],
      ['requests.jsonl', 'helicone-jsonl'],
    ]);
    for (const file of [jsonlExport, jsonExport, csvExport]) {
      const matching = importers.filter((i) => i.detect(readHead(file))).map((i) => i.id);
      expect(matching, file).toHaveLength(1);
    }
  });

  it('counts page-boundary repeats and the overlap between exports as duplicates', async () => {
    // CSV: 10 rows, one repeated at a page boundary
    expect(outcome(report, csvExport)).toEqual({ format: 'helicone-csv', rows_read: 10, imported: 9, duplicates: 1, rejected: 0, skipped: 0 });
    // JSON array (read first): 9 requests
    expect(outcome(report, jsonExport)).toEqual({ format: 'helicone-jsonl', rows_read: 9, imported: 9, duplicates: 0, rejected: 0, skipped: 0 });
    // JSONL: 28 lines = 24 requests + 4 page-boundary repeats; 3 of the 24 are also in the JSON export
    expect(outcome(report, jsonlExport)).toEqual({ format: 'helicone-jsonl', rows_read: 28, imported: 21, duplicates: 7, rejected: 0, skipped: 0 });
    expect(report.totals).toEqual({ files: 3, rows_read: 47, imported: 39, duplicates: 8, rejected: 0, skipped: 0 });
    expect(report.warnings).toEqual([]);
    await expectCountsBalance(ledger, report);
    // every Helicone format is one source kind: a request counts once whichever export it came in
    const keys = await ledger.all('SELECT source, count(*) AS n, count(DISTINCT record_key) AS d FROM usage GROUP BY ALL ORDER BY ALL');
    expect(keys).toEqual([{ source: 'helicone', n: 39, d: 39 }]);
  });

  it('splits tokens into disjoint buckets: OpenAI prompt_tokens include the cache tokens, Anthropic ones do not', async () => {
    expect(await usageTotals(ledger, `source_file <> '${csvExport}'`)).toEqual({
      rows: 30,
      requests: 30,
      input: 62_122,
      cache_read: 142_381,
      cache_write_5m: 22_685,
      cache_write_1h: 0,
      output: 22_050, // completion 18,971 + reasoning 3,079: Helicone's completion_tokens leave reasoning out
    });
    expect(await usageTotals(ledger, `source_file = '${csvExport}'`)).toEqual({
      rows: 9,
      requests: 9,
      input: 11_887,
      cache_read: 27_596,
      cache_write_5m: 8_563,
      cache_write_1h: 0,
      output: 2_923,
    });
    // no bucket is ever negative, and the reasoning subset is kept
    expect(await ledger.all('SELECT count(*) AS n FROM usage WHERE least(input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens) < 0')).toEqual([{ n: 0 }]);
    expect(await ledger.all('SELECT sum(reasoning_tokens) AS r FROM usage')).toEqual([{ r: 3_079 }]);
  });

  it('keeps cost in dollars as billed', async () => {
    const [row] = await ledger.all<{ jsonl: number; csv: number }>(`
      SELECT sum(billed_cost_usd) FILTER (WHERE source_file <> $csv) AS jsonl,
             sum(billed_cost_usd) FILTER (WHERE source_file = $csv) AS csv FROM usage`, { csv: csvExport });
    expect(row.jsonl).toBeCloseTo(0.2197767, 9);
    expect(row.csv).toBeCloseTo(0.06901455, 9);
  });

  it('maps one Anthropic request field by field (line 1 of the JSONL)', async () => {
    const rows = withTags(await ledger.all(`
      SELECT source_file, source_line, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
             cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, billed_cost_usd, session_id,
             user_id, status, latency_ms, tags
      FROM usage WHERE record_key = '18810a1c-4d61-43df-a8da-b8cbe2eb25b7'`));
    expect(rows).toEqual([
      {
        // the JSON export (read first) carries the same request: its copy is kept
        source_file: jsonExport,
        source_line: 7,
        started_at: new Date('2026-10-13T08:12:17.645Z'),
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        model_raw: 'claude-sonnet-4-5-20250929',
        requests: 1,
        input_tokens: 60, // prompt_tokens as written: Anthropic's are uncached only
        cache_read_tokens: 8_246,
        cache_write_5m_tokens: 425,
        cache_write_1h_tokens: 0,
        output_tokens: 536,
        reasoning_tokens: 0,
        billed_cost_usd: 0.01228755,
        session_id: 'c41e8a55-0f9d-4b7e-8e21-6a3b9d2c7f04',
        user_id: 'usr_8f2k1q',
        status: 'ok',
        latency_ms: 8045,
        tags: {
          environment: 'production',
          task: 'support-agent',
          'Helicone-Session-Id': 'c41e8a55-0f9d-4b7e-8e21-6a3b9d2c7f04',
          'Helicone-Session-Name': 'shipping-delay',
          'Helicone-Session-Path': '/support/step-4',
        },
      },
    ]);
  });

  it('subtracts cached tokens from an OpenAI prompt (JSONL line 25)', async () => {
    const rows = await ledger.all(`
      SELECT source_line, provider, model, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens, billed_cost_usd
      FROM usage WHERE record_key = 'f90efa17-f503-4c31-abaa-9dc29e1016e4'`);
    // prompt_tokens 3638 = 2102 uncached + 1536 cached
    expect(rows).toEqual([
      { source_line: 25, provider: 'openai', model: 'gpt-4.1-mini', input_tokens: 2_102, cache_read_tokens: 1_536, output_tokens: 227, reasoning_tokens: 0, billed_cost_usd: 0.0013576 },
    ]);
  });

  it('tags the Helicone cache hit and keeps its cost as given; the rate-limited request is an error', async () => {
    expect(await ledger.all(`SELECT record_key, billed_cost_usd, latency_ms FROM usage WHERE tags->>'helicone_cache_hit' = 'true'`)).toEqual([
      { record_key: 'fd31773c-c3de-4607-82c0-4648ef08adc6', billed_cost_usd: 0, latency_ms: 21 },
    ]);
    expect(await ledger.all(`SELECT record_key, status, input_tokens, output_tokens FROM usage WHERE status <> 'ok'`)).toEqual([
      { record_key: 'b86e00b4-f8f6-4aed-a4e1-52e9c99f358e', status: 'error', input_tokens: 0, output_tokens: 0 },
    ]);
  });

  it('reads the CSV properties column as JSON text into tags and the session', async () => {
    const rows = await ledger.all(`
      SELECT source_line, session_id, tags->>'task' AS task, tags->>'environment' AS env
      FROM usage WHERE source_file = $csv AND session_id IS NOT NULL ORDER BY source_line`, { csv: csvExport });
    expect(rows).toEqual([2, 3, 4].map((n) => ({ source_line: n, session_id: 'e0b7d3a2-9c41-4f58-b6e2-81d5a0c3f9e6', task: 'support-agent', env: 'staging' })));
  });

  it('re-importing every export adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [samples('helicone')]);
    expect(again.totals).toEqual({ files: 3, rows_read: 47, imported: 0, duplicates: 47, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('helicone: dedupe, units and conventions (hand-written exports)', () => {
  it('a request repeated at a page boundary is one record; a more complete copy wins', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'export.jsonl',
      jsonl(
        line({ request_id: 'r-2', request_created_at: '2026-10-21T10:02:00Z' }),
        line({ request_id: 'r-1', request_created_at: '2026-10-21T10:01:00Z', completion_tokens: 0 }), // logged before its usage arrived
        line({ request_id: 'r-1', request_created_at: '2026-10-21T10:01:00Z' }), // page 2 repeats the boundary row, now complete
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'helicone-jsonl', rows_read: 3, imported: 2, duplicates: 1, rejected: 0, skipped: 0 });
    expect(await ledger.all("SELECT source_line, output_tokens FROM usage WHERE record_key = 'r-1'")).toEqual([{ source_line: 3, output_tokens: 120 }]);
    await expectCountsBalance(ledger, report);
  });

  it('a JSON array and a JSONL export of the same requests count each request once', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const a = writeTemp('a.json', JSON.stringify([heliconeRecord({ request_id: 'r-1' }), heliconeRecord({ request_id: 'r-2' })], null, 2), dir);
    const b = writeTemp('b.jsonl', jsonl(line({ request_id: 'r-2' }), line({ request_id: 'r-3' })), dir);
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, a)).toEqual({ format: 'helicone-jsonl', rows_read: 2, imported: 2, duplicates: 0, rejected: 0, skipped: 0 });
    expect(outcome(report, b)).toEqual({ format: 'helicone-jsonl', rows_read: 2, imported: 1, duplicates: 1, rejected: 0, skipped: 0 });
    expect((await usageTotals(ledger)).rows).toBe(3);
  });

  it('a request in both a CSV and a JSONL export counts once (one source kind, helicone)', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const csv = writeTemp(
      'a.csv',
      [
        'request_id,request_created_at,request_user_id,request_properties,request_model,provider,delay_ms,prompt_tokens,completion_tokens,prompt_cache_read_tokens,prompt_cache_write_tokens,cost,cache_reference_id',
        `r-1,2026-10-21T10:00:00.000Z,usr_8f2k1q,"{""task"":""ticket-triage""}",gpt-4.1-mini,OPENAI,812,1500,120,1024,0,0.0005964,${ZERO}`,
      ].join('\n') + '\n',
      dir,
    );
    const jl = writeTemp('b.jsonl', jsonl(line({ request_id: 'r-1' }), line({ request_id: 'r-2' })), dir);
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, csv)).toEqual({ format: 'helicone-csv', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 0 });
    expect(outcome(report, jl)).toEqual({ format: 'helicone-jsonl', rows_read: 2, imported: 1, duplicates: 1, rejected: 0, skipped: 0 });
    expect(await ledger.all('SELECT source, record_key, input_tokens, cache_read_tokens FROM usage ORDER BY record_key')).toEqual([
      { source: 'helicone', record_key: 'r-1', input_tokens: 476, cache_read_tokens: 1024 },
      { source: 'helicone', record_key: 'r-2', input_tokens: 476, cache_read_tokens: 1024 },
    ]);
  });

  it('converts units: a zone-less timestamp is UTC, cost stays dollars, delay_ms is the latency', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'units.jsonl',
      jsonl(
        line({ request_id: 'r-utc', request_created_at: '2026-10-21 23:30:05.250', cost: 1.25, delay_ms: 1450.5 }),
        line({ request_id: 'r-zone', request_created_at: '2026-10-22T01:30:05.250+02:00' }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, started_at, billed_cost_usd, latency_ms FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'r-utc', started_at: new Date('2026-10-21T23:30:05.250Z'), billed_cost_usd: 1.25, latency_ms: 1450.5 },
      { record_key: 'r-zone', started_at: new Date('2026-10-21T23:30:05.250Z'), billed_cost_usd: 0.0005964, latency_ms: 812 },
    ]);
  });

  it('prompt_tokens: OpenAI-style include cache reads and writes, Anthropic (and Claude on Bedrock) exclude them', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'conventions.jsonl',
      jsonl(
        line({ request_id: 'oa', provider: 'OPENAI', prompt_tokens: 1500, prompt_cache_read_tokens: 1024, prompt_cache_write_tokens: 0 }),
        line({ request_id: 'an', provider: 'ANTHROPIC', request_model: 'claude-sonnet-4-5-20250929', prompt_tokens: 12, prompt_cache_read_tokens: 20_000, prompt_cache_write_tokens: 900 }),
        line({ request_id: 'br', provider: 'BEDROCK', request_model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', prompt_tokens: 40, prompt_cache_read_tokens: 5_000, prompt_cache_write_tokens: 0 }),
        line({ request_id: 'or', provider: 'OPENROUTER', request_model: 'anthropic/claude-sonnet-4.5', prompt_tokens: 3000, prompt_cache_read_tokens: 2000, prompt_cache_write_tokens: 500 }),
        line({ request_id: 'hit', cache_reference_id: 'b1946ac9-2f61-4d6c-9f0a-7e7a8c3d2e11', cost: 0 }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(
      withTags(await ledger.all('SELECT record_key, provider, input_tokens, cache_read_tokens, cache_write_5m_tokens, tags FROM usage ORDER BY record_key')),
    ).toEqual([
      { record_key: 'an', provider: 'anthropic', input_tokens: 12, cache_read_tokens: 20_000, cache_write_5m_tokens: 900, tags: { task: 'ticket-triage' } },
      { record_key: 'br', provider: 'aws-bedrock', input_tokens: 40, cache_read_tokens: 5_000, cache_write_5m_tokens: 0, tags: { task: 'ticket-triage' } },
      { record_key: 'hit', provider: 'openai', input_tokens: 476, cache_read_tokens: 1024, cache_write_5m_tokens: 0, tags: { task: 'ticket-triage', helicone_cache_hit: 'true' } },
      { record_key: 'oa', provider: 'openai', input_tokens: 476, cache_read_tokens: 1024, cache_write_5m_tokens: 0, tags: { task: 'ticket-triage' } },
      { record_key: 'or', provider: 'openrouter', input_tokens: 500, cache_read_tokens: 2000, cache_write_5m_tokens: 500, tags: { task: 'ticket-triage' } },
    ]);
  });

  it('output = completion_tokens + reasoning_tokens (Helicone counts reasoning apart), in JSONL and CSV alike', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    // Helicone's own figures for a reasoning call: total_tokens = prompt + completion + reasoning
    const jl = writeTemp(
      'a.jsonl',
      jsonl(line({ request_id: 'r-think', request_model: 'o4-mini', prompt_tokens: 2000, prompt_cache_read_tokens: 0, completion_tokens: 350, reasoning_tokens: 1_216, total_tokens: 3_566 })),
      dir,
    );
    const csv = writeTemp(
      'b.csv',
      [
        'request_id,request_created_at,request_model,provider,prompt_tokens,completion_tokens,reasoning_tokens,prompt_cache_read_tokens,prompt_cache_write_tokens,total_tokens,cost',
        'r-think-2,2026-10-21T10:05:00.000Z,o4-mini,OPENAI,900,80,640,0,0,1620,0.003916',
      ].join('\n') + '\n',
      dir,
    );
    const report = await importPaths(ledger, [dir]);
    expect(report.totals).toMatchObject({ rows_read: 2, imported: 2, rejected: 0 });
    expect(await ledger.all('SELECT record_key, input_tokens, output_tokens, reasoning_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'r-think', input_tokens: 2000, output_tokens: 1_566, reasoning_tokens: 1_216 },
      { record_key: 'r-think-2', input_tokens: 900, output_tokens: 720, reasoning_tokens: 640 },
    ]);
  });

  it('drops the Helicone-Property- prefix from property names and hashes a raw key used as user id', async () => {
    const ledger = await newLedger();
    const secret = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';
    const file = writeTemp(
      'props.jsonl',
      jsonl(line({ request_id: 'p', request_user_id: secret, request_properties: { 'Helicone-Property-Feature': 'faq', team: 'support' } })),
    );
    await importPaths(ledger, [file]);
    const [row] = withTags(await ledger.all('SELECT user_id, tags FROM usage')) as { user_id: string; tags: unknown }[];
    expect(row.tags).toEqual({ Feature: 'faq', team: 'support' });
    expect(row.user_id).toMatch(/^sk-…[0-9a-f]{12}$/);
    expect(JSON.stringify(await ledger.all('SELECT * FROM usage'))).not.toContain(secret);
  });

  it('reads an older exporter CSV (response_id, model, latency, cost_usd)', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'old.csv',
      [
        'response_id,response_created_at,response_status,request_created_at,request_body,request_properties,request_user_id,model,prompt_tokens,completion_tokens,latency,cost_usd',
        '"9f1e2d3c-0000-4000-8000-00000000aa01","2026-10-21T10:00:01.900Z","200","2026-10-21T10:00:00.000Z","","{""task"":""faq""}","usr_1","gpt-4o-mini","900","40","1900","0.000159"',
      ].join('\n') + '\n',
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'helicone-csv', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 0 });
    expect(withTags(await ledger.all('SELECT record_key, model_raw, input_tokens, output_tokens, billed_cost_usd, latency_ms, tags FROM usage'))).toEqual([
      { record_key: '9f1e2d3c-0000-4000-8000-00000000aa01', model_raw: 'gpt-4o-mini', input_tokens: 900, output_tokens: 40, billed_cost_usd: 0.000159, latency_ms: 1900, tags: { task: 'faq' } },
    ]);
  });
});

describe('helicone: bad lines', () => {
  it('rejects bad JSONL lines with their line numbers and keeps the rest (test/fixtures/helicone/bad-lines.jsonl)', async () => {
    const ledger = await newLedger();
    const file = fixtures('helicone', 'bad-lines.jsonl');
    expect(detectImporter(file)?.id).toBe('helicone-jsonl');
    const report = await importPaths(ledger, [file]);
    // 8 lines: one blank (not read), 2 good, 5 bad
    expect(outcome(report, file)).toEqual({ format: 'helicone-jsonl', rows_read: 7, imported: 2, duplicates: 0, rejected: 5, skipped: 0 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 2, reason: 'a token count is not a number' },
      { source_line: 4, reason: 'request_id is missing' },
      { source_line: 5, reason: 'prompt_cache_read_tokens + prompt_cache_write_tokens exceed prompt_tokens' },
      { source_line: 6, reason: 'request_created_at is missing or not a timestamp' },
      { source_line: 7, reason: 'not valid JSON (a truncated or corrupted line)' },
    ]);
    const [cut] = await ledger.all<{ raw: string; format: string; source_file: string }>('SELECT raw, format, source_file FROM rejects WHERE source_line = 7');
    expect(cut).toEqual({ raw: fs.readFileSync(file, 'utf8').split('\n')[6], format: 'helicone-jsonl', source_file: file });
    expect(await ledger.all('SELECT source_line, input_tokens, cache_read_tokens, output_tokens FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, input_tokens: 476, cache_read_tokens: 1024, output_tokens: 120 },
      { source_line: 8, input_tokens: 500, cache_read_tokens: 1024, output_tokens: 120 },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('rejects bad CSV rows with their line numbers (test/fixtures/helicone/bad-rows.csv)', async () => {
    const ledger = await newLedger();
    const file = fixtures('helicone', 'bad-rows.csv');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'helicone-csv', rows_read: 4, imported: 1, duplicates: 0, rejected: 3, skipped: 0 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 3, reason: 'a token count is not a number' },
      { source_line: 4, reason: 'request_properties is not a JSON object of properties' },
      { source_line: 5, reason: 'cost is not a number' },
    ]);
    expect(await ledger.all('SELECT source_line, started_at, input_tokens, cache_read_tokens FROM usage')).toEqual([
      { source_line: 2, started_at: new Date('2026-10-22T09:15:02.118Z'), input_tokens: 564, cache_read_tokens: 1536 },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('a JSON array that does not parse is an error naming the file, and nothing is imported', async () => {
    const ledger = await newLedger();
    // older exporter versions wrote a comma after the last record
    const file = writeTemp('trailing-comma.json', '[\n' + JSON.stringify(heliconeRecord(), null, 2) + ',\n]\n');
    expect(detectImporter(file)?.id).toBe('helicone-jsonl');
    const err = await importPaths(ledger, [file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecountError);
    expect((err as Error).message).toContain(file);
    expect((await usageTotals(ledger)).rows).toBe(0);
  });

  it('is not fooled by files that only look similar', () => {
    const notHelicone = writeTemp('other.jsonl', jsonl(JSON.stringify({ request_id: 'x', startTime: '2026-10-21T10:00:00Z', spend: 0.1 })));
    expect(detectImporter(notHelicone)?.id).not.toMatch(/^helicone/);
  });
});
