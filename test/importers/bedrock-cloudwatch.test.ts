import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, tempDir, writeTemp } from '../helpers.js';
import { detectImporter } from '../../src/importers/registry.js';
import { documentShape } from '../../src/importers/bedrock/index.js';
import type { Ledger } from '../../src/db/ledger.js';
import { RecountError } from '../../src/errors.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';
import { filterLogEventsAnswer, insightsConsoleExport, invocationRecord, queryResultsAnswer, s3Lines } from './bedrock-records.js';

/** Five calls: plain, cached, a guardrail-blocked InvokeModel (no counts), a blocked Converse, a throttled one. */
const calls = [
  invocationRecord({ requestId: 'c0a1-0001', ts: '2026-10-22T09:00:00Z', input: 812, output: 95, requestMetadata: { team: 'support' } }),
  invocationRecord({ requestId: 'c0a1-0002', ts: '2026-10-22T09:00:07Z', input: 40, cacheRead: 6_144, cacheWrite: 512, output: 233 }),
  invocationRecord({
    requestId: 'c0a1-0003',
    ts: '2026-10-22T09:01:10Z',
    operation: 'InvokeModel',
    modelId: 'arn:aws:bedrock:us-east-1:418295730164:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    outputBody: {
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Sorry, I cannot help with that.' }],
      'amazon-bedrock-trace': { guardrail: { input: { g1: { contentPolicy: { filters: [{ type: 'MISCONDUCT', action: 'BLOCKED' }] } } } } },
      'amazon-bedrock-guardrailAction': 'INTERVENED',
    },
  }),
  invocationRecord({
    requestId: 'c0a1-0004',
    ts: '2026-10-22T09:02:00Z',
    input: 0,
    output: 0,
    outputBody: { output: { message: { role: 'assistant', content: [{ text: 'Blocked.' }] } }, stopReason: 'guardrail_intervened', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } },
  }),
  invocationRecord({ requestId: 'c0a1-0005', ts: '2026-10-22T09:03:00Z', errorCode: 'ThrottlingException' }),
];

const COLUMNS = `record_key, source, started_at, provider, model_raw, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
  output_tokens, api_key, user_id, workspace, tags::VARCHAR AS tags, status, latency_ms`;

async function importOne(name: string, content: string | Buffer) {
  const ledger = await newLedger();
  const file = writeTemp(name, content);
  const report = await importPaths(ledger, [file]);
  await expectCountsBalance(ledger, report);
  const rows = await ledger.all(`SELECT ${COLUMNS} FROM usage ORDER BY record_key`);
  const lines = await ledger.all<{ record_key: string; source_line: number }>('SELECT record_key, source_line FROM usage ORDER BY source_line');
  return { ledger, file, report, rows, lines };
}

describe('bedrock-invocation-logs: CloudWatch Logs exports give the rows the S3 delivery gives', () => {
  let s3Rows: unknown[];
  beforeAll(async () => {
    const s3 = await importOne('s3.jsonl', s3Lines(calls));
    expect(outcome(s3.report, s3.file)).toMatchObject({ rows_read: 5, imported: 5, rejected: 0 });
    s3Rows = s3.rows;
  });

  const shapes: [string, string, string | Buffer][] = [
    ['Insights console export (pretty-printed, BOM)', 'insights.json', insightsConsoleExport(calls)],
    ['Insights console export (no BOM)', 'insights-nobom.json', insightsConsoleExport(calls, false)],
    ['filter-log-events answer (pretty-printed)', 'events.json', filterLogEventsAnswer(calls)],
    ['filter-log-events answer (compact)', 'events-compact.json', JSON.stringify(JSON.parse(filterLogEventsAnswer(calls)))],
    ['get-query-results answer (pretty-printed)', 'results.json', queryResultsAnswer(calls)],
    ['get-query-results answer (compact, BOM)', 'results-compact.json', queryResultsAnswer(calls, { compact: true, bom: true })],
    ['get-query-results rows flattened by PowerShell (BOM)', 'results-flat.json', queryResultsAnswer(calls, { flat: true, bom: true })],
    ['Insights console export, gzipped', 'insights.json.gz', zlib.gzipSync(insightsConsoleExport(calls))],
    // a PowerShell script's own wrapper around Insights rows (seen in a published repository)
    ['Insights rows under "events", as a PowerShell script wraps them (BOM)', 'ps-events.json',
     '\uFEFF' + JSON.stringify({ eventCount: 5, events: JSON.parse(insightsConsoleExport(calls, false)), logGroup: 'bedrock-cloudwatch' }, null, 4)],
  ];

  for (const [title, name, content] of shapes) {
    it(title, async () => {
      const { file, report, rows, lines } = await importOne(name, content);
      expect(detectImporter(file)?.id).toBe('bedrock-invocation-logs');
      expect(outcome(report, file)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 5, imported: 5, duplicates: 0, rejected: 0, skipped: 0 });
      expect(rows).toEqual(s3Rows);
      // source_line is the event's position in the export, not a text line of the pretty-printed document
      expect(lines.map((l) => l.source_line)).toEqual([1, 2, 3, 4, 5]);
    });
  }

  it('tells JSON lines from each CloudWatch document by the head', () => {
    const shape = (text: string, name = 'x.json') => documentShape(writeTemp(name, text));
    expect(shape(insightsConsoleExport(calls))).toBe('array');
    expect(shape(filterLogEventsAnswer(calls))).toBe('events');
    expect(shape(JSON.stringify(JSON.parse(filterLogEventsAnswer(calls))))).toBe('events');
    expect(shape(queryResultsAnswer(calls, { compact: true, bom: true }))).toBe('results');
    expect(shape(queryResultsAnswer(calls, { flat: true }))).toBe('cells');
    // PowerShell's own wrapper puts its count first
    expect(shape(JSON.stringify({ eventCount: 5, events: JSON.parse(filterLogEventsAnswer(calls)).events }, null, 4))).toBe('events');
    expect(shape(JSON.stringify(calls[0], null, 2))).toBe('object');
    expect(shape(s3Lines(calls), 'd.jsonl')).toBe('lines');
    expect(shape(calls.map((r) => JSON.stringify({ timestamp: 1, message: JSON.stringify(r) })).join('\n'), 'e.jsonl')).toBe('lines');
  });
});

describe('bedrock-invocation-logs: blocked and failed calls', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = (await importOne('s3.jsonl', s3Lines(calls))).ledger;
  });

  it('keeps a guardrail-stopped call as a blocked row: zero tokens when it logged none, its counts when it did', async () => {
    expect(await ledger.all(`SELECT record_key, status, input_tokens, output_tokens, tags->>'guardrail_action' AS guardrail FROM usage WHERE status <> 'ok' ORDER BY record_key`)).toEqual([
      { record_key: 'c0a1-0003', status: 'blocked', input_tokens: 0, output_tokens: 0, guardrail: 'INTERVENED' },
      { record_key: 'c0a1-0004', status: 'blocked', input_tokens: 0, output_tokens: 0, guardrail: 'INTERVENED' },
      { record_key: 'c0a1-0005', status: 'error', input_tokens: 0, output_tokens: 0, guardrail: null },
    ]);
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 852, cache_read: 6_144, cache_write_5m: 512, cache_write_1h: 0, output: 328 });
  });

  it('a failed or blocked call keeps the counts it logged (they are billed)', async () => {
    const led = await newLedger();
    const file = writeTemp(
      'billed.jsonl',
      s3Lines([
        invocationRecord({ requestId: 'f-1', ts: '2026-10-22T10:00:00Z', input: 1_200, output: 310, errorCode: 'ModelStreamErrorException' }),
        invocationRecord({ requestId: 'f-2', ts: '2026-10-22T10:00:05Z', input: 900, output: 41, outputBody: { stopReason: 'guardrail_intervened' } }),
      ]),
    );
    await importPaths(led, [file]);
    expect(await led.all('SELECT record_key, status, input_tokens, output_tokens FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'f-1', status: 'error', input_tokens: 1_200, output_tokens: 310 },
      { record_key: 'f-2', status: 'blocked', input_tokens: 900, output_tokens: 41 },
    ]);
  });

  it('a model that only talks about guardrails is not blocked (its quotes are escaped in the body)', async () => {
    const led = await newLedger();
    const text = 'The log said "amazon-bedrock-guardrailAction": "INTERVENED" and "stopReason": "guardrail_intervened".';
    const file = writeTemp('talk.jsonl', s3Lines([invocationRecord({ requestId: 't-1', ts: '2026-10-22T10:00:00Z', input: 30, output: 20, outputBody: { output: { message: { content: [{ text }] } }, stopReason: 'end_turn' } })]));
    await importPaths(led, [file]);
    expect(await led.all('SELECT status FROM usage')).toEqual([{ status: 'ok' }]);
  });
});

describe('bedrock-invocation-logs: CloudWatch exports next to S3 files, and broken documents', () => {
  it('counts a call once whether it came from S3 or a CloudWatch export (requestId), in one run or two', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const s3 = writeTemp('a-s3.jsonl', s3Lines(calls.slice(0, 3)), dir);
    const cw = writeTemp('b-insights.json', insightsConsoleExport(calls), dir);
    const first = await importPaths(ledger, [dir]);
    expect(outcome(first, s3)).toMatchObject({ rows_read: 3, imported: 3, duplicates: 0 });
    expect(outcome(first, cw)).toMatchObject({ rows_read: 5, imported: 2, duplicates: 3 });
    const again = await importPaths(ledger, [writeTemp('c-results.json', queryResultsAnswer(calls, { flat: true }), dir)]);
    expect(again.totals).toMatchObject({ rows_read: 5, imported: 0, duplicates: 5, rejected: 0 });
    expect((await usageTotals(ledger)).rows).toBe(5);
    await expectCountsBalance(ledger, again);
  });

  it('skips events whose message is not an invocation record, and rejects one that is not JSON with its position', async () => {
    const rows = JSON.parse(insightsConsoleExport(calls.slice(0, 2), false)) as Record<string, string>[];
    rows.splice(1, 0, { '@timestamp': '2026-10-22 09:00:03.000', '@message': '{"level":"info","msg":"warming up"}' });
    rows.push({ '@timestamp': '2026-10-22 09:00:09.000', '@message': '{"schemaType":"ModelInvocationLog","timestamp":"2026-10-22T09:00:09Z","requ' });
    const { file, report, ledger, lines } = await importOne('mixed.json', JSON.stringify(rows, null, 2));
    expect(outcome(report, file)).toEqual({ format: 'bedrock-invocation-logs', rows_read: 3, imported: 2, duplicates: 0, rejected: 1, skipped: 1 });
    expect(lines.map((l) => l.source_line)).toEqual([1, 3]);
    const rejects = await ledger.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects.map((r) => [r.source_line, r.reason])).toEqual([[4, 'not valid JSON (a truncated or corrupted line)']]);
    expect(JSON.parse(rejects[0].raw)['@timestamp']).toBe('2026-10-22 09:00:09.000');
  });

  it('a document cut off mid-way stops the import with an error naming the file; nothing is imported', async () => {
    const ledger = await newLedger();
    const text = insightsConsoleExport(calls);
    const file = writeTemp('cut.json', text.slice(0, Math.floor(text.length / 2)));
    await expect(importPaths(ledger, [file])).rejects.toThrow(RecountError);
    await expect(importPaths(ledger, [file])).rejects.toThrow(file);
    expect((await usageTotals(ledger)).rows).toBe(0);
  });

  it('reads a pretty-printed single record and a document whose keys come after the head', async () => {
    const one = await importOne('one.json', JSON.stringify(calls[1], null, 2));
    expect(outcome(one.report, one.file)).toMatchObject({ rows_read: 1, imported: 1, rejected: 0 });
    // 20 KiB of statistics before "results": the shape is not in the head, the whole document is read
    const padded = JSON.stringify({ statistics: { note: 'x'.repeat(20_000) }, results: JSON.parse(queryResultsAnswer(calls)).results }, null, 1);
    const late = await importOne('late.json', padded);
    expect(outcome(late.report, late.file)).toMatchObject({ rows_read: 5, imported: 5, rejected: 0 });
  });
});
