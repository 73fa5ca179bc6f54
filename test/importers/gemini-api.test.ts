// Gemini API (generativelanguage.googleapis.com) responses as they really come: no createTime, streams
// whose last chunk is the billed one, captures saved with their HTTP headers, found in folders.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, runCli, samples, tempDir, writeTemp } from '../helpers.js';
import { detectImporter } from '../../src/importers/registry.js';
import { discoverFiles } from '../../src/import/discover.js';
import { Ledger } from '../../src/db/ledger.js';
import { expectCountsBalance, jsonl, outcome } from './util.js';

const ROWS = `SELECT record_key, source_line, started_at, time_source, model_raw, input_tokens, cache_read_tokens, output_tokens
              FROM usage ORDER BY started_at, source_line`;
const MTIME = new Date('2026-10-20T07:30:00.000Z');

/** A copy of a fixture in a temp folder, modified at MTIME (a checkout's times are anyone's). */
function copyFixture(name: string, dir = tempDir()): string {
  const file = path.join(dir, name);
  fs.copyFileSync(fixtures('gemini', name), file);
  fs.utimesSync(file, MTIME, MTIME);
  return file;
}

/** One streamed chunk of a Gemini API response: usage on every chunk, finishReason on the last. */
function chunk(o: { id?: string; prompt: number; candidates?: number; final?: boolean }): string {
  const usageMetadata = { promptTokenCount: o.prompt, ...(o.candidates ? { candidatesTokenCount: o.candidates } : {}), totalTokenCount: o.prompt + (o.candidates ?? 0) };
  const candidate = { content: { parts: [{ text: 'x' }], role: 'model' }, index: 0, ...(o.final ? { finishReason: 'STOP' } : {}) };
  return JSON.stringify({ candidates: [candidate], usageMetadata, modelVersion: 'gemini-2.5-flash', ...(o.id ? { responseId: o.id } : {}) });
}

describe('gemini-responses: the Gemini API time rule', () => {
  it('dates responses without createTime by the file when nothing beside them has a time, and warns', async () => {
    const ledger = await newLedger();
    const file = copyFixture('api-responses.jsonl');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 2, imported: 2, duplicates: 0, rejected: 0, skipped: 0 });
    expect(await ledger.all(ROWS)).toEqual([
      { record_key: 'resp:c3YZaZ2QK5-ez7IPj4WtqQ0', source_line: 1, started_at: MTIME, time_source: 'file_mtime', model_raw: 'gemini-2.5-flash', input_tokens: 412, cache_read_tokens: 0, output_tokens: 100 },
      { record_key: 'resp:d3YZabKfD8aJz7IP4fWbyAc', source_line: 2, started_at: MTIME, time_source: 'file_mtime', model_raw: 'gemini-2.5-flash', input_tokens: 113, cache_read_tokens: 2048, output_tokens: 135 },
    ]);
    expect(report.warnings).toEqual([
      `${file}: 2 rows have no time of their own, so their time is approximate: 2 from the file's modification time (file_mtime); see the time_source column`,
    ]);
    // imported again: nothing new, no warning
    const again = await importPaths(ledger, [file]);
    expect(outcome(again, file)).toMatchObject({ imported: 0, duplicates: 2 });
    expect(again.warnings).toEqual([]);
  });

  it("takes a logged wrapper's timestamp, time or created (ISO, epoch seconds or milliseconds) before the file's time", async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const file = writeTemp(
      'app-log.jsonl',
      jsonl(
        JSON.stringify({ created: 1792569600, response: JSON.parse(chunk({ id: 'w-1', prompt: 90, candidates: 9, final: true })) }),
        JSON.stringify({ timestamp: '2026-10-21T08:00:01.500Z', response: JSON.parse(chunk({ id: 'w-2', prompt: 91, candidates: 9, final: true })) }),
        JSON.stringify({ time: 1792569602000, response: JSON.parse(chunk({ id: 'w-3', prompt: 92, candidates: 9, final: true })) }),
        JSON.stringify({ created: 'not a time', response: JSON.parse(chunk({ id: 'w-4', prompt: 93, candidates: 9, final: true })) }),
      ),
      dir,
    );
    fs.utimesSync(file, MTIME, MTIME);
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toMatchObject({ rows_read: 4, imported: 4, rejected: 0 });
    expect((await ledger.all<{ record_key: string; started_at: Date; time_source: string }>(ROWS)).map((r) => [r.record_key, r.started_at.toISOString(), r.time_source])).toEqual([
      ['resp:w-4', MTIME.toISOString(), 'file_mtime'],
      ['resp:w-1', '2026-10-21T08:00:00.000Z', 'wrapper'],
      ['resp:w-2', '2026-10-21T08:00:01.500Z', 'wrapper'],
      ['resp:w-3', '2026-10-21T08:00:02.000Z', 'wrapper'],
    ]);
    expect(report.warnings).toEqual([
      `${file}: 4 rows have no time of their own, so their time is approximate: 1 from the file's modification time (file_mtime), 3 from the timestamp logged beside the response (wrapper); see the time_source column`,
    ]);
  });

  it('a ledger from before time_source reads its rows as dated by themselves; other formats write record', async () => {
    const older = await newLedger();
    await importPaths(older, [samples('openai', 'usage-dashboard.csv')]);
    await older.run('ALTER TABLE usage DROP COLUMN time_source');
    await older.run('DELETE FROM schema_migrations WHERE version = 8');
    older.close();
    const ledger = await Ledger.open(older.path); // migrates
    expect(await ledger.all('SELECT DISTINCT time_source FROM usage')).toEqual([{ time_source: 'record' }]);
    await importPaths(ledger, [samples('gemini')]); // Vertex responses carry createTime
    expect(await ledger.all('SELECT source, time_source, count(*) > 0 AS some FROM usage GROUP BY ALL ORDER BY source')).toEqual([
      { source: 'gemini-responses', time_source: 'record', some: true },
      { source: 'openai-usage-csv', time_source: 'record', some: true },
    ]);
    ledger.close();
  });
});

describe('gemini-responses: streams keep their last chunk', () => {
  it('a capture saved with its headers (curl -i): the 169-token first chunk gives way to the final 79 + 12, dated by the Date header', async () => {
    const ledger = await newLedger();
    const file = copyFixture('api-stream-headers.sse');
    expect(detectImporter(file)?.id).toBe('gemini-responses');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 3, imported: 1, duplicates: 2, rejected: 0, skipped: 0 });
    expect(await ledger.all(ROWS)).toEqual([
      {
        record_key: 'resp:Rq8Zac3hCJ-l1dkPw7-xuAs',
        source_line: 20,
        started_at: new Date('2026-10-22T14:03:07.000Z'),
        time_source: 'sse_date',
        model_raw: 'gemini-2.5-flash',
        input_tokens: 79,
        cache_read_tokens: 0,
        output_tokens: 12,
      },
    ]);
    expect(report.warnings).toEqual([
      `${file}: 1 row has no time of its own, so its time is approximate: 1 from the capture's Date header (sse_date); see the time_source column`,
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('two captures appended to one file, without responseId: one row per HTTP response, each dated by its own Date', async () => {
    const ledger = await newLedger();
    const file = copyFixture('two-captures.sse');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 4, imported: 2, duplicates: 2, rejected: 0, skipped: 0 });
    const rows = await ledger.all<{ record_key: string }>(ROWS);
    expect(rows.map(({ record_key: _k, ...r }) => r)).toEqual([
      { source_line: 17, started_at: new Date('2026-10-21T09:15:42.000Z'), time_source: 'sse_date', model_raw: 'gemini-1.5-flash-002', input_tokens: 52, cache_read_tokens: 0, output_tokens: 40 },
      { source_line: 35, started_at: new Date('2026-10-21T09:16:05.000Z'), time_source: 'sse_date', model_raw: 'gemini-1.5-flash-002', input_tokens: 30, cache_read_tokens: 0, output_tokens: 8 },
    ]);
    expect(rows.map((r) => r.record_key)).toEqual([expect.stringMatching(/^sha:[0-9a-f]{32}$/), expect.stringMatching(/^sha:[0-9a-f]{32}$/)]);
    await expectCountsBalance(ledger, report);
  });

  it('in JSON lines (no SSE prefix) the chunks of one responseId fold to the last; a JSON array without ids folds up to its finishing chunk', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const lines = writeTemp('chunks.jsonl', jsonl(chunk({ id: 'a-1', prompt: 169 }), chunk({ id: 'a-1', prompt: 79, candidates: 5 }), chunk({ id: 'a-1', prompt: 79, candidates: 12, final: true })), dir);
    // REST streamGenerateContent (no alt=sse) returns the chunks as one array; two streams here
    const array = writeTemp('stream.json', `[${[chunk({ prompt: 169 }), chunk({ prompt: 79, candidates: 12, final: true }), chunk({ prompt: 40 }), chunk({ prompt: 41, candidates: 3, final: true })].join(',\n')}]\n`, dir);
    for (const f of [lines, array]) fs.utimesSync(f, MTIME, MTIME);
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, lines)).toMatchObject({ rows_read: 3, imported: 1, duplicates: 2 });
    expect(outcome(report, array)).toMatchObject({ rows_read: 4, imported: 2, duplicates: 2 });
    expect(await ledger.all('SELECT source_file, source_line, input_tokens, output_tokens FROM usage ORDER BY source_file, source_line')).toEqual([
      { source_file: lines, source_line: 3, input_tokens: 79, output_tokens: 12 },
      { source_file: array, source_line: 2, input_tokens: 79, output_tokens: 12 },
      { source_file: array, source_line: 4, input_tokens: 41, output_tokens: 3 },
    ]);
  });

  it('in a capture, other SSE fields and a [DONE] marker are passed over; a line that is no event is rejected with its line', async () => {
    const ledger = await newLedger();
    const text = [': a comment', 'event: message', `data: ${chunk({ id: 'e-1', prompt: 60 })}`, '', 'oops, pasted text', `data: ${chunk({ id: 'e-1', prompt: 60, candidates: 7, final: true })}`, 'data: [DONE]', ''].join('\n');
    const file = writeTemp('events.sse', text);
    fs.utimesSync(file, MTIME, MTIME); // dated by the file: a time before the tests' pinned import time
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'gemini-responses', rows_read: 3, imported: 1, duplicates: 1, rejected: 1, skipped: 0 });
    expect(await ledger.all('SELECT source_line, input_tokens, output_tokens, time_source FROM usage')).toEqual([{ source_line: 6, input_tokens: 60, output_tokens: 7, time_source: 'file_mtime' }]);
    expect(await ledger.all('SELECT source_line, reason, raw FROM rejects')).toEqual([
      { source_line: 5, reason: 'not a server-sent event line (data: {…}) in a capture', raw: 'oops, pasted text' },
    ]);
  });
});

describe('gemini-responses: captures in folders', () => {
  it('finds .sse captures (plain or gzipped) in a folder, as it finds .jsonl', async () => {
    const dir = tempDir();
    const plain = copyFixture('api-stream-headers.sse', dir);
    const gz = path.join(dir, 'nested', 'two-captures.sse.gz');
    fs.mkdirSync(path.dirname(gz));
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(fixtures('gemini', 'two-captures.sse'))));
    expect(discoverFiles([dir]).map((f) => path.relative(dir, f.path))).toEqual(['api-stream-headers.sse', path.join('nested', 'two-captures.sse.gz')]);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [dir]);
    expect(report.files.map((f) => [path.basename(f.path), f.format, f.imported])).toEqual([
      [path.basename(plain), 'gemini-responses', 1],
      ['two-captures.sse.gz', 'gemini-responses', 2],
    ]);
  });

  it('recount import prints the approximate-time warning on stderr, and the rows as usual', () => {
    const dir = tempDir();
    copyFixture('api-stream-headers.sse', dir);
    const r = runCli(['import', dir, '--db', path.join(tempDir(), 'ledger.duckdb')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "api-stream-headers.sse: 1 row has no time of its own, so its time is approximate: 1 from the capture's Date header (sse_date); see the time_source column",
    );
    expect(r.stderr).toMatch(/^warning: /m);
    expect(r.stdout).toMatch(/1 file: 3 rows read, 1 imported, 2 duplicates, 0 rejected/);
  });
});

describe('gemini-responses: blocked calls', () => {
  it('a prompt a safety filter blocked, with or without usage, is a blocked row; its tokens are what it logged', async () => {
    const blockedPrompt = JSON.stringify({ promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, modelVersion: 'gemini-2.5-flash', responseId: 'blk-1', createTime: '2026-10-20T08:00:00Z' });
    const blockedAnswer = JSON.stringify({
      candidates: [{ finishReason: 'SAFETY', index: 0 }],
      usageMetadata: { promptTokenCount: 40, totalTokenCount: 40 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'blk-2',
      createTime: '2026-10-20T08:01:00Z',
    });
    const fine = JSON.stringify({ ...JSON.parse(chunk({ id: 'ok-1', prompt: 10, candidates: 5, final: true })), createTime: '2026-10-20T08:02:00Z' });
    const file = writeTemp('blocked.jsonl', `${fine}\n${blockedPrompt}\n${blockedAnswer}\n`);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toMatchObject({ rows_read: 3, imported: 3, rejected: 0 });
    expect(await ledger.all('SELECT record_key, status, input_tokens, output_tokens FROM usage ORDER BY started_at')).toEqual([
      { record_key: 'resp:blk-1', status: 'blocked', input_tokens: 0, output_tokens: 0 },
      { record_key: 'resp:blk-2', status: 'blocked', input_tokens: 40, output_tokens: 0 },
      { record_key: 'resp:ok-1', status: 'ok', input_tokens: 10, output_tokens: 5 },
    ]);
    ledger.close();
  });
});
