import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { readHead } from '../../src/importers/common/file-head.js';
import { detectImporter, importers } from '../../src/importers/registry.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const csvSample = samples('litellm', 'spend-logs.csv');
const jsonlSample = samples('litellm', 'spend-logs.jsonl');
const jsonSample = samples('litellm', 'spend-logs.json');

/** The 12 spend-log rows of the CSV and JSONL samples, less the Responses API retrieval (skipped). */
const SAMPLE_TOTALS = { rows: 11, requests: 11, input: 20_315, cache_read: 19_556, cache_write_5m: 4_850, cache_write_1h: 9_811, output: 5_663 };

async function extras(ledger: Ledger, where = 'true') {
  const [row] = await ledger.all<{ reasoning: number; billed: number }>(
    `SELECT coalesce(sum(reasoning_tokens), 0)::BIGINT AS reasoning, round(sum(billed_cost_usd), 9) AS billed FROM usage WHERE ${where}`,
  );
  return row;
}

const tagsAt = async (ledger: Ledger, line: number) => {
  const [row] = await ledger.all<{ tags: string }>(`SELECT tags::VARCHAR AS tags FROM usage WHERE source_line = ${line}`);
  return JSON.parse(row.tags) as Record<string, string>;
};

/** A LiteLLM_SpendLogs row as row_to_json writes it (nested metadata, zone-less timestamps). */
function spendLog(requestId: string, over: Record<string, unknown> = {}, usage: Record<string, unknown> = {}) {
  const usageObject = { prompt_tokens: 5000, completion_tokens: 300, total_tokens: 5300, prompt_tokens_details: { cached_tokens: 0 }, ...usage };
  return {
    request_id: requestId,
    call_type: 'acompletion',
    api_key: '4f1c0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29181706f5e4d3c2b1a09f8e',
    spend: 0.0069,
    total_tokens: 5300,
    prompt_tokens: 5000,
    completion_tokens: 300,
    startTime: '2026-10-27T16:00:00.000',
    endTime: '2026-10-27T16:00:04.200',
    completionStartTime: '2026-10-27T16:00:01.100',
    model: 'gpt-4.1-mini-2025-04-14',
    model_group: 'gpt-4.1-mini',
    custom_llm_provider: 'openai',
    user: 'u_maria.k',
    end_user: '',
    team_id: null,
    session_id: null,
    status: 'success',
    cache_hit: 'False',
    request_tags: [],
    metadata: { user_api_key_alias: 'support-bot-prod', user_api_key_team_alias: null, spend_logs_metadata: null, usage_object: usageObject, additional_usage_values: {} },
    ...over,
  };
}

describe('litellm-spendlogs-csv: LiteLLM_SpendLogs exported with psql (samples/litellm/spend-logs.csv)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [csvSample]);
  });

  it('reads 12 rows: 11 requests, line 10 repeats line 3 (overlapping export), skips the Responses API retrieval (line 13)', async () => {
    expect(outcome(report, csvSample)).toEqual({ format: 'litellm-spendlogs-csv', rows_read: 12, imported: 11, duplicates: 1, rejected: 0, skipped: 1 });
    await expectCountsBalance(ledger, report);
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE tags->>'call_type' = 'aget_responses'")).toEqual([{ n: 0 }]);
  });

  it('prompt_tokens includes cache reads and writes: uncached = prompt - read - write; 1h writes split out; spend is dollars', async () => {
    expect(await usageTotals(ledger)).toEqual(SAMPLE_TOTALS);
    // every prompt_tokens of the file, once per request: 20 315 + 19 556 + 4 850 + 9 811
    expect(SAMPLE_TOTALS.input + SAMPLE_TOTALS.cache_read + SAMPLE_TOTALS.cache_write_5m + SAMPLE_TOTALS.cache_write_1h).toBe(54_532);
    expect(await extras(ledger)).toEqual({ reasoning: 1_664, billed: 0.0971366 });
  });

  it('maps one Anthropic request field by field (line 2: a 5m cache write)', async () => {
    expect(
      await ledger.all(`
        SELECT record_key, source, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
               cache_write_1h_tokens, output_tokens, reasoning_tokens, billed_cost_usd, session_id, api_key, user_id, workspace, status, latency_ms
        FROM usage WHERE source_line = 2`),
    ).toEqual([
      {
        record_key: 'chatcmpl-7585c00b-baf9-479a-a7a2-6248dd39a5cd',
        source: 'litellm',
        started_at: new Date('2026-10-14T08:40:24.178Z'), // '2026-10-14 08:40:24.178' without zone: UTC
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        model_raw: 'claude-sonnet-4-5-20250929',
        requests: 1,
        input_tokens: 38,
        cache_read_tokens: 0,
        cache_write_5m_tokens: 4210,
        cache_write_1h_tokens: 0,
        output_tokens: 412,
        reasoning_tokens: null,
        billed_cost_usd: 0.0220815,
        session_id: 'f3a1c9e0-2b4d-4e6f-8a1b-3c5d7e9f0a12',
        api_key: 'support-bot-prod',
        user_id: 'u_maria.k',
        workspace: 'support',
        status: 'ok',
        latency_ms: 2339,
      },
    ]);
    expect(await tagsAt(ledger, 2)).toEqual({
      task: 'ticket-triage',
      team: 'support',
      model_group: 'claude-sonnet',
      call_type: 'acompletion',
      team_alias: 'support',
      team_id: 'b7e1c2d4-5a6f-4e3b-9c8d-1f2e3a4b5c6d',
      end_user: 'cust_8812',
    });
  });

  it('reads cache counts from the usage object: OpenAI cached_tokens (line 4), a Bedrock 1h write (line 6), read + 5m write (line 14)', async () => {
    expect(
      await ledger.all(
        'SELECT source_line, provider, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens FROM usage WHERE source_line IN (4, 6, 14) ORDER BY source_line',
      ),
    ).toEqual([
      { source_line: 4, provider: 'openai', input_tokens: 611, cache_read_tokens: 2944, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 188 },
      { source_line: 6, provider: 'aws-bedrock', input_tokens: 14, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 9811, output_tokens: 96 },
      { source_line: 14, provider: 'aws-bedrock', input_tokens: 412, cache_read_tokens: 8192, cache_write_5m_tokens: 640, cache_write_1h_tokens: 0, output_tokens: 233 },
    ]);
    expect(await ledger.all("SELECT reasoning_tokens, output_tokens FROM usage WHERE model_raw = 'gpt-5-2025-08-07'")).toEqual([{ reasoning_tokens: 1664, output_tokens: 2380 }]);
  });

  it('a LiteLLM cache hit stays a request, tagged and billed as logged ($0); a failure is an error with its code', async () => {
    expect(await ledger.all("SELECT source_line, status, billed_cost_usd, cache_read_tokens FROM usage WHERE tags->>'cache_hit' = 'true'")).toEqual([
      { source_line: 8, status: 'ok', billed_cost_usd: 0, cache_read_tokens: 4210 },
    ]);
    expect(await ledger.all("SELECT source_line, billed_cost_usd, input_tokens + output_tokens AS tokens, tags->>'error_code' AS code FROM usage WHERE status = 'error'")).toEqual([
      { source_line: 9, billed_cost_usd: 0, tokens: 0, code: '429' },
    ]);
  });

  it('providers from custom_llm_provider, keys by alias (else the key hash), request_tags and spend_logs_metadata as tags', async () => {
    expect(await ledger.all('SELECT provider, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { provider: 'anthropic', n: 4 },
      { provider: 'aws-bedrock', n: 2 },
      { provider: 'google', n: 1 },
      { provider: 'openai', n: 4 },
    ]);
    expect(await ledger.all('SELECT api_key, workspace, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { api_key: 'ce06f50babb9fa73be79ec77965a12553006d4aea43720403408d39e8ce815d2', workspace: null, n: 1 },
      { api_key: 'eval-harness', workspace: 'ml-platform', n: 2 },
      { api_key: 'support-bot-prod', workspace: 'support', n: 8 },
    ]);
    expect(await tagsAt(ledger, 4)).toMatchObject({ ticket_id: 'SUP-20931', task: 'summarize', team: 'support' });
    expect(await tagsAt(ledger, 6)).toMatchObject({ task: 'classify', 'batch-run': 'true' });
    expect(await ledger.all("SELECT tags->>'task' AS task, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL")).toEqual([
      { task: 'classify', n: 1 },
      { task: 'eval', n: 1 },
      { task: 'kb-index', n: 1 },
      { task: 'summarize', n: 1 },
      { task: 'ticket-triage', n: 6 },
      { task: null, n: 1 },
    ]);
  });

  it('re-importing the export adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [csvSample]);
    expect(outcome(again, csvSample)).toEqual({ format: 'litellm-spendlogs-csv', rows_read: 12, imported: 0, duplicates: 12, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('litellm-spendlogs-jsonl: one row_to_json object per line (samples/litellm/spend-logs.jsonl)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [jsonlSample]);
  });

  it('reads 12 rows: line 7 repeats line 4, line 12 (aget_responses) is skipped; same buckets as the CSV sample', async () => {
    expect(outcome(report, jsonlSample)).toEqual({ format: 'litellm-spendlogs-jsonl', rows_read: 12, imported: 11, duplicates: 1, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(SAMPLE_TOTALS);
    expect(await extras(ledger)).toEqual({ reasoning: 1_664, billed: 0.0971366 });
    expect(await ledger.all("SELECT count(*) AS n FROM usage WHERE record_key = 'chatcmpl-31141f06-d746-4e32-ab8b-d553a12d8c55'")).toEqual([{ n: 1 }]);
    await expectCountsBalance(ledger, report);
  });

  it('reads nested metadata and request_tags: line 5 is a Bedrock request with a 1h cache write', async () => {
    expect(
      await ledger.all('SELECT record_key, provider, model, input_tokens, cache_write_1h_tokens, api_key, workspace, latency_ms FROM usage WHERE source_line = 5'),
    ).toEqual([
      {
        record_key: 'chatcmpl-1dea9774-2f35-48cb-a29f-b4fd39186b0e',
        provider: 'aws-bedrock',
        model: 'claude-haiku-4-5',
        input_tokens: 14,
        cache_write_1h_tokens: 9811,
        api_key: 'eval-harness',
        workspace: 'ml-platform',
        latency_ms: 6163, // endTime 15:32:40.162 - startTime 15:32:33.999
      },
    ]);
    expect(await tagsAt(ledger, 5)).toMatchObject({ task: 'classify', 'batch-run': 'true', model_group: 'claude-haiku' });
  });

  it('re-importing the file adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [jsonlSample]);
    expect(outcome(again, jsonlSample)).toEqual({ format: 'litellm-spendlogs-jsonl', rows_read: 12, imported: 0, duplicates: 12, rejected: 0, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(before);
  });

  it('rejects bad lines with file, line and raw text (test/fixtures/litellm/spend-logs-bad.jsonl); reads double-encoded metadata', async () => {
    const ledger2 = await newLedger();
    const file = fixtures('litellm', 'spend-logs-bad.jsonl');
    const r = await importPaths(ledger2, [file]);
    expect(outcome(r, file)).toEqual({ format: 'litellm-spendlogs-jsonl', rows_read: 8, imported: 2, duplicates: 0, rejected: 6, skipped: 0 });
    await expectCountsBalance(ledger2, r);
    const rejects = await ledger2.all<{ source_file: string; source_line: number; reason: string; raw: string }>(
      'SELECT source_file, source_line, reason, raw FROM rejects ORDER BY source_line',
    );
    expect(rejects.map((x) => [x.source_line, x.reason])).toEqual([
      [3, 'not valid JSON (a truncated or corrupted line)'],
      [4, 'prompt_tokens or completion_tokens is not a number'],
      [5, 'startTime is missing or not a timestamp'],
      [6, 'spend is not a number'],
      [8, 'cache tokens exceed prompt_tokens'],
      [9, 'not a JSON object'],
    ]);
    expect(rejects.every((x) => x.source_file === file)).toBe(true);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(rejects[0].raw).toBe(lines[2]);
    // line 1 as written; line 7 carries metadata and request_tags as JSON text inside the JSON
    expect(
      await ledger2.all("SELECT source_line, input_tokens, cache_read_tokens, output_tokens, api_key, latency_ms, tags->>'task' AS task FROM usage ORDER BY source_line"),
    ).toEqual([
      { source_line: 1, input_tokens: 1290, cache_read_tokens: 4210, output_tokens: 655, api_key: 'support-bot-prod', latency_ms: 2500, task: 'ticket-triage' },
      { source_line: 7, input_tokens: 1290, cache_read_tokens: 4210, output_tokens: 655, api_key: 'support-bot-prod', latency_ms: 1000, task: 'ticket-triage' },
    ]);
  });

  it('a one-row-per-line JSON array (psql json_agg) reads line by line', async () => {
    const ledger2 = await newLedger();
    const a = spendLog('chatcmpl-0a0a0a0a-0000-4000-a000-00000000000a');
    const b = spendLog('chatcmpl-0b0b0b0b-0000-4000-a000-00000000000b');
    const file = writeTemp('json_agg.json', `[${JSON.stringify(a)}, \n ${JSON.stringify(b)}]\n`);
    expect(detectImporter(file)?.id).toBe('litellm-spendlogs-jsonl');
    const r = await importPaths(ledger2, [file]);
    expect(outcome(r, file)).toEqual({ format: 'litellm-spendlogs-jsonl', rows_read: 2, imported: 2, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await ledger2.all('SELECT source_line, record_key FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, record_key: a.request_id },
      { source_line: 2, record_key: b.request_id },
    ]);
  });
});

describe('litellm-spendlogs-json: a JSON document of rows (samples/litellm/spend-logs.json)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [jsonSample]);
  });

  it('reads an array of 9 rows: 8 requests, the first repeated at the end', async () => {
    expect(outcome(report, jsonSample)).toEqual({ format: 'litellm-spendlogs-json', rows_read: 9, imported: 8, duplicates: 1, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual({ rows: 8, requests: 8, input: 15_773, cache_read: 11_364, cache_write_5m: 4_210, cache_write_1h: 9_811, output: 5_290 });
    expect(await extras(ledger)).toEqual({ reasoning: 1_664, billed: 0.0927636 });
    await expectCountsBalance(ledger, report);
  });

  it('reads ISO timestamps with Z; source_line is the row position in the document', async () => {
    expect(await ledger.all('SELECT source_line, started_at, latency_ms FROM usage WHERE source_line = 1')).toEqual([
      { source_line: 1, started_at: new Date('2026-10-28T10:29:11.856Z'), latency_ms: 1349 },
    ]);
  });

  it('re-importing the document adds nothing', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [jsonSample]);
    expect(outcome(again, jsonSample)).toEqual({ format: 'litellm-spendlogs-json', rows_read: 9, imported: 0, duplicates: 9, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
  });

  it('reads a {"data":[…]} page and rejects a row with wrong types by position', async () => {
    const ledger2 = await newLedger();
    const page = {
      data: [
        spendLog('chatcmpl-0c0c0c0c-0000-4000-a000-00000000000c', {}, { prompt_tokens_details: { cached_tokens: 4096 } }),
        spendLog('chatcmpl-0d0d0d0d-0000-4000-a000-00000000000d', { completion_tokens: 'lots' }),
      ],
      total: 2,
      page: 1,
      page_size: 50,
      total_pages: 1,
    };
    const file = writeTemp('page.json', JSON.stringify(page, null, 2));
    expect(detectImporter(file)?.id).toBe('litellm-spendlogs-json');
    const r = await importPaths(ledger2, [file]);
    expect(outcome(r, file)).toEqual({ format: 'litellm-spendlogs-json', rows_read: 2, imported: 1, duplicates: 0, rejected: 1, skipped: 0 });
    expect(await ledger2.all('SELECT input_tokens, cache_read_tokens, output_tokens FROM usage')).toEqual([{ input_tokens: 904, cache_read_tokens: 4096, output_tokens: 300 }]);
    expect(await ledger2.all('SELECT source_line, reason FROM rejects')).toEqual([{ source_line: 2, reason: 'prompt_tokens or completion_tokens is not a number' }]);
  });
});

describe('litellm spend logs: dedupe, units, attribution', () => {
  it('the same request_id in two overlapping CSV exports counts once', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const text = fs.readFileSync(csvSample, 'utf8').split('\n');
    const a = writeTemp('export-a.csv', [text[0], ...text.slice(1, 7)].join('\n') + '\n', dir);
    const b = writeTemp('export-b.csv', [text[0], ...text.slice(4)].join('\n'), dir);
    const r = await importPaths(ledger, [dir]);
    expect(outcome(r, a)).toMatchObject({ rows_read: 6, imported: 6, duplicates: 0 });
    expect(outcome(r, b)).toMatchObject({ rows_read: 9, imported: 5, duplicates: 4, skipped: 1 });
    expect(await usageTotals(ledger)).toEqual(SAMPLE_TOTALS);
    await expectCountsBalance(ledger, r);
  });

  it('cache_read_input_tokens wins over cached_tokens; additional_usage_values is read when the usage object lacks them', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'cache.jsonl',
      jsonl(
        JSON.stringify(
          spendLog('chatcmpl-1c1c1c1c-0000-4000-a000-00000000001c', { custom_llm_provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }, {
            cache_read_input_tokens: 3000,
            cache_creation_input_tokens: 1500,
            prompt_tokens_details: { cached_tokens: 3000 },
          }),
        ),
        JSON.stringify({
          ...spendLog('chatcmpl-2c2c2c2c-0000-4000-a000-00000000002c', { custom_llm_provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }),
          metadata: { user_api_key_alias: null, usage_object: null, additional_usage_values: { cache_read_input_tokens: 2500, cache_creation_input_tokens: 500 } },
        }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, api_key FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'chatcmpl-1c1c1c1c-0000-4000-a000-00000000001c', input_tokens: 500, cache_read_tokens: 3000, cache_write_5m_tokens: 1500, api_key: 'support-bot-prod' },
      // no alias: the key's hash (LiteLLM stores the sha256, never the key)
      {
        record_key: 'chatcmpl-2c2c2c2c-0000-4000-a000-00000000002c',
        input_tokens: 2000,
        cache_read_tokens: 2500,
        cache_write_5m_tokens: 500,
        api_key: '4f1c0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29181706f5e4d3c2b1a09f8e',
      },
    ]);
  });

  it('an older LiteLLM that added only cache reads into prompt_tokens: writes beside them are not subtracted', async () => {
    const ledger = await newLedger();
    const anthropic = { custom_llm_provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', completion_tokens: 420 };
    const file = writeTemp(
      'versions.jsonl',
      jsonl(
        // current LiteLLM: prompt_tokens = input 30 + cache read 8000 + cache write 1500
        JSON.stringify(spendLog('chatcmpl-new', { ...anthropic, prompt_tokens: 9_530 }, { prompt_tokens: 9_530, cache_read_input_tokens: 8_000, cache_creation_input_tokens: 1_500 })),
        // older LiteLLM: prompt_tokens = input 30 + cache read 8000 (the write stayed beside)
        JSON.stringify(spendLog('chatcmpl-old', { ...anthropic, prompt_tokens: 8_030 }, { prompt_tokens: 8_030, cache_read_input_tokens: 8_000, cache_creation_input_tokens: 1_500 })),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(report.totals).toMatchObject({ imported: 2, rejected: 0 });
    expect(await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'chatcmpl-new', input_tokens: 30, cache_read_tokens: 8_000, cache_write_5m_tokens: 1_500, output_tokens: 420 },
      { record_key: 'chatcmpl-old', input_tokens: 30, cache_read_tokens: 8_000, cache_write_5m_tokens: 1_500, output_tokens: 420 },
    ]);
  });

  it('zone-less startTime is UTC whatever the session zone; a raw key in api_key is hidden', async () => {
    const ledger = await newLedger();
    await ledger.run("SET TimeZone = 'America/Los_Angeles'");
    const raw = 'sk-1234abcdEFGH5678ijklMNOP9012qrst';
    const file = writeTemp(
      'tz.jsonl',
      jsonl(JSON.stringify({ ...spendLog('chatcmpl-3c3c3c3c-0000-4000-a000-00000000003c', { api_key: raw, startTime: '2026-10-31T23:30:00', endTime: '2026-10-31T23:30:01.250' }), metadata: {} })),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT epoch_ms(started_at) AS ms, latency_ms, api_key FROM usage')).toEqual([
      { ms: Date.parse('2026-10-31T23:30:00Z'), latency_ms: 1250, api_key: expect.stringMatching(/^sk-…[0-9a-f]{12}$/) },
    ]);
    expect(JSON.stringify(await ledger.all('SELECT * FROM usage'))).not.toContain('abcdEFGH');
  });

  it('rejects bad CSV rows with line numbers (test/fixtures/litellm/spend-logs-bad.csv)', async () => {
    const ledger = await newLedger();
    const file = fixtures('litellm', 'spend-logs-bad.csv');
    const r = await importPaths(ledger, [file]);
    expect(outcome(r, file)).toEqual({ format: 'litellm-spendlogs-csv', rows_read: 7, imported: 2, duplicates: 0, rejected: 5, skipped: 0 });
    await expectCountsBalance(ledger, r);
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 3, reason: 'metadata is not valid JSON' },
      { source_line: 4, reason: 'prompt_tokens or completion_tokens is not a number' },
      { source_line: 5, reason: 'startTime is missing or not a timestamp' },
      { source_line: 6, reason: 'request_id is missing' },
      { source_line: 7, reason: 'request_tags is not valid JSON' },
    ]);
    // line 8: no key alias and a raw key in api_key, cache_hit 'None', the team only in metadata
    const [row] = await ledger.all<{ api_key: string; workspace: string; tags: string }>('SELECT api_key, workspace, tags::VARCHAR AS tags FROM usage WHERE source_line = 8');
    expect(row.api_key).toMatch(/^sk-…[0-9a-f]{12}$/);
    expect(row.workspace).toBe('b7e1c2d4-5a6f-4e3b-9c8d-1f2e3a4b5c6d');
    expect(JSON.parse(row.tags)).not.toHaveProperty('cache_hit');
  });
});

describe('litellm detection', () => {
  it.each([
    [csvSample, 'litellm-spendlogs-csv'],
    [jsonlSample, 'litellm-spendlogs-jsonl'],
    [jsonSample, 'litellm-spendlogs-json'],
    [fixtures('litellm', 'spend-logs-bad.csv'), 'litellm-spendlogs-csv'],
    [fixtures('litellm', 'spend-logs-bad.jsonl'), 'litellm-spendlogs-jsonl'],
  ])('%s → %s', (file, id) => {
    expect(detectImporter(file)?.id).toBe(id);
  });

  it('the LiteLLM detectors claim no other sample', () => {
    const mine = importers.filter((i) => i.id.startsWith('litellm-'));
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const others = walk(samples()).filter((f) => !f.includes(`${path.sep}litellm${path.sep}`));
    expect(others.length).toBeGreaterThan(10);
    for (const f of others) expect(mine.filter((i) => i.detect(readHead(f))).map((i) => i.id), f).toEqual([]);
  });

  it('a cut-off JSON document is still detected (so the reader error can name it)', () => {
    const text = fs.readFileSync(jsonSample, 'utf8');
    expect(detectImporter(writeTemp('cut.json', text.slice(0, 1200)))?.id).toBe('litellm-spendlogs-json');
  });
});
