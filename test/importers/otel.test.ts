import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, priceLedger, samples, tempDir, transcriptOfTelemetrySession, writeTemp } from '../helpers.js';
import { detectImporter } from '../../src/importers/registry.js';
import type { Ledger } from '../../src/db/ledger.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// OTLP JSON as the collector's file exporter writes it: one export request per line, attribute values
// in their typed form (64-bit ints as strings), times in unix nanoseconds.

type Value = string | number | boolean;
const typed = (v: Value) =>
  typeof v === 'boolean' ? { boolValue: v } : typeof v === 'number' ? (Number.isInteger(v) ? { intValue: v } : { doubleValue: v }) : { stringValue: v };
const attributes = (o: Record<string, Value>) => Object.entries(o).map(([key, v]) => ({ key, value: typed(v) }));

interface Span {
  trace?: string;
  id?: string;
  parent?: string;
  start?: string; // unix ns as text
  end?: string;
  attrs: Record<string, Value>;
  error?: boolean;
}

const T0 = 1_791_200_000_000_000_000n; // 2026-10-05T11:33:20Z
const ns = (seconds: number) => String(T0 + BigInt(Math.round(seconds * 1e9)));

function spans(list: Span[], service = 'checkout-assistant'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: list.map((s, k) => ({
              traceId: s.trace ?? '0af7651916cd43dd8448eb211c80319c',
              spanId: s.id ?? `b7ad6b71692033${String(k).padStart(2, '0')}`,
              ...(s.parent ? { parentSpanId: s.parent } : {}),
              name: 'chat',
              kind: 3,
              startTimeUnixNano: s.start ?? ns(k),
              endTimeUnixNano: s.end ?? ns(k + 1.25),
              attributes: attributes(s.attrs),
              status: s.error ? { code: 2, message: 'overloaded' } : {},
            })),
          },
        ],
      },
    ],
  });
}

const chat = (o: Partial<Record<string, Value>> = {}): Record<string, Value> => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': 'claude-sonnet-4-5',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 50,
  ...(o as Record<string, Value>),
});

async function importText(name: string, text: string | Buffer): Promise<{ ledger: Ledger; report: Awaited<ReturnType<typeof importPaths>>; file: string }> {
  const file = writeTemp(name, text);
  const ledger = await newLedger();
  const report = await importPaths(ledger, [file]);
  await expectCountsBalance(ledger, report);
  return { ledger, report, file };
}

describe('OTLP JSON: GenAI spans', () => {
  it('is detected by content, traces and logs alike', () => {
    expect(detectImporter(samples('otel', 'genai-spans.jsonl'))?.id).toBe('otlp-json');
    expect(detectImporter(samples('otel', 'claude-code-telemetry.jsonl'))?.id).toBe('otlp-json');
  });

  it('reads typed values, 64-bit ints as strings and nanosecond times into disjoint buckets', async () => {
    const line = spans([
      {
        start: '1791200000123456789',
        end: '1791200002623456789',
        attrs: chat({
          'gen_ai.usage.input_tokens': '120000', // a 64-bit int as OTLP writes it: a string
          'gen_ai.usage.cache_read.input_tokens': 100000,
          'gen_ai.usage.cache_creation.input_tokens': 15000,
          'gen_ai.usage.output_tokens': 800,
          'gen_ai.usage.reasoning.output_tokens': 300,
          'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
          'gen_ai.conversation.id': 'conv-7',
        }),
      },
    ]);
    const { ledger, report } = await importText('capture.jsonl', `${line}\n`);
    expect(report.totals).toMatchObject({ rows_read: 1, imported: 1, rejected: 0 });
    const [row] = await ledger.all<Record<string, unknown>>(
      `SELECT source, provider, model, model_raw, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, reasoning_tokens,
              session_id, project, strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') AS started, latency_ms, status
       FROM usage`,
    );
    expect(row).toEqual({
      source: 'otel', provider: 'anthropic', model: 'claude-sonnet-4-5', model_raw: 'claude-sonnet-4-5-20250929',
      input_tokens: 5000, cache_read_tokens: 100000, cache_write_5m_tokens: 15000, output_tokens: 800, reasoning_tokens: 300,
      session_id: 'conv-7', project: 'checkout-assistant', started: '2026-10-05 11:33:20.123456', latency_ms: 2500, status: 'ok',
    });
    ledger.close();
  });

  it('counts inference spans only: agent and tool spans, and spans without usage, are no rows', async () => {
    const agent = 'aaaaaaaaaaaaaaa1';
    const line = spans([
      { id: agent, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 99999, 'gen_ai.usage.output_tokens': 999 } },
      { parent: agent, attrs: chat() },
      { parent: agent, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } },
    ]);
    const noUsage = spans([{ attrs: { 'http.method': 'GET' } }]);
    const { ledger, report } = await importText('agent.jsonl', `${line}\n${noUsage}\n`);
    expect(report.totals).toMatchObject({ rows_read: 1, imported: 1, skipped: 1 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 1000, output: 50 });
    ledger.close();
  });

  it("tags a call with its routing decision's attributes", async () => {
    const route = 'cccccccccccccc01';
    const line = spans([
      { id: route, attrs: { 'routing.tier': 1, 'routing.task_type': 'search', 'routing.model': 'claude-haiku-4-5' } },
      { parent: route, attrs: chat({ 'gen_ai.request.model': 'claude-haiku-4-5' }) },
    ]);
    const { ledger } = await importText('routed.jsonl', `${line}\n`);
    const [row] = await ledger.all<{ tags: string }>('SELECT tags::VARCHAR AS tags FROM usage');
    expect(JSON.parse(row.tags)).toEqual({ tier: '1', task_type: 'search', model: 'claude-haiku-4-5' });
    ledger.close();
  });

  it('keeps a failed call as an error row, and rejects a malformed line and contradicting counts', async () => {
    const lines = [
      spans([{ attrs: chat({ 'error.type': 'overloaded_error', 'gen_ai.usage.output_tokens': 0 }), error: true }]),
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"ab', // cut mid-write
      spans([{ trace: 'ffffffffffffffffffffffffffffffff', attrs: chat({ 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 500 }) }]),
      spans([{ trace: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', attrs: chat({ 'gen_ai.usage.output_tokens': 'NaN' }) }]),
    ];
    const { ledger, report } = await importText('mixed.jsonl', `${lines.join('\n')}\n`);
    expect(report.totals).toMatchObject({ rows_read: 4, imported: 1, rejected: 3 });
    expect(await ledger.all('SELECT status FROM usage')).toEqual([{ status: 'error' }]);
    const reasons = (await ledger.all<{ source_line: number; reason: string }>('SELECT source_line, reason FROM rejects ORDER BY source_line')).map(
      (r) => `${r.source_line}: ${r.reason}`,
    );
    expect(reasons[0]).toBe('2: not valid OTLP JSON (a truncated or corrupted line)');
    expect(reasons[1]).toMatch(/^3: gen_ai\.usage\.input_tokens \(10\) is less than its cache reads and writes \(500\)/);
    expect(reasons[2]).toMatch(/^4: .*output_tokens/);
    ledger.close();
  });

  it('reads a gzip capture and a pretty-printed OTLP/HTTP body, and counts a span in two captures once', async () => {
    const dir = tempDir();
    const line = spans([{ attrs: chat() }, { attrs: chat({ 'gen_ai.usage.input_tokens': 2000 }) }]);
    fs.writeFileSync(path.join(dir, 'a.jsonl.gz'), zlib.gzipSync(`${line}\n`));
    fs.writeFileSync(path.join(dir, 'body.json'), JSON.stringify(JSON.parse(line), null, 2));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [dir]);
    await expectCountsBalance(ledger, report);
    expect(outcome(report, 'a.jsonl.gz')).toMatchObject({ format: 'otlp-json', rows_read: 2 });
    expect(outcome(report, 'body.json')).toMatchObject({ format: 'otlp-json', rows_read: 2 });
    expect(report.totals).toMatchObject({ imported: 2, duplicates: 2 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 3000 });
    ledger.close();
  });
});

describe('OTLP JSON: Claude Code telemetry', () => {
  it('imports api_request events with the billed cost, and skips the other events', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('otel', 'claude-code-telemetry.jsonl')]);
    await expectCountsBalance(ledger, report);
    expect(report.totals).toMatchObject({ rows_read: 10, imported: 10, rejected: 0 });
    const [row] = await ledger.all<Record<string, unknown>>(
      `SELECT source, provider, model, input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, billed_cost_usd, latency_ms, workspace,
              record_key
       FROM usage ORDER BY started_at LIMIT 1`,
    );
    expect(row).toEqual({
      source: 'claude-code-otel', provider: 'anthropic', model: 'claude-sonnet-4-5', input_tokens: 12, cache_read_tokens: 0,
      cache_write_5m_tokens: 18000, output_tokens: 420, billed_cost_usd: 0.073836, latency_ms: 1800, workspace: 'org-7e4f',
      record_key: 'req_011CU00AbCdEfGhJkLmNoPq',
    });
    ledger.close();
  });

  it('counts a session once when its transcripts are imported too', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('otel', 'claude-code-telemetry.jsonl')]);
    await importPaths(ledger, [transcriptOfTelemetrySession()]); // two responses of its first session
    await priceLedger(ledger);
    const counted = await ledger.all<{ source: string; n: number }>('SELECT source, count(*)::INTEGER AS n FROM usage_counted GROUP BY source ORDER BY source');
    expect(counted).toEqual([{ source: 'claude-code', n: 2 }, { source: 'claude-code-otel', n: 5 }]); // the other session's 5 events
    ledger.close();
  });
});
