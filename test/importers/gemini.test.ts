import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { detectImporter } from '../../src/importers/registry.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { copyWithMtime, expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const responses = samples('gemini', 'vertex-responses.jsonl');
const stream = samples('gemini', 'vertex-stream.json');

interface Usage {
  prompt?: number;
  cached?: number;
  candidates?: number;
  thoughts?: number;
  toolPrompt?: number;
  traffic?: string;
}

/** A generateContent response as the Gemini API / Vertex AI returns it. */
function response(o: { id?: string; time?: string; model?: string; text?: string; usage: Usage; final?: boolean }): Record<string, unknown> {
  const u = o.usage;
  const usageMetadata: Record<string, unknown> = {};
  if (u.prompt !== undefined) usageMetadata.promptTokenCount = u.prompt;
  if (u.candidates !== undefined) usageMetadata.candidatesTokenCount = u.candidates;
  usageMetadata.totalTokenCount = (u.prompt ?? 0) + (u.candidates ?? 0) + (u.thoughts ?? 0) + (u.toolPrompt ?? 0);
  if (u.cached !== undefined) usageMetadata.cachedContentTokenCount = u.cached;
  if (u.thoughts !== undefined) usageMetadata.thoughtsTokenCount = u.thoughts;
  if (u.toolPrompt !== undefined) usageMetadata.toolUsePromptTokenCount = u.toolPrompt;
  if (u.traffic) usageMetadata.trafficType = u.traffic;
  return {
    // a stream's chunks carry no finishReason but the last
    candidates: [{ content: { role: 'model', parts: [{ text: o.text ?? 'ok' }] }, ...(o.final === false ? {} : { finishReason: 'STOP' }) }],
    usageMetadata,
    modelVersion: o.model ?? 'gemini-2.5-flash',
    ...(o.time ? { createTime: o.time } : {}),
    ...(o.id ? { responseId: o.id } : {}),
  };
}

const line = (o: unknown) => JSON.stringify(o);
const ROWS = 'SELECT source_line, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens, service_tier FROM usage ORDER BY source_line';

describe('gemini-responses: the sample Vertex AI responses (JSONL and a streamed JSON array)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('gemini')]);
  });

  it('counts every response once: the doubled line and the stream chunks are duplicates', async () => {
    expect(report.files.map((f) => f.format)).toEqual(['gemini-responses', 'gemini-responses']);
    // 10 responses, one written twice, one streamed as 3 chunks (lines 11-13)
    expect(outcome(report, responses)).toEqual({ format: 'gemini-responses', rows_read: 13, imported: 10, duplicates: 3, rejected: 0, skipped: 0 });
    // a pretty-printed array of 3 chunks of one response
    expect(outcome(report, stream)).toEqual({ format: 'gemini-responses', rows_read: 3, imported: 1, duplicates: 2, rejected: 0, skipped: 0 });
    await expectCountsBalance(ledger, report);
  });

  it('splits promptTokenCount into uncached (+ tool-use prompt) and cached, and bills thoughts as output', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 11,
      requests: 11,
      input: 36_082,
      cache_read: 59_392,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 11_198,
    });
    const rows = await ledger.all(`
      SELECT model_raw, model, provider, count(*) AS n, sum(input_tokens) AS input, sum(cache_read_tokens) AS cached,
             sum(output_tokens) AS output, sum(reasoning_tokens) AS reasoning
      FROM usage GROUP BY ALL ORDER BY model_raw`);
    expect(rows).toEqual([
      { model_raw: 'gemini-2.5-flash', model: 'gemini-2.5-flash', provider: 'google', n: 6, input: 18_753, cached: 4_096, output: 5_800, reasoning: 2_496 },
      { model_raw: 'gemini-2.5-flash-lite', model: 'gemini-2.5-flash-lite', provider: 'google', n: 1, input: 214, cached: 0, output: 1, reasoning: 0 },
      { model_raw: 'gemini-2.5-pro', model: 'gemini-2.5-pro', provider: 'google', n: 4, input: 17_115, cached: 55_296, output: 5_397, reasoning: 4_854 },
    ]);
  });

  it('the tool-use turn: 18,530 prompt − 18,432 cached + 142 tool-use prompt = 240 uncached input', async () => {
    expect(
      await ledger.all(`SELECT source_line, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens FROM usage WHERE record_key = 'resp:3jhCRG8UQB99yTcQbzFfZzV'`),
    ).toEqual([{ source_line: 7, input_tokens: 240, cache_read_tokens: 18_432, output_tokens: 368, reasoning_tokens: 310 }]);
  });

  it('maps trafficType to the service tier', async () => {
    const rows = await ledger.all(`SELECT service_tier, count(*) AS n, sum(output_tokens) AS output FROM usage GROUP BY ALL ORDER BY service_tier`);
    expect(rows).toEqual([
      { service_tier: 'flex', n: 1, output: 2_871 },
      { service_tier: 'priority', n: 1, output: 1_440 },
      { service_tier: 'provisioned', n: 1, output: 2_460 },
      { service_tier: 'standard', n: 8, output: 4_427 },
    ]);
  });

  it('keeps the last, complete chunk of a streamed response (JSONL line 13; array element 3)', async () => {
    const rows = await ledger.all(`
      SELECT record_key, source_file, source_line, started_at, input_tokens, cache_read_tokens, output_tokens
      FROM usage WHERE record_key IN ('resp:XlEvYYH9DF7hpaU68d2XbMu', 'resp:Xi20zTpzhPKZti8JDdqK36f') ORDER BY started_at`);
    expect(rows).toEqual([
      {
        record_key: 'resp:XlEvYYH9DF7hpaU68d2XbMu',
        source_file: responses,
        source_line: 13,
        started_at: new Date('2026-10-17T09:12:55.604Z'),
        input_tokens: 1_072,
        cache_read_tokens: 2_048,
        output_tokens: 584,
      },
      {
        record_key: 'resp:Xi20zTpzhPKZti8JDdqK36f',
        source_file: stream,
        source_line: 3,
        started_at: new Date('2026-10-17T14:31:20.057Z'),
        input_tokens: 12_907,
        cache_read_tokens: 0,
        output_tokens: 1_499,
      },
    ]);
  });

  it('adds nothing when the samples are imported again', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [samples('gemini')]);
    expect(again.totals).toEqual({ files: 2, rows_read: 16, imported: 0, duplicates: 16, rejected: 0, skipped: 0 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('gemini-responses: identity and line forms (hand-written)', () => {
  it('a stream whose last chunk comes first in the file (a log written newest first) still keeps its finishing chunk', async () => {
    const ledger = await newLedger();
    const t = '2026-10-22T10:00:00.000Z';
    const file = writeTemp(
      'chunks.jsonl',
      jsonl(
        line(response({ id: 'resp-1', time: t, usage: { prompt: 1000, cached: 512, candidates: 80, thoughts: 200 } })),
        line(response({ id: 'resp-1', time: t, final: false, usage: { prompt: 1000, cached: 512, candidates: 5, thoughts: 200 } })),
        line(response({ id: 'resp-1', time: t, final: false, usage: { traffic: 'ON_DEMAND' } })),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 3, imported: 1, duplicates: 2, rejected: 0, skipped: 0 });
    expect(await ledger.all(ROWS)).toEqual([
      { source_line: 1, input_tokens: 488, cache_read_tokens: 512, output_tokens: 280, reasoning_tokens: 200, service_tier: 'standard' },
    ]);
  });

  it('without responseId the key is the content hash: an identical copy is a duplicate, in JSONL or pretty-printed', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const a = response({ time: '2026-10-22T11:00:00.000Z', text: 'first', usage: { prompt: 300, candidates: 20 } });
    const b = response({ time: '2026-10-22T11:00:01.000Z', text: 'second', usage: { prompt: 300, candidates: 20 } });
    const lines = writeTemp('a.jsonl', jsonl(line(a), line(b), line(a)), dir);
    const pretty = writeTemp('b.json', JSON.stringify(b, null, 2) + '\n', dir);
    expect(detectImporter(pretty)?.id).toBe('gemini-responses');
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, lines)).toEqual({ format: 'gemini-responses', rows_read: 3, imported: 2, duplicates: 1, rejected: 0, skipped: 0 });
    expect(outcome(report, pretty)).toEqual({ format: 'gemini-responses', rows_read: 1, imported: 0, duplicates: 1, rejected: 0, skipped: 0 });
    const keys = await ledger.all<{ record_key: string }>('SELECT record_key FROM usage ORDER BY source_line');
    expect(keys.map((k) => k.record_key)).toEqual([expect.stringMatching(/^sha:[0-9a-f]{32}$/), expect.stringMatching(/^sha:[0-9a-f]{32}$/)]);
  });

  it('reads a server-sent-events capture and a response wrapped with its own time (Gemini API, no createTime)', async () => {
    const ledger = await newLedger();
    const sse = writeTemp(
      'stream.sse.jsonl',
      [
        `data: ${line(response({ id: 'sse-1', time: '2026-10-22T12:00:00.000Z', usage: { prompt: 700, candidates: 3 } }))}`,
        '',
        `data: ${line(response({ id: 'sse-1', time: '2026-10-22T12:00:00.000Z', usage: { prompt: 700, candidates: 45, thoughts: 64 } }))}`,
        '',
      ].join('\r\n'),
    );
    const wrapped = writeTemp(
      'logged.jsonl',
      jsonl(
        line({ timestamp: '2026-10-22T12:05:00.250Z', response: response({ id: 'w-1', usage: { prompt: 2100, cached: 2048, candidates: 30 } }) }),
        line({ timestamp: 1792671960000, response: response({ id: 'w-2', usage: { prompt: 2150, cached: 2048, candidates: 41 } }) }),
      ),
    );
    expect(detectImporter(sse)?.id).toBe('gemini-responses');
    expect(detectImporter(wrapped)?.id).toBe('gemini-responses');
    const report = await importPaths(ledger, [sse, wrapped]);
    expect(outcome(report, sse)).toEqual({ format: 'gemini-responses', rows_read: 2, imported: 1, duplicates: 1, rejected: 0, skipped: 0 });
    expect(outcome(report, wrapped)).toEqual({ format: 'gemini-responses', rows_read: 2, imported: 2, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await ledger.all('SELECT record_key, source_line, started_at, input_tokens, cache_read_tokens, output_tokens FROM usage ORDER BY started_at')).toEqual([
      { record_key: 'resp:sse-1', source_line: 3, started_at: new Date('2026-10-22T12:00:00.000Z'), input_tokens: 700, cache_read_tokens: 0, output_tokens: 109 },
      { record_key: 'resp:w-1', source_line: 1, started_at: new Date('2026-10-22T12:05:00.250Z'), input_tokens: 52, cache_read_tokens: 2048, output_tokens: 30 },
      { record_key: 'resp:w-2', source_line: 2, started_at: new Date('2026-10-22T12:26:00.000Z'), input_tokens: 102, cache_read_tokens: 2048, output_tokens: 41 },
    ]);
  });

  it('skips objects without usageMetadata (an error object) and rejects a cut-off JSON array as one document', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const errors = writeTemp(
      'errors.jsonl',
      jsonl(
        line({ error: { code: 429, message: 'Resource exhausted. Please try again later.', status: 'RESOURCE_EXHAUSTED' } }),
        line(response({ id: 'e-1', time: '2026-10-22T13:00:00.000Z', usage: { prompt: 50, candidates: 5 } })),
      ),
      dir,
    );
    const text = fs.readFileSync(stream, 'utf8');
    const cut = writeTemp('cut.json', text.slice(0, 1200), dir);
    expect(detectImporter(cut)?.id).toBe('gemini-responses');
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, errors)).toEqual({ format: 'gemini-responses', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 1 });
    expect(outcome(report, cut)).toEqual({ format: 'gemini-responses', rows_read: 1, imported: 0, duplicates: 0, rejected: 1, skipped: 0 });
    const rejects = await ledger.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects');
    expect(rejects).toEqual([{ source_line: 1, reason: 'not a valid JSON document (a truncated or corrupted file)', raw: text.slice(0, 1200).trimEnd() }]);
  });
});

describe('gemini-responses: bad lines', () => {
  it('rejects lines 2 and 3 of test/fixtures/gemini/bad-lines.jsonl with their line numbers; line 4, without a time, is kept', async () => {
    const ledger = await newLedger();
    // line 4 is dated by the file: a copy modified before the tests' pinned import time
    const file = copyWithMtime(fixtures('gemini', 'bad-lines.jsonl'), tempDir(), new Date('2026-10-20T07:30:00Z'));
    expect(detectImporter(file)?.id).toBe('gemini-responses');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 5, imported: 3, duplicates: 0, rejected: 2, skipped: 0 });
    expect(await ledger.all(ROWS)).toEqual([
      { source_line: 1, input_tokens: 266, cache_read_tokens: 1024, output_tokens: 215, reasoning_tokens: 201, service_tier: 'standard' },
      { source_line: 4, input_tokens: 1277, cache_read_tokens: 0, output_tokens: 11, reasoning_tokens: 0, service_tier: 'standard' },
      { source_line: 5, input_tokens: 288, cache_read_tokens: 1024, output_tokens: 112, reasoning_tokens: 96, service_tier: 'standard' },
    ]);
    // no createTime and nothing beside it: dated by the file, and said so
    expect(await ledger.all('SELECT source_line, started_at, time_source FROM usage WHERE time_source <> $r', { r: 'record' })).toEqual([
      { source_line: 4, started_at: new Date(Math.round(fs.statSync(file).mtimeMs)), time_source: 'file_mtime' },
    ]);
    expect(report.warnings).toEqual([`${file}: 1 row has no time of its own, so its time is approximate: 1 from the file's modification time (file_mtime); see the time_source column`]);
    const rejects = await ledger.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects ORDER BY source_line');
    const text = fs.readFileSync(file, 'utf8').split('\n');
    expect(rejects).toEqual([
      { source_line: 2, reason: 'not valid JSON (a truncated or corrupted line)', raw: text[1] },
      { source_line: 3, reason: 'a usageMetadata token count is not a number', raw: text[2] },
    ]);
    await expectCountsBalance(ledger, report);
  });
});
