import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { detectImporter } from '../../src/importers/registry.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';
import { invocationRecord as record } from './bedrock-records.js';

const s3 = samples('bedrock', 'invocation-logs-s3.jsonl');
const cloudwatch = samples('bedrock', 'invocation-logs-cloudwatch.jsonl');

describe('bedrock-invocation-logs: the sample S3 and CloudWatch exports', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('bedrock')]);
  });

  it('reads both export forms and counts the records both exports carry once', async () => {
    expect(report.files.map((f) => f.format)).toEqual(['bedrock-invocation-logs', 'bedrock-invocation-logs']);
    // the CloudWatch file (read first) repeats four of the S3 records and adds two
    expect(outcome(report, cloudwatch)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 6, imported: 6, duplicates: 0, rejected: 0, skipped: 0 });
    expect(outcome(report, s3)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 12, imported: 8, duplicates: 4, rejected: 0, skipped: 0 });
    expect(report.totals).toEqual({ files: 2, rows_read: 18, imported: 14, duplicates: 4, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('keeps inputTokenCount as the uncached input and the cache counts beside it (disjoint already)', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 14,
      requests: 14,
      input: 8_840,
      cache_read: 20_864,
      cache_write_5m: 10_432,
      cache_write_1h: 0,
      output: 789,
    });
    const keys = await ledger.all('SELECT count(DISTINCT record_key) AS d, count(*) FILTER (WHERE provider <> $p) AS other FROM usage', { p: 'aws-bedrock' });
    expect(keys).toEqual([{ d: 14, other: 0 }]);
  });

  it('keeps modelId as written and maps it to the canonical model', async () => {
    const rows = await ledger.all(`
      SELECT model_raw, model, count(*) AS n, sum(input_tokens) AS input, sum(cache_read_tokens) AS cr,
             sum(cache_write_5m_tokens) AS cw, sum(output_tokens) AS output
      FROM usage GROUP BY ALL ORDER BY model_raw`);
    expect(rows).toEqual([
      { model_raw: 'amazon.nova-pro-v1:0', model: 'nova-pro', n: 2, input: 2_874, cr: 0, cw: 0, output: 58 },
      {
        model_raw: 'arn:aws:bedrock:us-east-1:418295730164:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        model: 'claude-haiku-4-5',
        n: 2,
        input: 3_338,
        cr: 0,
        cw: 0,
        output: 79,
      },
      { model_raw: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', model: 'claude-haiku-4-5', n: 3, input: 281, cr: 0, cw: 0, output: 9 },
      { model_raw: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', model: 'claude-sonnet-4-5', n: 7, input: 2_347, cr: 20_864, cw: 10_432, output: 643 },
    ]);
  });

  it('keeps the throttled and the rejected call as error rows with zero tokens', async () => {
    const rows = await ledger.all(`
      SELECT record_key, status, input_tokens + cache_read_tokens + cache_write_5m_tokens + output_tokens AS tokens,
             tags->>'error_code' AS error_code
      FROM usage WHERE status <> 'ok' ORDER BY started_at`);
    expect(rows).toEqual([
      { record_key: '437c5061-f499-4bf4-b76c-8fc8e69e75be', status: 'error', tokens: 0, error_code: 'ThrottlingException' },
      { record_key: '2a19da92-3110-4917-ae25-1fc07d23ef7c', status: 'error', tokens: 0, error_code: 'ValidationException' },
    ]);
  });

  it('attributes each call to its role (api_key), role session or IAM user (user) and account (workspace)', async () => {
    const rows = await ledger.all(`SELECT api_key, user_id, workspace, count(*) AS n FROM usage GROUP BY ALL ORDER BY api_key, user_id`);
    expect(rows).toEqual([
      { api_key: 'AWSReservedSSO_DataScience_5f2e1c0a9b8d7e6f', user_id: 'maria.gomez@acme.com', workspace: '418295730164', n: 3 },
      { api_key: 'acme-support-bot-prod', user_id: 'i-0c7d2e91f4a3b5168', workspace: '418295730164', n: 7 },
      { api_key: 'invoice-extractor-lambda-role', user_id: 'invoice-extractor', workspace: '418295730164', n: 2 },
      { api_key: 'user/BedrockAPIKey-q7yh', user_id: 'BedrockAPIKey-q7yh', workspace: '418295730164', n: 2 },
    ]);
  });

  it('puts region, operation, inference region and the requestMetadata tags in tags; latency from Converse metrics', async () => {
    const [row] = await ledger.all<{ tags: string; latency_ms: number; started_at: Date; source_file: string; source_line: number }>(
      `SELECT tags, latency_ms, started_at, source_file, source_line FROM usage WHERE record_key = '948fa8de-1f33-4060-baec-b1973e1c20bb'`,
    );
    expect(JSON.parse(row.tags)).toEqual({
      team: 'support',
      ticket: 'SUP-48213',
      region: 'us-east-1',
      account_id: '418295730164',
      operation: 'Converse',
      inference_region: 'us-east-2',
      identity_arn: 'arn:aws:sts::418295730164:assumed-role/acme-support-bot-prod/i-0c7d2e91f4a3b5168',
      schema_version: '1.0',
    });
    expect([row.latency_ms, row.started_at, row.source_file, row.source_line]).toEqual([3412, new Date('2026-10-14T08:02:11Z'), cloudwatch, 1]);
    const byTicket = await ledger.all(`
      SELECT tags->>'ticket' AS ticket, sum(output_tokens) AS output FROM usage WHERE tags->>'team' = 'support' GROUP BY ALL ORDER BY ticket`);
    expect(byTicket).toEqual([
      { ticket: 'SUP-48213', output: 187 },
      { ticket: 'SUP-48214', output: 142 },
      { ticket: 'SUP-48217', output: 96 },
      { ticket: 'SUP-48218', output: 61 },
      { ticket: 'SUP-48391', output: 74 },
      { ticket: 'SUP-48395', output: 83 },
    ]);
  });

  it('adds nothing when both exports are imported again', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [s3, cloudwatch]);
    expect(again.totals).toEqual({ files: 2, rows_read: 18, imported: 0, duplicates: 18, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('bedrock-invocation-logs: dedupe and line forms', () => {
  it('the S3 export imported first makes the overlapping CloudWatch events duplicates in a later run', async () => {
    const ledger = await newLedger();
    const first = await importPaths(ledger, [s3]);
    expect(first.totals).toMatchObject({ rows_read: 12, imported: 12, duplicates: 0 });
    const second = await importPaths(ledger, [cloudwatch]);
    expect(outcome(second, cloudwatch)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 6, imported: 2, duplicates: 4, rejected: 0, skipped: 0 });
    expect((await usageTotals(ledger)).rows).toBe(14);
    // the first copy stays where it was read
    expect(await ledger.all(`SELECT count(*) AS n FROM usage WHERE source_file = $f`, { f: s3 })).toEqual([{ n: 12 }]);
  });

  it('reads a CloudWatch export (timestamp, space, record) and a wrapped event the same way', async () => {
    const ledger = await newLedger();
    const rec = record({ requestId: 'b1c2d3e4-0000-4000-8000-000000000001', ts: '2026-10-22T09:00:00Z', input: 500, cacheRead: 2048, output: 40 });
    const rec2 = record({ requestId: 'b1c2d3e4-0000-4000-8000-000000000002', ts: '2026-10-22T09:00:05Z', input: 300, cacheWrite: 2048, output: 25 });
    const exported = writeTemp(
      'export.jsonl',
      [`2026-10-22T09:00:00.412Z ${JSON.stringify(rec)}`, `2026-10-22T09:00:05.120Z ${JSON.stringify(rec2)}`].join('\n') + '\n',
    );
    const wrapped = writeTemp(
      'events.jsonl',
      jsonl(JSON.stringify({ timestamp: 1792659600412, message: JSON.stringify(rec), ingestionTime: 1792659601100, logStreamName: 'aws/bedrock/modelinvocations', eventId: '3857' })),
    );
    expect(detectImporter(exported)?.id).toBe('bedrock-invocation-logs');
    expect(detectImporter(wrapped)?.id).toBe('bedrock-invocation-logs');
    const report = await importPaths(ledger, [exported, wrapped]);
    expect(outcome(report, exported)).toMatchObject({ rows_read: 2, imported: 2, duplicates: 0, rejected: 0 });
    expect(outcome(report, wrapped)).toMatchObject({ rows_read: 1, imported: 0, duplicates: 1, rejected: 0 });
    expect(await usageTotals(ledger)).toEqual({ rows: 2, requests: 2, input: 800, cache_read: 2048, cache_write_5m: 2048, cache_write_1h: 0, output: 65 });
  });

  it('skips lines that are JSON but not invocation records, and reads IAM user and role ARNs', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'mixed.jsonl',
      jsonl(
        JSON.stringify({ schemaType: 'SomethingElse', timestamp: '2026-10-22T09:00:00Z' }),
        JSON.stringify(record({ requestId: 'r-user', ts: '2026-10-22T09:01:00Z', input: 10, output: 1, arn: 'arn:aws:iam::418295730164:user/ci-deployer' })),
        JSON.stringify(record({ requestId: 'r-role', ts: '2026-10-22T09:02:00Z', input: 10, output: 1, arn: 'arn:aws:iam::418295730164:role/batch-runner' })),
        JSON.stringify(record({ requestId: 'r-root', ts: '2026-10-22T09:03:00Z', input: 10, output: 1, arn: 'arn:aws:iam::418295730164:root' })),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 3, imported: 3, duplicates: 0, rejected: 0, skipped: 1 });
    expect(await ledger.all('SELECT record_key, api_key, user_id FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'r-role', api_key: 'batch-runner', user_id: null },
      { record_key: 'r-root', api_key: 'arn:aws:iam::418295730164:root', user_id: null },
      { record_key: 'r-user', api_key: 'user/ci-deployer', user_id: 'ci-deployer' },
    ]);
  });

  it('a copy with token counts beats an earlier error copy of the same requestId', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const a = writeTemp('a.jsonl', jsonl(JSON.stringify(record({ requestId: 'r-1', ts: '2026-10-22T10:00:00Z', errorCode: 'ModelStreamErrorException' }))), dir);
    const b = writeTemp('b.jsonl', jsonl(JSON.stringify(record({ requestId: 'r-1', ts: '2026-10-22T10:00:00Z', input: 900, output: 120 }))), dir);
    await importPaths(ledger, [a]);
    const second = await importPaths(ledger, [b]);
    expect(outcome(second, b)).toMatchObject({ imported: 1, duplicates: 0 });
    expect(await ledger.all('SELECT status, input_tokens, output_tokens FROM usage')).toEqual([{ status: 'ok', input_tokens: 900, output_tokens: 120 }]);
  });
});

describe('bedrock-invocation-logs: bad lines', () => {
  it('rejects lines 2, 4 and 5 of test/fixtures/bedrock/bad-lines.jsonl with their line numbers (the blank line 3 keeps its number)', async () => {
    const ledger = await newLedger();
    const file = fixtures('bedrock', 'bad-lines.jsonl');
    expect(detectImporter(file)?.id).toBe('bedrock-invocation-logs');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 6, imported: 3, duplicates: 0, rejected: 3, skipped: 0 });
    expect(await ledger.all('SELECT source_line, status, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens FROM usage ORDER BY source_line')).toEqual([
      { source_line: 1, status: 'ok', input_tokens: 402, cache_read_tokens: 5216, cache_write_5m_tokens: 0, output_tokens: 88 },
      { source_line: 6, status: 'error', input_tokens: 0, cache_read_tokens: 0, cache_write_5m_tokens: 0, output_tokens: 0 },
      { source_line: 7, status: 'ok', input_tokens: 1210, cache_read_tokens: 0, cache_write_5m_tokens: 5216, output_tokens: 64 },
    ]);
    const rejects = await ledger.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects ORDER BY source_line');
    const text = fs.readFileSync(file, 'utf8').split('\n');
    expect(rejects.map((r) => [r.source_line, r.raw])).toEqual([
      [2, text[1]],
      [4, text[3]],
      [5, text[4]],
    ]);
    expect(rejects.map((r) => r.reason)).toEqual([
      'not valid JSON (a truncated or corrupted line)',
      'input.inputTokenCount or output.outputTokenCount is missing or not a number',
      'requestId is missing',
    ]);
    await expectCountsBalance(ledger, report);
  });
});
