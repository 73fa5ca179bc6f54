import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { readHead } from '../../src/importers/common/file-head.js';
import { detectImporter, importers } from '../../src/importers/registry.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const week41 = samples('portkey', 'logs-week-41.jsonl');
const week42 = samples('portkey', 'logs-week-42.jsonl');

/** One Portkey log line, OpenAI with no response body unless overridden. */
function portkeyLog(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'pk-1',
    trace_id: 'tr-1',
    created_at: '2026-10-15T08:00:00.000Z',
    is_success: 1,
    ai_org: 'openai',
    ai_model: 'gpt-4o-mini',
    req_units: 1200,
    res_units: 80,
    total_units: 1280,
    cost: 0.0228,
    cost_currency: 'USD',
    response_status_code: 200,
    response_time: 640,
    cache_status: 'MISS',
    mode: 'SINGLE',
    virtual_key: 'openai-prod-3b1f2a',
    config: null,
    prompt_slug: null,
    metadata: { _user: 'ana.k@acme.io', team: 'support' },
    ...over,
  });
}
const withTags = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags }));

describe('portkey: the sample exports (two weekly exports that overlap)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('portkey')]);
  });

  it('detects both files as portkey-jsonl, and nothing else claims them', () => {
    expect(report.files.map((f) => f.format)).toEqual(['portkey-jsonl', 'portkey-jsonl']);
    for (const file of [week41, week42]) expect(importers.filter((i) => i.detect(readHead(file))).map((i) => i.id)).toEqual(['portkey-jsonl']);
  });

  it('counts the 4 logs the second export repeats as duplicates', async () => {
    expect(outcome(report, week41)).toEqual({ format: 'portkey-jsonl', rows_read: 22, imported: 22, duplicates: 0, rejected: 0, skipped: 0 });
    expect(outcome(report, week42)).toEqual({ format: 'portkey-jsonl', rows_read: 22, imported: 18, duplicates: 4, rejected: 0, skipped: 0 });
    expect(report.totals).toEqual({ files: 2, rows_read: 44, imported: 40, duplicates: 4, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('holds 40 logs with disjoint token buckets (cached tokens taken out of OpenAI req_units)', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 40,
      requests: 40,
      input: 53_911,
      cache_read: 174_924,
      cache_write_5m: 6_537,
      cache_write_1h: 0,
      output: 13_350,
    });
  });

  it('converts cost from cents to dollars', async () => {
    const [row] = await ledger.all<{ usd: number }>('SELECT sum(billed_cost_usd) AS usd FROM usage');
    expect(row.usd).toBeCloseTo(0.30323555, 9); // 30.323555 cents
  });

  it('maps an OpenAI log field by field (week 41, line 1)', async () => {
    const rows = withTags(
      await ledger.all(`
        SELECT source_line, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
               output_tokens, reasoning_tokens, billed_cost_usd, api_key, user_id, status, latency_ms, tags
        FROM usage WHERE record_key = '19860f85-a376-41d3-8acc-155ae23100a9'`),
    );
    expect(rows).toEqual([
      {
        source_line: 1,
        started_at: new Date('2026-10-08T05:25:12.046Z'),
        provider: 'openai',
        model: 'gpt-4.1',
        model_raw: 'gpt-4.1',
        requests: 1,
        input_tokens: 7_996 - 3_072, // req_units include the cached tokens
        cache_read_tokens: 3_072,
        cache_write_5m_tokens: 0,
        output_tokens: 361,
        reasoning_tokens: 0,
        billed_cost_usd: 0.014272, // 1.4272 cents
        api_key: 'openai-prod-3b1f2a',
        user_id: 'ben.o@acme.io',
        status: 'ok',
        latency_ms: 5158,
        tags: {
          team: 'search',
          feature: 'rag-answer',
          environment: 'production',
          cache_status: 'MISS',
          mode: 'SINGLE',
          trace_id: 'tr-e5c4b9',
          config: 'pc-rag-answer-7e21c0',
          prompt_slug: 'pp-rag-answer-v4',
        },
      },
    ]);
  });

  it('keeps Anthropic cache tokens beside req_units (week 41, line 3)', async () => {
    expect(
      await ledger.all(`
        SELECT provider, model, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, billed_cost_usd
        FROM usage WHERE record_key = '58d005a6-d370-4b54-af3d-2b177ae068a7'`),
    ).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 32, cache_read_tokens: 28_903, cache_write_5m_tokens: 923, output_tokens: 464, billed_cost_usd: 0.01918815 },
    ]);
  });

  it('keeps Portkey cache hits with their cost as given and tags every cache status', async () => {
    expect(await ledger.all(`SELECT tags->>'cache_status' AS cache_status, count(*) AS n, sum(billed_cost_usd) AS usd FROM usage GROUP BY ALL ORDER BY ALL`)).toEqual([
      { cache_status: 'DISABLED', n: 26, usd: expect.any(Number) },
      { cache_status: 'HIT', n: 3, usd: 0 },
      { cache_status: 'MISS', n: 8, usd: expect.any(Number) },
      { cache_status: 'SEMANTIC HIT', n: 3, usd: 0 },
    ]);
    // a hit still carries the tokens Portkey logged for it
    expect(await ledger.all(`SELECT count(*) AS n FROM usage WHERE tags->>'cache_status' LIKE '%HIT' AND input_tokens = 0`)).toEqual([{ n: 0 }]);
  });

  it('marks failed calls as errors, attributes users and virtual keys', async () => {
    expect(await ledger.all(`SELECT status, count(*) AS n, sum(input_tokens + output_tokens) AS tokens FROM usage GROUP BY ALL ORDER BY ALL`)).toEqual([
      { status: 'error', n: 4, tokens: 0 },
      { status: 'ok', n: 36, tokens: expect.any(Number) },
    ]);
    expect(await ledger.all('SELECT DISTINCT api_key FROM usage ORDER BY ALL')).toEqual([
      { api_key: 'anthropic-batch-44e8b0' },
      { api_key: 'anthropic-prod-9c0d71' },
      { api_key: 'openai-prod-3b1f2a' },
      { api_key: 'openai-staging-e12a09' },
    ]);
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE user_id IS NULL OR (tags->>'_user') IS NOT NULL")).toEqual([{ n: 0 }]);
  });

  it('re-importing both exports adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [week42, week41]);
    expect(again.totals).toEqual({ files: 2, rows_read: 44, imported: 0, duplicates: 44, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('portkey: conventions and tolerance (hand-written logs)', () => {
  it('a log repeated in one file is one record; the copy with more tokens wins', async () => {
    const ledger = await newLedger();
    const file = writeTemp('dup.jsonl', jsonl(portkeyLog({ res_units: 0 }), portkeyLog(), portkeyLog({ id: 'pk-2' })));
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'portkey-jsonl', rows_read: 3, imported: 2, duplicates: 1, rejected: 0, skipped: 0 });
    expect(await ledger.all("SELECT source_line, output_tokens FROM usage WHERE record_key = 'pk-1'")).toEqual([{ source_line: 2, output_tokens: 80 }]);
  });

  it('cents become dollars; a zone-less created_at is UTC; response_time is milliseconds', async () => {
    const ledger = await newLedger();
    const file = writeTemp('units.jsonl', jsonl(portkeyLog({ cost: 250, created_at: '2026-10-15 23:59:30', response_time: 1234.5 })));
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT billed_cost_usd, started_at, latency_ms, input_tokens, output_tokens FROM usage')).toEqual([
      { billed_cost_usd: 2.5, started_at: new Date('2026-10-15T23:59:30Z'), latency_ms: 1234.5, input_tokens: 1200, output_tokens: 80 },
    ]);
  });

  it('finds fields nested under metadata, request or response', async () => {
    const ledger = await newLedger();
    const nested = JSON.stringify({
      id: 'pk-nested',
      created_at: '2026-10-15T09:00:00Z',
      request: { ai_model: 'claude-haiku-4-5-20251001', virtual_key: 'anthropic-prod-9c0d71', body: { model: 'claude-haiku-4-5-20251001' } },
      response: { status: 200, response_time: 900, req_units: 20, res_units: 300, body: { usage: { prompt_tokens: 20, completion_tokens: 300, cache_read_input_tokens: 5000, cache_creation_input_tokens: 0 } } },
      metadata: { ai_org: 'anthropic', cost: 0.575, cache_status: 'MISS', trace_id: 'tr-n', _user: 'svc-ingest', team: 'data' },
    });
    const file = writeTemp('nested.jsonl', jsonl(nested));
    expect(detectImporter(file)?.id).toBe('portkey-jsonl');
    await importPaths(ledger, [file]);
    expect(
      withTags(
        await ledger.all(
          'SELECT provider, model_raw, input_tokens, cache_read_tokens, output_tokens, billed_cost_usd, api_key, user_id, status, latency_ms, tags FROM usage',
        ),
      ),
    ).toEqual([
      {
        provider: 'anthropic',
        model_raw: 'claude-haiku-4-5-20251001',
        input_tokens: 20,
        cache_read_tokens: 5000,
        output_tokens: 300,
        billed_cost_usd: 0.00575,
        api_key: 'anthropic-prod-9c0d71',
        user_id: 'svc-ingest',
        status: 'ok',
        latency_ms: 900,
        tags: { ai_org: 'anthropic', cost: '0.575', cache_status: 'MISS', trace_id: 'tr-n', team: 'data' },
      },
    ]);
  });

  it('Anthropic cache tokens already inside req_units (usage.total_tokens = req + res) are taken out; 1h writes are split', async () => {
    const ledger = await newLedger();
    const body = (usage: Record<string, unknown>) => ({ status: 200, body: { usage } });
    const file = writeTemp(
      'anthropic.jsonl',
      jsonl(
        portkeyLog({ id: 'inside', ai_org: 'anthropic', ai_model: 'claude-sonnet-4-5', req_units: 6000, res_units: 100,
          response: body({ prompt_tokens: 6000, completion_tokens: 100, total_tokens: 6100, cache_read_input_tokens: 4000, cache_creation_input_tokens: 1500 }) }),
        portkeyLog({ id: 'beside', ai_org: 'anthropic', ai_model: 'claude-sonnet-4-5', req_units: 500, res_units: 100,
          response: body({ prompt_tokens: 500, completion_tokens: 100, total_tokens: 6100, cache_read_input_tokens: 4000, cache_creation_input_tokens: 1500,
                           cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 } }) }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'beside', input_tokens: 500, cache_read_tokens: 4000, cache_write_5m_tokens: 500, cache_write_1h_tokens: 1000, output_tokens: 100 },
      { record_key: 'inside', input_tokens: 500, cache_read_tokens: 4000, cache_write_5m_tokens: 1500, cache_write_1h_tokens: 0, output_tokens: 100 },
    ]);
  });

  it('adds Gemini reasoning kept beside res_units (total = req + res + reasoning); OpenAI reasoning is inside res_units', async () => {
    const ledger = await newLedger();
    const body = (usage: Record<string, unknown>) => ({ status: 200, body: { usage } });
    const file = writeTemp(
      'reasoning.jsonl',
      jsonl(
        // Portkey's Gemini mapping: completion_tokens = candidatesTokenCount, thoughtsTokenCount in the details
        portkeyLog({ id: 'gem', ai_org: 'google', ai_model: 'gemini-2.5-flash', req_units: 2400, res_units: 180,
          response: body({ prompt_tokens: 2400, completion_tokens: 180, total_tokens: 3_600, prompt_tokens_details: { cached_tokens: 2048 },
                           completion_tokens_details: { reasoning_tokens: 1_020 } }) }),
        // the same without a usage total: the provider decides
        portkeyLog({ id: 'vtx', ai_org: 'vertex-ai', ai_model: 'gemini-2.5-pro', req_units: 900, res_units: 60,
          response: body({ prompt_tokens: 900, completion_tokens: 60, completion_tokens_details: { reasoning_tokens: 400 } }) }),
        // OpenAI: completion_tokens already hold the reasoning (total = prompt + completion)
        portkeyLog({ id: 'oai', ai_org: 'openai', ai_model: 'o4-mini', req_units: 1500, res_units: 900,
          response: body({ prompt_tokens: 1500, completion_tokens: 900, total_tokens: 2_400, prompt_tokens_details: { cached_tokens: 1024 },
                           completion_tokens_details: { reasoning_tokens: 704 } }) }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'gem', input_tokens: 352, cache_read_tokens: 2048, output_tokens: 1_200, reasoning_tokens: 1_020 },
      { record_key: 'oai', input_tokens: 476, cache_read_tokens: 1024, output_tokens: 900, reasoning_tokens: 704 },
      { record_key: 'vtx', input_tokens: 900, cache_read_tokens: 0, output_tokens: 460, reasoning_tokens: 400 },
    ]);
  });

  it("Portkey's Anthropic mapping: cached_tokens (the cache read) beside req_units when the total holds them", async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'anthropic-cached.jsonl',
      jsonl(
        // prompt_tokens = input_tokens; total = input + output + cache read + cache write; no cache_read_input_tokens field
        portkeyLog({ id: 'an', ai_org: 'anthropic', ai_model: 'claude-haiku-4-5', req_units: 30, res_units: 250,
          response: { status: 200, body: { usage: { prompt_tokens: 30, completion_tokens: 250, total_tokens: 9_080, prompt_tokens_details: { cached_tokens: 8_800 } } } } }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(report.totals).toMatchObject({ imported: 1, rejected: 0 });
    expect(await ledger.all('SELECT input_tokens, cache_read_tokens, output_tokens FROM usage')).toEqual([{ input_tokens: 30, cache_read_tokens: 8_800, output_tokens: 250 }]);
  });

  it('a request a Portkey guardrail denied (446) is blocked with zero units; 246 (checks failed, request served) is ok', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'guardrails.jsonl',
      jsonl(
        portkeyLog({ id: 'denied', response_status_code: 446, is_success: 0, req_units: 0, res_units: 0, cost: 0 }),
        portkeyLog({ id: 'served', response_status_code: 246, is_success: 1 }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, status, input_tokens, output_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'denied', status: 'blocked', input_tokens: 0, output_tokens: 0 },
      { record_key: 'served', status: 'ok', input_tokens: 1200, output_tokens: 80 },
    ]);
  });

  it('maps gateway provider names (bedrock, vertex-ai, azure-openai)', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'orgs.jsonl',
      jsonl(
        portkeyLog({ id: 'a', ai_org: 'bedrock', ai_model: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
        portkeyLog({ id: 'b', ai_org: 'vertex-ai', ai_model: 'gemini-2.5-flash' }),
        portkeyLog({ id: 'c', ai_org: 'azure-openai', ai_model: 'gpt-4o-mini' }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, provider FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'a', provider: 'aws-bedrock' },
      { record_key: 'b', provider: 'google' },
      { record_key: 'c', provider: 'azure' },
    ]);
  });
});

describe('portkey: bad lines', () => {
  it('rejects bad lines with their line numbers and keeps the rest (test/fixtures/portkey/bad-lines.jsonl)', async () => {
    const ledger = await newLedger();
    const file = fixtures('portkey', 'bad-lines.jsonl');
    expect(detectImporter(file)?.id).toBe('portkey-jsonl');
    const report = await importPaths(ledger, [file]);
    // 8 lines: one blank (not read), 2 good, 5 bad
    expect(outcome(report, file)).toEqual({ format: 'portkey-jsonl', rows_read: 7, imported: 2, duplicates: 0, rejected: 5, skipped: 0 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 2, reason: 'a token count (req_units, res_units or usage) is not a number' },
      { source_line: 3, reason: 'id is missing' },
      { source_line: 4, reason: 'created_at is missing or not a timestamp' },
      { source_line: 6, reason: 'cost is not a number' },
      { source_line: 7, reason: 'not valid JSON (a truncated or corrupted line)' },
    ]);
    const [cut] = await ledger.all<{ raw: string }>('SELECT raw FROM rejects WHERE source_line = 7');
    expect(cut.raw).toBe(fs.readFileSync(file, 'utf8').split('\n')[6]);
    expect(await ledger.all('SELECT source_line, record_key, billed_cost_usd FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, record_key: 'pk-fixture-01', billed_cost_usd: 0.000228 },
      { source_line: 8, record_key: 'pk-fixture-07', billed_cost_usd: 0 },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('is not confused with other gateway logs', () => {
    const other = writeTemp('other.jsonl', jsonl(JSON.stringify({ request_id: 'x', model: 'gpt-4o', spend: 0.1, startTime: '2026-10-15T08:00:00Z' })));
    expect(detectImporter(other)?.id).not.toBe('portkey-jsonl');
  });
});
