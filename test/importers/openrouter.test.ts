import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { readHead } from '../../src/importers/common/file-head.js';
import { detectImporter, importers } from '../../src/importers/registry.js';
import { copyWithMtime, expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const genJsonl = samples('openrouter', 'generations.jsonl');
const genJson = samples('openrouter', 'generations.json');
const activity = samples('openrouter', 'activity.csv');
const activityOverlap = samples('openrouter', 'activity-overlap.csv');
const ACTIVITY_HEADER = fs.readFileSync(activity, 'utf8').split('\n')[0];

/** Sums of reasoning tokens and billed dollars (rounded to 1e-9) for `where`. */
async function extras(ledger: Ledger, where = 'true') {
  const [row] = await ledger.all<{ reasoning: number; billed: number }>(
    `SELECT coalesce(sum(reasoning_tokens), 0)::BIGINT AS reasoning, round(sum(billed_cost_usd), 9) AS billed FROM usage WHERE ${where}`,
  );
  return row;
}

const tagsOf = async (ledger: Ledger, key: string) => {
  const [row] = await ledger.all<{ tags: string }>(`SELECT tags::VARCHAR AS tags FROM usage WHERE record_key = '${key}'`);
  return JSON.parse(row.tags) as Record<string, string>;
};

/** One generation as GET /api/v1/generation returns it. */
function generation(id: string, over: Record<string, unknown> = {}) {
  return {
    data: {
      id,
      upstream_id: 'chatcmpl-Qx81bLr5Tz0PaVn2Wc7Ye4Hd9KfMj',
      total_cost: 0.0042,
      cache_discount: null,
      created_at: '2026-10-22T10:00:00.000+00:00',
      model: 'openai/gpt-4.1-mini',
      streamed: true,
      cancelled: false,
      provider_name: 'OpenAI',
      latency: 900,
      generation_time: 2400,
      finish_reason: 'stop',
      tokens_prompt: 1000,
      tokens_completion: 100,
      native_tokens_prompt: 1010,
      native_tokens_completion: 98,
      native_tokens_reasoning: 0,
      native_tokens_cached: 0,
      is_byok: false,
      native_finish_reason: 'stop',
      external_user: null,
      api_type: 'completions',
      session_id: null,
      service_tier: null,
      ...over,
    },
  };
}

describe('openrouter-generations: polled generation stats, one response per line (samples/openrouter/generations.jsonl)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [genJsonl]);
  });

  it('reads 13 responses: 12 generations, 1 polled twice (lines 6 and 9); skips the 404 of an early poll (line 5)', async () => {
    expect(outcome(report, genJsonl)).toEqual({ format: 'openrouter-generations', rows_read: 13, imported: 12, duplicates: 1, rejected: 0, skipped: 1 });
    await expectCountsBalance(ledger, report);
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE record_key = 'gen-1791883669-Kn0b2HrG8guSjr7EEhSV'")).toEqual([{ n: 1 }]);
  });

  it('buckets come from the native counts: uncached = native_tokens_prompt - native_tokens_cached, reasoning inside output', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 12,
      requests: 12,
      input: 89_531,
      cache_read: 45_489,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 16_602,
    });
    expect(await extras(ledger)).toEqual({ reasoning: 1_569, billed: 0.2021799 });
  });

  it('maps one generation field by field (line 4: gpt-5, cached and reasoning tokens)', async () => {
    expect(
      await ledger.all(`
        SELECT record_key, source, source_line, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
               output_tokens, reasoning_tokens, billed_cost_usd, service_tier, session_id, user_id, status, latency_ms
        FROM usage WHERE source_line = 4`),
    ).toEqual([
      {
        record_key: 'gen-1791883482-zz1DYYCdqm0ppByjTKKB',
        source: 'openrouter',
        source_line: 4,
        started_at: new Date('2026-10-13T09:24:42.811Z'),
        provider: 'openrouter',
        model: 'gpt-5',
        model_raw: 'openai/gpt-5',
        requests: 1,
        input_tokens: 6236 - 4384,
        cache_read_tokens: 4384,
        output_tokens: 643,
        reasoning_tokens: 385,
        billed_cost_usd: 0.009293,
        service_tier: 'standard',
        session_id: 'sess_tri_0a91',
        user_id: 'cust_8812',
        status: 'ok',
        latency_ms: 1054,
      },
    ]);
    expect(await tagsOf(ledger, 'gen-1791883482-zz1DYYCdqm0ppByjTKKB')).toEqual({
      provider_name: 'OpenAI',
      upstream_id: 'chatcmpl-MVCyA2ErMwTXiaqspZTlx4YDE3ij3',
      finish_reason: 'length',
      api_type: 'completions',
      streamed: 'true',
      origin: 'https://support.acme-widgets.example/',
      generation_time_ms: '6559',
    });
  });

  it('keeps the slug as written, tags the upstream provider, BYOK and cancelled generations, and the flex tier', async () => {
    expect(await ledger.all('SELECT model_raw, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { model_raw: 'anthropic/claude-sonnet-4.5', n: 4 },
      { model_raw: 'deepseek/deepseek-chat-v3.1', n: 1 },
      { model_raw: 'google/gemini-2.5-flash', n: 2 },
      { model_raw: 'openai/gpt-4.1-mini', n: 2 },
      { model_raw: 'openai/gpt-5', n: 2 },
      { model_raw: 'x-ai/grok-4-fast', n: 1 },
    ]);
    expect(await ledger.all("SELECT DISTINCT model FROM usage WHERE model_raw = 'anthropic/claude-sonnet-4.5'")).toEqual([{ model: 'claude-sonnet-4-5' }]);
    expect(await ledger.all("SELECT tags->>'provider_name' AS upstream, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL")).toEqual([
      { upstream: 'Amazon Bedrock', n: 1 },
      { upstream: 'Anthropic', n: 1 },
      { upstream: 'Chutes', n: 1 },
      { upstream: 'Google AI Studio', n: 2 },
      { upstream: 'Google Vertex', n: 2 },
      { upstream: 'OpenAI', n: 4 },
      { upstream: 'xAI', n: 1 },
    ]);
    expect(await ledger.all("SELECT source_line, billed_cost_usd FROM usage WHERE tags->>'byok' = 'true'")).toEqual([{ source_line: 7, billed_cost_usd: 0.0021281 }]);
    expect(await ledger.all("SELECT source_line, status FROM usage WHERE tags->>'cancelled' = 'true'")).toEqual([{ source_line: 8, status: 'ok' }]);
    expect(await ledger.all("SELECT source_line, model_raw FROM usage WHERE service_tier = 'flex'")).toEqual([{ source_line: 10, model_raw: 'x-ai/grok-4-fast' }]);
  });

  it('re-importing the file adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [genJsonl]);
    expect(outcome(again, genJsonl)).toEqual({ format: 'openrouter-generations', rows_read: 13, imported: 0, duplicates: 13, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('openrouter-generations-json: generation stats saved as one JSON document (samples/openrouter/generations.json)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [genJson]);
  });

  it('reads an array of 6 responses: 5 generations, the 3rd polled again as the 6th', async () => {
    expect(outcome(report, genJson)).toEqual({ format: 'openrouter-generations-json', rows_read: 6, imported: 5, duplicates: 1, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 49_825, cache_read: 3_620, cache_write_5m: 0, cache_write_1h: 0, output: 7_897 });
    expect(await extras(ledger)).toEqual({ reasoning: 854, billed: 0.1357259 });
    // source_line is the response's position in the document
    expect(await ledger.all('SELECT list(source_line ORDER BY source_line) AS lines FROM usage')).toEqual([{ lines: [1, 2, 3, 4, 5] }]);
    await expectCountsBalance(ledger, report);
  });

  it('reads a single {data:{…}} response, a bare generation object, and skips an error response', async () => {
    const ledger2 = await newLedger();
    const dir = tempDir();
    const one = writeTemp('gen-one.json', JSON.stringify(generation('gen-1792400000-OneAAAAAAAAAAAAAAAAA'), null, 2), dir);
    const bare = writeTemp(
      'gen-bare.json',
      JSON.stringify([generation('gen-1792400060-BareBBBBBBBBBBBBBBBB').data, { error: { message: 'Generation not found', code: 404 } }], null, 2),
      dir,
    );
    const r = await importPaths(ledger2, [one, bare]);
    expect(outcome(r, one)).toEqual({ format: 'openrouter-generations-json', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 0 });
    expect(outcome(r, bare)).toEqual({ format: 'openrouter-generations-json', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger2)).toMatchObject({ rows: 2, input: 2020, output: 196 });
  });

  it('rejects a generation with wrong types, naming its position in the document', async () => {
    const ledger2 = await newLedger();
    const file = writeTemp(
      'gens.json',
      JSON.stringify([generation('gen-1792400120-OkCCCCCCCCCCCCCCCCCC'), generation('gen-1792400180-BadDDDDDDDDDDDDDDDDD', { native_tokens_completion: 'twelve' })], null, 2),
    );
    const r = await importPaths(ledger2, [file]);
    expect(outcome(r, file)).toEqual({ format: 'openrouter-generations-json', rows_read: 2, imported: 1, duplicates: 0, rejected: 1, skipped: 0 });
    const rejects = await ledger2.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ source_line: 2, reason: 'a token count is not a number' });
    expect(rejects[0].raw).toContain('gen-1792400180-BadDDDDDDDDDDDDDDDDD');
  });

  it('re-importing the document adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [genJson]);
    expect(outcome(again, genJson)).toEqual({ format: 'openrouter-generations-json', rows_read: 6, imported: 0, duplicates: 6, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
  });
});

describe('openrouter-generations: dedupe, units and line handling', () => {
  it('a generation polled in two files counts once; a more complete copy replaces the stored one', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const id = 'gen-1792410000-PollAAAAAAAAAAAAAAAA';
    const first = writeTemp('poll-1.jsonl', jsonl(JSON.stringify(generation(id, { native_tokens_completion: 40 }))), dir);
    const second = writeTemp('poll-2.jsonl', jsonl(JSON.stringify(generation(id, { native_tokens_completion: 98 }))), dir);
    const r1 = await importPaths(ledger, [first]);
    expect(outcome(r1, first)).toMatchObject({ imported: 1, duplicates: 0 });
    const r2 = await importPaths(ledger, [second]);
    expect(outcome(r2, second)).toMatchObject({ rows_read: 1, imported: 1, duplicates: 0 });
    const r3 = await importPaths(ledger, [first, second]);
    expect(r3.totals).toMatchObject({ rows_read: 2, imported: 0, duplicates: 2 });
    expect(await ledger.all('SELECT record_key, output_tokens, source_file FROM usage')).toEqual([{ record_key: id, output_tokens: 98, source_file: second }]);
    await expectCountsBalance(ledger, r3);
  });

  it("a content-filtered generation is 'blocked' and an errored one 'error', each keeping the tokens counted (JSONL and CSV)", async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const jl = writeTemp(
      'filtered.jsonl',
      jsonl(
        JSON.stringify(generation('gen-1792000001-FilterAAAAAAAAAAAAA', { finish_reason: 'content_filter', native_finish_reason: 'SAFETY', model: 'google/gemini-2.5-flash' })),
        JSON.stringify(generation('gen-1792000002-ErrorAAAAAAAAAAAAAA', { finish_reason: 'error', native_finish_reason: 'error', native_tokens_completion: 12 })),
      ),
      dir,
    );
    const csv = writeTemp(
      'filtered.csv',
      ['generation_id,created_at,cost_total,tokens_prompt,tokens_completion,model_permaslug,finish_reason_normalized',
       'gen-1792000003-FilterCsvAAAAAAAAAA,2026-10-22 10:05:00.000,0.0003,640,0,anthropic/claude-haiku-4.5,content_filter'].join('\n') + '\n',
      dir,
    );
    const r = await importPaths(ledger, [jl, csv]);
    expect(r.totals).toMatchObject({ imported: 3, rejected: 0 });
    expect(await ledger.all('SELECT record_key, status, input_tokens, output_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'gen-1792000001-FilterAAAAAAAAAAAAA', status: 'blocked', input_tokens: 1010, output_tokens: 98 },
      { record_key: 'gen-1792000002-ErrorAAAAAAAAAAAAAA', status: 'error', input_tokens: 1010, output_tokens: 12 },
      { record_key: 'gen-1792000003-FilterCsvAAAAAAAAAA', status: 'blocked', input_tokens: 640, output_tokens: 0 },
    ]);
  });

  it('falls back to OpenRouter token counts when the native ones are missing; a zone-less created_at is UTC', async () => {
    const ledger = await newLedger();
    await ledger.run("SET TimeZone = 'America/New_York'"); // the session zone must not shift zone-less times
    const file = writeTemp(
      'fallback.jsonl',
      jsonl(
        JSON.stringify(
          generation('gen-1792420000-NatvAAAAAAAAAAAAAAAA', {
            created_at: '2026-10-22T23:30:00.5',
            native_tokens_prompt: null,
            native_tokens_completion: null,
            native_tokens_cached: null,
            native_tokens_reasoning: null,
            tokens_prompt: 1500,
            tokens_completion: 220,
          }),
        ),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all("SELECT epoch_ms(started_at) AS ms, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens FROM usage")).toEqual([
      { ms: Date.parse('2026-10-22T23:30:00.500Z'), input_tokens: 1500, cache_read_tokens: 0, output_tokens: 220, reasoning_tokens: null },
    ]);
  });

  it('reads a line holding an array of responses and a one-response-per-line JSON array', async () => {
    const ledger = await newLedger();
    const a = generation('gen-1792430000-ArrAAAAAAAAAAAAAAAAA');
    const b = generation('gen-1792430060-ArrBBBBBBBBBBBBBBBBB');
    const c = generation('gen-1792430120-ArrCCCCCCCCCCCCCCCCC');
    const d = generation('gen-1792430180-ArrDDDDDDDDDDDDDDDDD');
    const oneLine = writeTemp('array-line.jsonl', jsonl(JSON.stringify([a, b])));
    const perLine = writeTemp('per-line.json', `[${JSON.stringify(c)},\n ${JSON.stringify(d)}]\n`);
    expect(detectImporter(oneLine)?.id).toBe('openrouter-generations');
    expect(detectImporter(perLine)?.id).toBe('openrouter-generations');
    const r = await importPaths(ledger, [oneLine, perLine]);
    expect(outcome(r, oneLine)).toMatchObject({ rows_read: 2, imported: 2, rejected: 0 });
    expect(outcome(r, perLine)).toMatchObject({ rows_read: 2, imported: 2, rejected: 0 });
    expect(await ledger.all('SELECT source_line, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { source_line: 1, n: 3 },
      { source_line: 2, n: 1 },
    ]);
  });

  it('rejects bad lines with file, line and raw text (test/fixtures/openrouter/generations-bad.jsonl, CRLF, a blank line)', async () => {
    const ledger = await newLedger();
    const file = fixtures('openrouter', 'generations-bad.jsonl');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openrouter-generations', rows_read: 6, imported: 2, duplicates: 0, rejected: 4, skipped: 1 });
    await expectCountsBalance(ledger, report);
    const rejects = await ledger.all<{ source_file: string; source_line: number; format: string; reason: string; raw: string }>(
      'SELECT source_file, source_line, format, reason, raw FROM rejects ORDER BY source_line',
    );
    expect(rejects.map((r) => [r.source_line, r.reason])).toEqual([
      [3, 'not valid JSON (a truncated or corrupted line)'],
      [4, 'a token count is not a number'],
      [5, 'created_at is missing or not a timestamp'],
      [7, 'native_tokens_cached exceed native_tokens_prompt'],
    ]);
    expect(rejects.every((r) => r.source_file === file && r.format === 'openrouter-generations')).toBe(true);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(rejects[0].raw).toBe(lines[2]);
    expect(rejects[1].raw).toBe(lines[3]);
    expect(await ledger.all('SELECT source_line, input_tokens, cache_read_tokens, output_tokens, billed_cost_usd FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, input_tokens: 2000, cache_read_tokens: 3000, output_tokens: 700, billed_cost_usd: 0.01425 },
      { source_line: 8, input_tokens: 1200, cache_read_tokens: 0, output_tokens: 80, billed_cost_usd: 0.0048 },
    ]);
  });
});

describe('openrouter-activity-csv: the activity export (samples/openrouter/activity*.csv)', () => {
  let ledger: Ledger;
  let r1: ImportReport;
  let r2: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    r1 = await importPaths(ledger, [activity]);
    r2 = await importPaths(ledger, [activityOverlap]);
  });

  it('imports the first export: 14 generations', async () => {
    expect(outcome(r1, activity)).toEqual({ format: 'openrouter-activity-csv', rows_read: 14, imported: 14, duplicates: 0, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, r1);
  });

  it('an overlapping export adds only its 6 new generations (4 rows repeat generation_ids)', async () => {
    expect(outcome(r2, activityOverlap)).toEqual({ format: 'openrouter-activity-csv', rows_read: 10, imported: 6, duplicates: 4, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, r2);
  });

  it('tokens_cached comes out of tokens_prompt; tokens_reasoning stays inside output; cost_total is dollars', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 20,
      requests: 20,
      input: 203_731,
      cache_read: 84_043,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 32_307,
    });
    expect(await extras(ledger)).toEqual({ reasoning: 6_498, billed: 0.53349665 });
    expect(await extras(ledger, `source_file = '${activity}'`)).toEqual({ reasoning: 5_030, billed: 0.45532028 });
  });

  it('maps one row field by field (activity.csv line 4: a cancelled Gemini generation)', async () => {
    expect(
      await ledger.all(`
        SELECT record_key, source, source_line, started_at, provider, model, model_raw, input_tokens, cache_read_tokens, output_tokens,
               reasoning_tokens, billed_cost_usd, api_key, user_id, status, latency_ms
        FROM usage WHERE source_file = '${activity}' AND source_line = 4`),
    ).toEqual([
      {
        record_key: 'gen-1791148859-kznhxfGR919oJpQ9nM6g',
        source: 'openrouter',
        source_line: 4,
        started_at: new Date('2026-10-04T21:20:59.512Z'), // written '2026-10-04 21:20:59.512', no zone: UTC
        provider: 'openrouter',
        model: 'gemini-2.5-flash',
        model_raw: 'google/gemini-2.5-flash',
        input_tokens: 7721,
        cache_read_tokens: 0,
        output_tokens: 2976,
        reasoning_tokens: 892,
        billed_cost_usd: 0.0097563,
        api_key: 'nightly-summarizer',
        user_id: null,
        status: 'ok',
        latency_ms: 39846,
      },
    ]);
    expect(await tagsOf(ledger, 'gen-1791148859-kznhxfGR919oJpQ9nM6g')).toEqual({
      provider_name: 'Google',
      app_name: 'Digest Worker',
      variant: 'standard',
      streamed: 'true',
      cancelled: 'true',
      time_to_first_token_ms: '1596',
    });
  });

  it('keeps dated permaslugs as written and attributes keys, apps and users', async () => {
    expect(await ledger.all('SELECT model_raw, model, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      // the version-first permaslug maps to the catalog id
      { model_raw: 'anthropic/claude-4.5-sonnet-20250929', model: 'claude-sonnet-4-5', n: 3 },
      { model_raw: 'google/gemini-2.5-flash', model: 'gemini-2.5-flash', n: 3 },
      { model_raw: 'openai/gpt-4.1-2025-04-14', model: 'gpt-4.1', n: 2 },
      { model_raw: 'openai/gpt-4.1-mini-2025-04-14', model: 'gpt-4.1-mini', n: 5 },
      { model_raw: 'openai/gpt-5-2025-08-07', model: 'gpt-5', n: 7 },
    ]);
    expect(await ledger.all('SELECT api_key, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { api_key: 'eval-harness', n: 4 },
      { api_key: 'nightly-summarizer', n: 6 },
      { api_key: 'support-bot-prod', n: 10 },
    ]);
    expect(await ledger.all("SELECT tags->>'app_name' AS app, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL")).toEqual([
      { app: 'Acme Support Triage', n: 10 },
      { app: 'Digest Worker', n: 6 },
      { app: null, n: 4 }, // eval-harness runs outside an app
    ]);
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE user_id IS NOT NULL AND user_id = (tags->>'user')")).toEqual([{ n: 14 }]);
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE tags->>'byok' = 'true'")).toEqual([{ n: 1 }]);
  });

  it('re-importing both exports adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [activity, activityOverlap]);
    expect(again.totals).toEqual({ files: 2, rows_read: 24, imported: 0, duplicates: 24, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });

  it('both exports in one run: each generation_id counted once', async () => {
    const fresh = await newLedger();
    const dir = tempDir();
    const a = copyWithMtime(activity, dir, new Date('2026-10-06T00:00:00Z'));
    const b = copyWithMtime(activityOverlap, dir, new Date('2026-10-08T00:00:00Z'));
    const r = await importPaths(fresh, [dir]);
    expect(r.totals).toEqual({ files: 2, rows_read: 24, imported: 20, duplicates: 4, rejected: 0, skipped: 0 });
    expect((await usageTotals(fresh)).input).toBe(203_731);
    expect(path.dirname(a)).toBe(path.dirname(b));
  });
});

describe('openrouter-activity-csv: awkward rows', () => {
  it('rejects bad rows with line numbers (test/fixtures/openrouter/activity-bad.csv) and hides raw keys', async () => {
    const ledger = await newLedger();
    const file = fixtures('openrouter', 'activity-bad.csv');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'openrouter-activity-csv', rows_read: 7, imported: 2, duplicates: 0, rejected: 5, skipped: 0 });
    await expectCountsBalance(ledger, report);
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 3, reason: 'a token count is not a number' },
      { source_line: 4, reason: 'created_at is missing or not a timestamp' },
      { source_line: 5, reason: 'generation_id is missing' },
      { source_line: 6, reason: 'cost_total is not a number' },
      { source_line: 8, reason: 'tokens_prompt or tokens_completion is missing (a row cut off?)' },
    ]);
    expect(await ledger.all<{ raw: string }>('SELECT raw FROM rejects WHERE source_line = 3')).toEqual([{ raw: expect.stringContaining('n/a') }]);
    const rows = await ledger.all<{ source_line: number; input_tokens: number; cache_read_tokens: number; api_key: string; user_id: string; status: string; app: string }>(
      "SELECT source_line, input_tokens, cache_read_tokens, api_key, user_id, status, tags->>'app_name' AS app FROM usage ORDER BY source_line",
    );
    expect(rows[0]).toEqual({ source_line: 2, input_tokens: 3000, cache_read_tokens: 1000, api_key: 'support-bot-prod', user_id: null, status: 'ok', app: 'Acme, Inc. Support' });
    // a raw key pasted as the key name or user never lands in the ledger; finish_reason 'error' is an error
    expect(rows[1]).toMatchObject({ source_line: 7, status: 'error' });
    expect(rows[1].api_key).toMatch(/^sk-…[0-9a-f]{12}$/);
    expect(rows[1].user_id).toMatch(/^sk-…[0-9a-f]{12}$/);
    expect(JSON.stringify(await ledger.all('SELECT * FROM usage'))).not.toContain('0c2f9a7e41d3b5a6');
  });

  it('reads columns in another order and without the optional ones; zone-less created_at is UTC in any session zone', async () => {
    const ledger = await newLedger();
    await ledger.run("SET TimeZone = 'Asia/Tokyo'");
    const file = writeTemp(
      'minimal.csv',
      [
        'model_permaslug,tokens_completion,tokens_prompt,generation_id,created_at,cost_total,tokens_cached',
        'openai/gpt-4.1-2025-04-14,50,900,gen-1792440000-MiniAAAAAAAAAAAAAAAA,2026-10-31 23:59:59.999,0.0021,\n',
      ].join('\n'),
    );
    expect(detectImporter(file)?.id).toBe('openrouter-activity-csv');
    const r = await importPaths(ledger, [file]);
    expect(outcome(r, file)).toMatchObject({ rows_read: 1, imported: 1 });
    expect(await ledger.all('SELECT epoch_ms(started_at) AS ms, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens, api_key, tags::VARCHAR AS tags FROM usage')).toEqual([
      { ms: Date.parse('2026-10-31T23:59:59.999Z'), input_tokens: 900, cache_read_tokens: 0, output_tokens: 50, reasoning_tokens: null, api_key: null, tags: '{}' },
    ]);
  });
});

describe('openrouter detection', () => {
  it.each([
    [genJsonl, 'openrouter-generations'],
    [genJson, 'openrouter-generations-json'],
    [activity, 'openrouter-activity-csv'],
    [activityOverlap, 'openrouter-activity-csv'],
    [fixtures('openrouter', 'generations-bad.jsonl'), 'openrouter-generations'],
    [fixtures('openrouter', 'activity-bad.csv'), 'openrouter-activity-csv'],
  ])('%s → %s', (file, id) => {
    expect(detectImporter(file)?.id).toBe(id);
  });

  it('the OpenRouter detectors claim no other sample', () => {
    const mine = importers.filter((i) => i.id.startsWith('openrouter-'));
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const others = walk(samples()).filter((f) => !f.includes(`${path.sep}openrouter${path.sep}`));
    expect(others.length).toBeGreaterThan(10);
    for (const f of others) expect(mine.filter((i) => i.detect(readHead(f))).map((i) => i.id), f).toEqual([]);
  });

  it('a cut-off generations document is still detected (so the reader error can name it)', () => {
    const text = fs.readFileSync(genJson, 'utf8');
    expect(detectImporter(writeTemp('cut.json', text.slice(0, 1500)))?.id).toBe('openrouter-generations-json');
  });
});
