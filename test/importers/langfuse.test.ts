import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { RecountError } from '../../src/errors.js';
import { readHead } from '../../src/importers/common/file-head.js';
import { detectImporter, importers } from '../../src/importers/registry.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const page1 = samples('langfuse', 'observations-page-1.json');
const page2 = samples('langfuse', 'observations-page-2.json');
const earlier = samples('langfuse', 'observations-earlier-export.json');

/** One GENERATION observation as the observations API returns it. */
function generation(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'obs-1',
    traceId: 'trace-1',
    type: 'GENERATION',
    name: 'answer',
    startTime: '2026-10-22T09:00:00.000Z',
    endTime: '2026-10-22T09:00:02.500Z',
    model: 'gpt-4.1-mini-2025-04-14',
    level: 'DEFAULT',
    environment: 'production',
    metadata: {},
    usageDetails: { input: 900, input_cached_tokens: 1024, output: 60, total: 1984 },
    costDetails: { total: 0.0005584 },
    latency: 2.5,
    ...over,
  };
}
const page = (data: unknown[]) => JSON.stringify({ data, meta: { page: 1, limit: 50, totalItems: data.length, totalPages: 1 } }, null, 2);
const withTags = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags }));

describe('langfuse: the sample pulls (two API pages and an earlier exported array)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('langfuse')]);
  });

  it('detects every file as langfuse-observations, and nothing else claims them', () => {
    expect(report.files.map((f) => f.format)).toEqual(['langfuse-observations', 'langfuse-observations', 'langfuse-observations']);
    for (const file of [page1, page2, earlier]) {
      expect(importers.filter((i) => i.detect(readHead(file))).map((i) => i.id), file).toEqual(['langfuse-observations']);
    }
  });

  it('imports GENERATIONs only, skips the other observation types, and dedupes the overlap', async () => {
    // the earlier export: 2 generations (one still running then) + 2 tools
    expect(outcome(report, earlier)).toEqual({ format: 'langfuse-observations', rows_read: 2, imported: 1, duplicates: 1, rejected: 0, skipped: 2 });
    // page 1: 11 generations + 9 spans, events, agents, tools; one generation is also in the earlier export
    expect(outcome(report, page1)).toEqual({ format: 'langfuse-observations', rows_read: 11, imported: 10, duplicates: 1, rejected: 0, skipped: 9 });
    expect(outcome(report, page2)).toEqual({ format: 'langfuse-observations', rows_read: 5, imported: 5, duplicates: 0, rejected: 0, skipped: 15 });
    expect(report.totals).toEqual({ files: 3, rows_read: 18, imported: 16, duplicates: 2, rejected: 0, skipped: 26 });
    await expectCountsBalance(ledger, report);
  });

  it('the complete copy of the generation that was still running wins', async () => {
    expect(
      await ledger.all(`SELECT source_file, source_line, input_tokens, cache_read_tokens, output_tokens, latency_ms FROM usage
                        WHERE record_key = '804c0dc9-c999-417c-98d8-362fda6f3348'`),
    ).toEqual([{ source_file: page1, source_line: 7, input_tokens: 27, cache_read_tokens: 16_382, output_tokens: 977, latency_ms: 3442 }]);
  });

  it('sums disjoint buckets without ever adding `total`', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 16,
      requests: 16,
      input: 36_571,
      cache_read: 70_088,
      cache_write_5m: 12_049,
      cache_write_1h: 2_204,
      output: 8_493,
    });
    expect(await ledger.all('SELECT sum(reasoning_tokens) AS r FROM usage')).toEqual([{ r: 1_628 }]);
    const [cost] = await ledger.all<{ usd: number; priced: number }>('SELECT sum(billed_cost_usd) AS usd, count(billed_cost_usd) AS priced FROM usage');
    expect(cost.usd).toBeCloseTo(0.19674135, 9);
    expect(cost.priced).toBe(13); // the local model, the failed call and the raw OpenTelemetry one carry no cost
  });

  it('reads every usage-key family the same way (one generation per case)', async () => {
    const rows = await ledger.all(`
      SELECT record_key, provider, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens
      FROM usage WHERE record_key IN ('426b42de-0d70-434e-a305-0f3b2fa3bffc', 'baff2036-9159-4378-9c09-fb1b6ce51e4a',
                                      '28c31c94-78d0-414a-a15f-a89a289a7e2d', '84e1f296-6285-4734-98b5-f0ea21fae04d',
                                      '847333e4-7f2d-4357-86fc-93146fae8121', 'df73e015-91d1-426f-8e44-5b3a6ea74f9e')
      ORDER BY record_key`);
    expect(rows).toEqual([
      // gemini: output_reasoning_tokens are beside output in Langfuse and part of it in the ledger
      { record_key: '28c31c94-78d0-414a-a15f-a89a289a7e2d', provider: 'google', input_tokens: 14_230, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 1_820, reasoning_tokens: 1_180 },
      // gpt-4.1 raw OpenTelemetry usage: input 5200 still holds input_cached_tokens 4096 (total 5410 says so)
      { record_key: '426b42de-0d70-434e-a305-0f3b2fa3bffc', provider: 'openai', input_tokens: 1_104, cache_read_tokens: 4_096, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 210, reasoning_tokens: null },
      // gpt-4.1 via Langfuse's OpenAI integration: input already excludes input_cached_tokens
      { record_key: '847333e4-7f2d-4357-86fc-93146fae8121', provider: 'openai', input_tokens: 4_172, cache_read_tokens: 3_072, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 451, reasoning_tokens: 0 },
      // claude with the 5m/1h split beside the aggregate cache_creation_input_tokens: the split counts, once
      { record_key: '84e1f296-6285-4734-98b5-f0ea21fae04d', provider: 'anthropic', input_tokens: 30, cache_read_tokens: 14_582, cache_write_5m_tokens: 0, cache_write_1h_tokens: 2_204, output_tokens: 373, reasoning_tokens: null },
      // o4-mini: cached beside input, reasoning beside output
      { record_key: 'baff2036-9159-4378-9c09-fb1b6ce51e4a', provider: 'openai', input_tokens: 1_520, cache_read_tokens: 1_024, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 544, reasoning_tokens: 448 },
      // a local model: no provider from its name
      { record_key: 'df73e015-91d1-426f-8e44-5b3a6ea74f9e', provider: null, input_tokens: 2_210, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 388, reasoning_tokens: null },
    ]);
  });

  it('maps one generation field by field (page 1, observation 18)', async () => {
    expect(
      withTags(
        await ledger.all(`
          SELECT source_line, started_at, provider, model, model_raw, requests, billed_cost_usd, status, latency_ms, session_id, user_id, tags
          FROM usage WHERE record_key = '847333e4-7f2d-4357-86fc-93146fae8121'`),
      ),
    ).toEqual([
      {
        source_line: 18,
        started_at: new Date('2026-10-20T09:55:21.580Z'),
        provider: 'openai',
        model: 'gpt-4.1',
        model_raw: 'gpt-4.1-2025-04-14',
        requests: 1,
        billed_cost_usd: 0.013488,
        status: 'ok',
        latency_ms: 3038, // endTime − startTime
        session_id: null, // sessions and users live on the trace
        user_id: null,
        tags: { ls_provider: 'openai', tenant: 'acme-eu', trace_id: '2fca974fe6ee2dc4fda85ecec562c478', environment: 'production', name: 'answer', prompt: 'support-answer v7' },
      },
    ]);
  });

  it('a generation logged at level ERROR is an error', async () => {
    expect(await ledger.all("SELECT record_key, input_tokens, output_tokens, billed_cost_usd, latency_ms FROM usage WHERE status = 'error'")).toEqual([
      { record_key: '62cb81d6-0849-4cb2-8490-e89d10cb138c', input_tokens: 0, output_tokens: 0, billed_cost_usd: null, latency_ms: 30_000 },
    ]);
  });

  it('re-importing every pull adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [samples('langfuse')]);
    expect(again.totals).toEqual({ files: 3, rows_read: 18, imported: 0, duplicates: 18, rejected: 0, skipped: 26 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('langfuse: conventions (hand-written observations)', () => {
  it('a later pull with the finished generation replaces the running copy already in the ledger', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [earlier]);
    expect(await ledger.all("SELECT output_tokens FROM usage WHERE record_key = '804c0dc9-c999-417c-98d8-362fda6f3348'")).toEqual([{ output_tokens: 0 }]);
    const report = await importPaths(ledger, [page1]);
    expect(outcome(report, page1)).toEqual({ format: 'langfuse-observations', rows_read: 11, imported: 10, duplicates: 1, rejected: 0, skipped: 9 });
    expect(await ledger.all("SELECT output_tokens, source_file FROM usage WHERE record_key = '804c0dc9-c999-417c-98d8-362fda6f3348'")).toEqual([
      { output_tokens: 977, source_file: page1 },
    ]);
    expect((await usageTotals(ledger)).rows).toBe(11);
  });

  it('input holds no cached tokens unless the total says so; Anthropic cache keys are always beside input', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'rules.json',
      page([
        // Langfuse-normalized OpenAI usage, no total at all: parts are disjoint
        generation({ id: 'oa-normalized', usageDetails: { input: 900, input_cached_tokens: 1024, output: 60 } }),
        // raw usage whose input and output still hold their details: total = input + output
        generation({ id: 'oa-raw', usageDetails: { input: 1924, input_cached_tokens: 1024, output: 260, output_reasoning_tokens: 200, total: 2184 } }),
        // Anthropic keys with a total that matches the sum of the parts
        generation({ id: 'an', model: 'claude-sonnet-4-5', usageDetails: { input: 12, cache_read_input_tokens: 3000, cache_creation_input_tokens: 200, output: 90, total: 3302 } }),
        // Langfuse's own key names for Anthropic caching
        generation({ id: 'an-lf', model: 'claude-haiku-4-5', usageDetails: { input: 7, input_cache_read: 800, input_cache_creation: 100, output: 30, total: 937 } }),
        // the legacy usage object only
        generation({ id: 'legacy', usageDetails: {}, usage: { input: 300, output: 20, total: 320, unit: 'TOKENS' } }),
      ]),
    );
    await importPaths(ledger, [file]);
    expect(
      await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, reasoning_tokens FROM usage ORDER BY record_key'),
    ).toEqual([
      { record_key: 'an', input_tokens: 12, cache_read_tokens: 3000, cache_write_5m_tokens: 200, output_tokens: 90, reasoning_tokens: null },
      { record_key: 'an-lf', input_tokens: 7, cache_read_tokens: 800, cache_write_5m_tokens: 100, output_tokens: 30, reasoning_tokens: null },
      { record_key: 'legacy', input_tokens: 300, cache_read_tokens: 0, cache_write_5m_tokens: 0, output_tokens: 20, reasoning_tokens: null },
      { record_key: 'oa-normalized', input_tokens: 900, cache_read_tokens: 1024, cache_write_5m_tokens: 0, output_tokens: 60, reasoning_tokens: null },
      { record_key: 'oa-raw', input_tokens: 900, cache_read_tokens: 1024, cache_write_5m_tokens: 0, output_tokens: 260, reasoning_tokens: 200 },
    ]);
  });

  it('latency: seconds become milliseconds when there is no endTime; provider by model prefix', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'latency.json',
      JSON.stringify([
        generation({ id: 'a', endTime: null, latency: 1.25, model: 'o3-mini' }),
        generation({ id: 'b', model: 'gemini-2.5-pro', startTime: '2026-10-22 09:00:00', endTime: '2026-10-22 09:00:04' }),
        generation({ id: 'c', model: 'mistral-large-latest' }),
      ]),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, provider, started_at, latency_ms FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'a', provider: 'openai', started_at: new Date('2026-10-22T09:00:00Z'), latency_ms: 1250 },
      { record_key: 'b', provider: 'google', started_at: new Date('2026-10-22T09:00:00Z'), latency_ms: 4000 },
      { record_key: 'c', provider: null, started_at: new Date('2026-10-22T09:00:00Z'), latency_ms: 2500 },
    ]);
  });

  it('reads one observation per line too', async () => {
    const ledger = await newLedger();
    const file = writeTemp('obs.jsonl', jsonl(JSON.stringify(generation({ id: 'l1' })), JSON.stringify(generation({ id: 'l2', type: 'SPAN' }))));
    expect(detectImporter(file)?.id).toBe('langfuse-observations');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'langfuse-observations', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 1 });
  });
});

describe('langfuse: bad observations', () => {
  it('rejects bad generations with their position in the page (test/fixtures/langfuse/bad-observations.json)', async () => {
    const ledger = await newLedger();
    const file = fixtures('langfuse', 'bad-observations.json');
    expect(detectImporter(file)?.id).toBe('langfuse-observations');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'langfuse-observations', rows_read: 8, imported: 2, duplicates: 0, rejected: 6, skipped: 1 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 2, reason: 'observation id is missing' },
      { source_line: 3, reason: 'startTime is missing or not a timestamp' },
      { source_line: 5, reason: 'a usageDetails or costDetails value is not a number' },
      { source_line: 6, reason: 'usageDetails is not an object' },
      { source_line: 7, reason: 'usageDetails cache tokens exceed input' },
      { source_line: 8, reason: 'usageDetails.input=-5 is not a plausible token count' },
    ]);
    const [bad] = await ledger.all<{ raw: string }>('SELECT raw FROM rejects WHERE source_line = 5');
    expect(JSON.parse(bad.raw)).toMatchObject({ id: 'obs-fix-05', usageDetails: { input: 'nine hundred' } });
    expect(await ledger.all('SELECT source_line, record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, billed_cost_usd FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, record_key: 'obs-fix-01', input_tokens: 900, cache_read_tokens: 1024, cache_write_5m_tokens: 0, output_tokens: 60, billed_cost_usd: 0.0005584 },
      { source_line: 9, record_key: 'obs-fix-09', input_tokens: 12, cache_read_tokens: 3000, cache_write_5m_tokens: 200, output_tokens: 90, billed_cost_usd: 0.0008 },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('a page cut off mid-way is an error naming the file, and nothing is imported', async () => {
    const ledger = await newLedger();
    const text = fs.readFileSync(page1, 'utf8');
    const file = writeTemp('cut.json', text.slice(0, 3000));
    expect(detectImporter(file)?.id).toBe('langfuse-observations');
    const err = await importPaths(ledger, [file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecountError);
    expect((err as Error).message).toContain(file);
    expect((await usageTotals(ledger)).rows).toBe(0);
  });
});
