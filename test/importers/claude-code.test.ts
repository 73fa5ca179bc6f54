import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { ccAssistant, ccUser, expectCountsBalance, jsonl, outcome, toolResult, toolUse, usageTotals } from './util.js';

const API_SESSION = 'a6deca95-bec2-49a4-b5b0-124ec6348ff6';
const WEB_SESSION = '6661f48b-9a43-434a-af39-b2191812d92a';
const mainFile = samples('claude-code', 'projects', '-home-dev-acme-api', `${API_SESSION}.jsonl`);
const subFile = samples('claude-code', 'projects', '-home-dev-acme-api', API_SESSION, 'subagents', 'agent-d7cb9653.jsonl');
const webFile = samples('claude-code', 'projects', '-home-dev-acme-web', `${WEB_SESSION}.jsonl`);

describe('claude-code: the sample transcripts (manifest §1)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('claude-code')]);
  });

  it('detects all three files as claude-code and counts every line the way the manifest does', async () => {
    expect(report.files.map((f) => f.format)).toEqual(['claude-code', 'claude-code', 'claude-code']);
    // main file: 37 real usage lines (25 responses + 12 in-file duplicates) + 1 cut-off line;
    // skipped = 3 snapshots + 1 summary + 26 user + 1 <synthetic>
    expect(outcome(report, mainFile)).toEqual({ format: 'claude-code', rows_read: 38, imported: 25, duplicates: 12, rejected: 1, skipped: 31 });
    // subagent: 9 responses, one of them the replay of a main-chain message (the main chain wins)
    expect(outcome(report, subFile)).toEqual({ format: 'claude-code', rows_read: 9, imported: 8, duplicates: 1, rejected: 0, skipped: 8 });
    expect(outcome(report, webFile)).toEqual({ format: 'claude-code', rows_read: 35, imported: 25, duplicates: 10, rejected: 0, skipped: 27 });
    expect(report.totals).toEqual({ files: 3, rows_read: 82, imported: 58, duplicates: 23, rejected: 1, skipped: 66 });
    expect(report.warnings).toEqual([]);
    await expectCountsBalance(ledger, report);
  });

  it('holds 58 distinct responses with the expected disjoint token totals', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 58,
      requests: 58,
      input: 350,
      cache_write_5m: 114_544,
      cache_write_1h: 168_063,
      cache_read: 3_047_720,
      output: 18_061,
    });
    const keys = await ledger.all<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT record_key) AS d FROM usage');
    expect(keys).toEqual([{ n: 58, d: 58 }]);
  });

  it('splits per model as the manifest does (raw and canonical ids)', async () => {
    const rows = await ledger.all(`
      SELECT model_raw, model, count(*) AS responses, sum(input_tokens) AS input, sum(cache_write_5m_tokens) AS w5,
             sum(cache_write_1h_tokens) AS w1, sum(cache_read_tokens) AS cr, sum(output_tokens) AS out
      FROM usage GROUP BY ALL ORDER BY model_raw`);
    expect(rows).toEqual([
      { model_raw: 'claude-haiku-4-5-20251001', model: 'claude-haiku-4-5', responses: 8, input: 50, w5: 13_475, w1: 0, cr: 234_098, out: 923 },
      { model_raw: 'claude-opus-4-6', model: 'claude-opus-4-6', responses: 25, input: 153, w5: 101_069, w1: 0, cr: 1_019_968, out: 5_630 },
      { model_raw: 'claude-sonnet-4-5-20250929', model: 'claude-sonnet-4-5', responses: 25, input: 147, w5: 0, w1: 168_063, cr: 1_793_654, out: 11_508 },
    ]);
  });

  it('attributes sessions and projects (subagent lines carry the parent sessionId)', async () => {
    const rows = await ledger.all(`
      SELECT session_id, project, count(*) AS responses,
             sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens) AS total
      FROM usage GROUP BY ALL ORDER BY session_id`);
    expect(rows).toEqual([
      { session_id: WEB_SESSION, project: 'acme-web', responses: 25, total: 1_973_372 },
      { session_id: API_SESSION, project: 'acme-api', responses: 33, total: 1_375_366 },
    ]);
  });

  it('splits per UTC day', async () => {
    const rows = await ledger.all(`
      SELECT strftime(started_at, '%Y-%m-%d') AS day, count(*) AS responses, sum(output_tokens) AS out, sum(cache_read_tokens) AS cr
      FROM usage GROUP BY ALL ORDER BY day`);
    expect(rows).toEqual([
      { day: '2026-10-20', responses: 33, out: 6_553, cr: 1_254_066 },
      { day: '2026-10-21', responses: 25, out: 11_508, cr: 1_793_654 },
    ]);
    const range = await ledger.all<{ lo: Date; hi: Date }>('SELECT min(started_at) AS lo, max(started_at) AS hi FROM usage');
    expect(range[0].hi.toISOString()).toBe('2026-10-21T14:19:11.619Z');
  });

  it('counts the replayed parent message once, as the main-chain row', async () => {
    const rows = await ledger.all(
      "SELECT source_file, source_line, is_sidechain, agent_id, output_tokens, tools FROM usage WHERE record_key LIKE '%msg_01LCogwJ7fNbDYJq7p8EamB3'",
    );
    expect(rows).toEqual([{ source_file: mainFile, source_line: 36, is_sidechain: false, agent_id: null, output_tokens: 214, tools: ['Task'] }]);
  });

  it('marks the subagent responses as sidechain with their agent id', async () => {
    const rows = await ledger.all(`
      SELECT agent_id, is_sidechain, session_id, count(*) AS n FROM usage WHERE source_file = $f GROUP BY ALL`, { f: subFile });
    expect(rows).toEqual([{ agent_id: 'd7cb9653', is_sidechain: true, session_id: API_SESSION, n: 8 }]);
    const main = await ledger.all<{ n: number }>('SELECT count(*) AS n FROM usage WHERE is_sidechain OR agent_id IS NOT NULL');
    expect(main).toEqual([{ n: 8 }]);
  });

  it('merges the three lines without requestId that share message.id, keeping the complete one', async () => {
    const rows = await ledger.all(`
      SELECT source_line, input_tokens, cache_write_5m_tokens, cache_read_tokens, output_tokens, tools, started_at
      FROM usage WHERE record_key LIKE '%msg_01qo48AD6P3qEFBxU2ccweR9'`);
    expect(rows).toEqual([
      {
        source_line: 42,
        input_tokens: 6,
        cache_write_5m_tokens: 8_521,
        cache_read_tokens: 42_270,
        output_tokens: 1_386,
        tools: ['Write'],
        started_at: new Date('2026-10-20T09:12:31.322Z'),
      },
    ]);
  });

  it('keeps the fast-mode response as service_tier fast with its final usage', async () => {
    const rows = await ledger.all(`
      SELECT model, input_tokens, cache_write_5m_tokens, cache_read_tokens, output_tokens, service_tier, started_at
      FROM usage WHERE record_key LIKE '%msg_01DL4a65r9tyFGk3pLyCFfXG'`);
    expect(rows).toEqual([
      {
        model: 'claude-opus-4-6',
        input_tokens: 12,
        cache_write_5m_tokens: 6_783,
        cache_read_tokens: 57_285,
        output_tokens: 298,
        service_tier: 'fast',
        started_at: new Date('2026-10-20T09:29:04.525Z'),
      },
    ]);
    const tiers = await ledger.all('SELECT service_tier, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL');
    expect(tiers).toEqual([
      { service_tier: 'fast', n: 1 },
      { service_tier: 'standard', n: 57 },
    ]);
  });

  it('ignores the <synthetic> API-error line', async () => {
    const rows = await ledger.all(
      "SELECT record_key FROM usage WHERE model_raw = '<synthetic>' OR record_key LIKE '%4b5e8df8-550d-4c42-9d69-f661135ec4f5%'",
    );
    expect(rows).toEqual([]);
  });

  it('rejects the cut-off line 19 and keeps its raw text', async () => {
    const rows = await ledger.all<{ source_file: string; source_line: number; format: string; reason: string; raw: string }>(
      'SELECT source_file, source_line, format, reason, raw FROM rejects',
    );
    expect(rows).toHaveLength(1);
    const [r] = rows;
    expect([r.source_file, r.source_line, r.format]).toEqual([mainFile, 19, 'claude-code']);
    expect(r.reason).toMatch(/JSON/i);
    const line19 = fs.readFileSync(mainFile, 'utf8').split('\n')[18];
    expect(r.raw).toBe(line19);
    expect(r.raw).toHaveLength(713);
  });

  it('collects tool names per response across all of its lines', async () => {
    const rows = await ledger.all(`
      SELECT t AS tool, count(*) AS responses FROM (SELECT unnest(tools) AS t FROM usage) GROUP BY ALL ORDER BY tool`);
    // distinct tool names per response (one response calls Read twice: 13 Read blocks, 12 responses)
    expect(rows).toEqual([
      { tool: 'Bash', responses: 9 },
      { tool: 'Bash:test', responses: 6 }, // npm test, npx vitest, pnpm … test: the runs of the test suite
      { tool: 'Edit', responses: 9 },
      { tool: 'Glob', responses: 3 },
      { tool: 'Grep', responses: 5 },
      { tool: 'Read', responses: 12 },
      { tool: 'Task', responses: 1 },
      { tool: 'TodoWrite', responses: 4 },
      { tool: 'Write', responses: 6 },
      { tool: 'mcp__github__get_issue', responses: 2 },
    ]);
  });

  it('stores the last human prompt of the turn for every response (not tool results)', async () => {
    const rows = await ledger.all(`SELECT prompt_text, count(*) AS n FROM usage_with_prompts WHERE source_file = $f GROUP BY ALL ORDER BY min(started_at)`, {
      f: mainFile,
    });
    expect(rows).toEqual([
      { prompt_text: 'find where the rate limiter is configured', n: 5 },
      { prompt_text: 'the burst limit looks too low for the billing endpoints, check the open issue about it (#482) and bump it', n: 6 },
      { prompt_text: 'write unit tests for parseInvoice', n: 5 },
      { prompt_text: 'try again', n: 4 },
      { prompt_text: 'now make the limiter skip the redis roundtrip for internal callers (x-acme-internal header)', n: 5 },
    ]);
    const replayed = await ledger.all(`SELECT prompt_text FROM usage_with_prompts WHERE record_key LIKE '%msg_01LCogwJ7fNbDYJq7p8EamB3'`);
    expect(replayed).toEqual([{ prompt_text: 'write unit tests for parseInvoice' }]);
    const nulls = await ledger.all('SELECT count(*) AS n FROM usage_with_prompts WHERE prompt_text IS NULL');
    expect(nulls).toEqual([{ n: 0 }]);
  });

  it('adds nothing when the same folder is imported again', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [samples('claude-code')]);
    expect(again.totals).toEqual({ files: 3, rows_read: 82, imported: 0, duplicates: 81, rejected: 1, skipped: 66 });
    expect(await usageTotals(ledger)).toEqual(before);
    // the same rejected line is not stored twice
    expect(await ledger.all('SELECT count(*) AS n FROM rejects')).toEqual([{ n: 1 }]);
    await expectCountsBalance(ledger, again);
  });
});

describe('claude-code: one record per API response (hand-written transcripts)', () => {
  it('merges lines without requestId that share message.id and keeps the line with the largest total', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'session.jsonl',
      jsonl(
        ccUser('rename the widget', '2026-10-22T10:00:00.000Z'),
        ccAssistant({ msgId: 'msg_A', requestId: null, ts: '2026-10-22T10:00:01.000Z', usage: { input: 4, cacheRead: 1000, write5m: 50, output: 1 } }),
        ccAssistant({
          msgId: 'msg_A',
          requestId: null,
          ts: '2026-10-22T10:00:02.000Z',
          usage: { input: 4, cacheRead: 1000, write5m: 50, output: 310 },
          content: [toolUse('Read')],
        }),
        // a later line of the same response written with a placeholder again
        ccAssistant({
          msgId: 'msg_A',
          requestId: null,
          ts: '2026-10-22T10:00:03.000Z',
          usage: { input: 4, cacheRead: 1000, write5m: 50, output: 2 },
          content: [toolUse('Bash')],
        }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'claude-code', rows_read: 3, imported: 1, duplicates: 2, rejected: 0, skipped: 1 });
    const rows = await ledger.all(`
      SELECT record_key, source, source_line, started_at, bucket_width, provider, model, model_raw, requests, input_tokens,
             cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier, session_id, project,
             is_sidechain, agent_id, tools, prompt_text, status
      FROM usage_with_prompts`);
    expect(rows).toEqual([
      {
        record_key: 'msg:msg_A',
        source: 'claude-code',
        source_line: 3,
        started_at: new Date('2026-10-22T10:00:02.000Z'),
        bucket_width: null,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        model_raw: 'claude-sonnet-4-5-20250929',
        requests: 1,
        input_tokens: 4,
        cache_read_tokens: 1000,
        cache_write_5m_tokens: 50,
        cache_write_1h_tokens: 0,
        output_tokens: 310,
        service_tier: 'standard',
        session_id: 'sess-1',
        project: 'widget',
        is_sidechain: false,
        agent_id: null,
        tools: ['Bash', 'Read'],
        prompt_text: 'rename the widget',
        status: 'ok',
      },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('a placeholder output line never wins over the final line, whatever the order', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'placeholder.jsonl',
      jsonl(
        ccAssistant({ msgId: 'msg_B', ts: '2026-10-22T11:00:05.000Z', usage: { input: 1, write1h: 900, output: 480 } }),
        ccAssistant({ msgId: 'msg_B', ts: '2026-10-22T11:00:01.000Z', usage: { input: 1, write1h: 900, output: 1 } }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toMatchObject({ rows_read: 2, imported: 1, duplicates: 1 });
    expect(await usageTotals(ledger)).toEqual({ rows: 1, requests: 1, input: 1, cache_read: 0, cache_write_5m: 0, cache_write_1h: 900, output: 480 });
  });

  it('a transcript imported mid-response is completed by a later import of the finished file', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const early = [
      ccUser('add tests', '2026-10-22T12:00:00.000Z'),
      ccAssistant({ msgId: 'msg_C', ts: '2026-10-22T12:00:01.000Z', usage: { input: 2, cacheRead: 500, output: 3 }, content: [toolUse('Grep')] }),
    ];
    const file = writeTemp('s.jsonl', jsonl(...early), dir);
    const first = await importPaths(ledger, [file]);
    expect(first.totals).toMatchObject({ rows_read: 1, imported: 1 });

    fs.writeFileSync(
      file,
      jsonl(
        ...early,
        ccAssistant({ msgId: 'msg_C', ts: '2026-10-22T12:00:04.000Z', usage: { input: 2, cacheRead: 500, output: 250 }, content: [toolUse('Write')] }),
      ),
    );
    const second = await importPaths(ledger, [file]);
    expect(outcome(second, file)).toMatchObject({ rows_read: 2, imported: 1, duplicates: 1, rejected: 0 });
    const rows = await ledger.all('SELECT output_tokens, tools, source_line, import_id FROM usage');
    expect(rows).toEqual([{ output_tokens: 250, tools: ['Grep', 'Write'], source_line: 3, import_id: second.import_id }]);
    await expectCountsBalance(ledger, second);
  });

  it('a sidechain copy imported first is replaced by the main-chain line from a later import run', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const usage = { input: 9, write5m: 779, cacheRead: 39_756, output: 214 };
    const sub = writeTemp(
      'sess-1/subagents/agent-abc123.jsonl',
      jsonl(
        ccUser('Find every call site of parseWidget', '2026-10-22T13:00:00.000Z', { isSidechain: true, agentId: 'abc123' }),
        // replay of the parent's Task call
        ccAssistant({ msgId: 'msg_P', ts: '2026-10-22T12:59:59.000Z', usage, sidechain: true, agentId: 'abc123', content: [toolUse('Task')] }),
        ccAssistant({ msgId: 'msg_S1', ts: '2026-10-22T13:00:03.000Z', usage: { input: 5, output: 40 }, sidechain: true, agentId: 'abc123', model: 'claude-haiku-4-5-20251001' }),
      ),
      dir,
    );
    const first = await importPaths(ledger, [sub]);
    expect(first.totals).toMatchObject({ rows_read: 2, imported: 2, duplicates: 0 });
    expect(await ledger.all("SELECT is_sidechain, agent_id FROM usage WHERE record_key = 'msg:msg_P'")).toEqual([
      { is_sidechain: true, agent_id: 'abc123' },
    ]);

    const main = writeTemp(
      'sess-1.jsonl',
      jsonl(
        ccUser('refactor parseWidget', '2026-10-22T12:59:50.000Z'),
        ccAssistant({ msgId: 'msg_P', ts: '2026-10-22T12:59:59.000Z', usage, content: [toolUse('Task')] }),
      ),
      dir,
    );
    const second = await importPaths(ledger, [main]);
    expect(outcome(second, main)).toEqual({ format: 'claude-code', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 1 });
    const rows = await ledger.all(`
      SELECT record_key, source_file, is_sidechain, agent_id, output_tokens, prompt_text, import_id FROM usage_with_prompts ORDER BY record_key`);
    expect(rows).toEqual([
      {
        record_key: 'msg:msg_P',
        source_file: main,
        is_sidechain: false,
        agent_id: null,
        output_tokens: 214,
        prompt_text: 'refactor parseWidget',
        import_id: second.import_id,
      },
      {
        record_key: 'msg:msg_S1',
        source_file: sub,
        is_sidechain: true,
        agent_id: 'abc123',
        output_tokens: 40,
        prompt_text: 'Find every call site of parseWidget',
        import_id: first.import_id,
      },
    ]);

    // and the sidechain copy, imported again, does not take it back
    const third = await importPaths(ledger, [sub]);
    expect(third.totals).toMatchObject({ rows_read: 2, imported: 0, duplicates: 2 });
    expect(await ledger.all("SELECT is_sidechain, source_file FROM usage WHERE record_key = 'msg:msg_P'")).toEqual([
      { is_sidechain: false, source_file: main },
    ]);
    await expectCountsBalance(ledger, third);
  });

  it('in one run the main-chain line beats its sidechain copy even when the sidechain file comes first', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const usage = { input: 9, write5m: 100, cacheRead: 2000, output: 50 };
    // file names chosen so the subagent file sorts first within the folder
    const sub = writeTemp('a/agent-x.jsonl', jsonl(ccAssistant({ msgId: 'msg_Q', ts: '2026-10-22T14:00:00.000Z', usage, sidechain: true, agentId: 'x' })), dir);
    const main = writeTemp('b/main.jsonl', jsonl(ccAssistant({ msgId: 'msg_Q', ts: '2026-10-22T14:00:00.000Z', usage })), dir);
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, sub)).toMatchObject({ rows_read: 1, imported: 0, duplicates: 1 });
    expect(outcome(report, main)).toMatchObject({ rows_read: 1, imported: 1, duplicates: 0 });
    expect(await ledger.all('SELECT source_file, is_sidechain, agent_id FROM usage')).toEqual([{ source_file: main, is_sidechain: false, agent_id: null }]);
  });

  it('skips <synthetic> lines (local error messages) and counts them as skipped', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'synthetic.jsonl',
      jsonl(
        ccUser('go', '2026-10-22T15:00:00.000Z'),
        ccAssistant({
          msgId: 'b0c6c2a8-1111-2222-3333-444455556666',
          requestId: null,
          ts: '2026-10-22T15:00:01.000Z',
          model: '<synthetic>',
          usage: { input: 0, output: 0 },
          content: [{ type: 'text', text: 'API Error: 529 overloaded' }],
        }),
        ccUser('try again', '2026-10-22T15:00:10.000Z'),
        ccAssistant({ msgId: 'msg_R', ts: '2026-10-22T15:00:12.000Z', usage: { input: 7, output: 70 } }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'claude-code', rows_read: 1, imported: 1, duplicates: 0, rejected: 0, skipped: 3 });
    expect(await ledger.all('SELECT record_key, model_raw, prompt_text FROM usage_with_prompts')).toEqual([
      { record_key: 'msg:msg_R', model_raw: 'claude-sonnet-4-5-20250929', prompt_text: 'try again' },
    ]);
  });

  it('prompt_text is the last human prompt before the response (tool results and meta lines are not prompts)', async () => {
    const ledger = await newLedger();
    const read = toolUse('Read', 'toolu_read_1');
    const file = writeTemp(
      'prompts.jsonl',
      jsonl(
        ccUser('first question', '2026-10-22T16:00:00.000Z'),
        ccAssistant({ msgId: 'msg_1', ts: '2026-10-22T16:00:01.000Z', usage: { output: 10 }, content: [read] }),
        ccUser([toolResult('toolu_read_1')], '2026-10-22T16:00:02.000Z'),
        ccAssistant({ msgId: 'msg_2', ts: '2026-10-22T16:00:03.000Z', usage: { output: 20 } }),
        ccUser('second question', '2026-10-22T16:01:00.000Z'),
        ccUser('<local-command-stdout>caveat</local-command-stdout>', '2026-10-22T16:01:01.000Z', { isMeta: true }),
        ccAssistant({ msgId: 'msg_3', ts: '2026-10-22T16:01:02.000Z', usage: { output: 30 } }),
        ccUser([{ type: 'text', text: 'third question, as text blocks' }], '2026-10-22T16:02:00.000Z'),
        ccAssistant({ msgId: 'msg_4', ts: '2026-10-22T16:02:01.000Z', usage: { output: 40 } }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, prompt_text FROM usage_with_prompts ORDER BY record_key')).toEqual([
      { record_key: 'msg:msg_1', prompt_text: 'first question' },
      { record_key: 'msg:msg_2', prompt_text: 'first question' },
      { record_key: 'msg:msg_3', prompt_text: 'second question' },
      { record_key: 'msg:msg_4', prompt_text: 'third question, as text blocks' },
    ]);
  });

  it('maps cache writes: 5m/1h split when written, the unsplit total as 5m for old builds', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'cache.jsonl',
      jsonl(
        ccAssistant({ msgId: 'msg_split', ts: '2026-10-22T17:00:00.000Z', usage: { input: 1, write5m: 100, write1h: 2000, cacheRead: 30, output: 4 } }),
        ccAssistant({ msgId: 'msg_old', ts: '2026-10-22T17:01:00.000Z', usage: { input: 1, write5m: 777, unsplit: true, output: 5 } }),
      ),
    );
    await importPaths(ledger, [file]);
    expect(
      await ledger.all('SELECT record_key, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens FROM usage ORDER BY record_key'),
    ).toEqual([
      { record_key: 'msg:msg_old', input_tokens: 1, cache_read_tokens: 0, cache_write_5m_tokens: 777, cache_write_1h_tokens: 0, output_tokens: 5 },
      { record_key: 'msg:msg_split', input_tokens: 1, cache_read_tokens: 30, cache_write_5m_tokens: 100, cache_write_1h_tokens: 2000, output_tokens: 4 },
    ]);
  });

  it('rejects assistant lines whose usage has wrong types, with file and line', async () => {
    const ledger = await newLedger();
    const bad = JSON.parse(ccAssistant({ msgId: 'msg_bad', ts: '2026-10-22T18:00:00.000Z', usage: { output: 5 } }));
    bad.message.usage.input_tokens = 'lots';
    const noTs = JSON.parse(ccAssistant({ msgId: 'msg_nots', ts: 'x', usage: { output: 5 } }));
    delete noTs.timestamp;
    const file = writeTemp(
      'types.jsonl',
      jsonl(
        ccAssistant({ msgId: 'msg_good', ts: '2026-10-22T18:00:01.000Z', usage: { output: 6 } }),
        JSON.stringify(bad),
        JSON.stringify(noTs),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'claude-code', rows_read: 3, imported: 1, duplicates: 0, rejected: 2, skipped: 0 });
    const rejects = await ledger.all<{ source_file: string; source_line: number; reason: string; raw: string }>(
      'SELECT source_file, source_line, reason, raw FROM rejects ORDER BY source_line',
    );
    expect(rejects.map((r) => [r.source_file, r.source_line])).toEqual([
      [file, 2],
      [file, 3],
    ]);
    expect(rejects[0].reason).toMatch(/input_tokens/);
    expect(rejects[0].raw).toBe(JSON.stringify(bad));
    expect(rejects[1].reason).toMatch(/timestamp/);
    expect(await ledger.all('SELECT record_key FROM usage')).toEqual([{ record_key: 'msg:msg_good' }]);
  });

  it('keeps source_line as the physical line number across blank lines and CRLF endings', async () => {
    const ledger = await newLedger();
    const lines = [
      ccUser('hi', '2026-10-22T19:00:00.000Z'),
      '',
      ccAssistant({ msgId: 'msg_crlf', ts: '2026-10-22T19:00:01.000Z', usage: { output: 8 } }),
      '{"type":"assistant","message":{"id":"msg_cut","usage":{"input_tok',
    ];
    const file = writeTemp('crlf.jsonl', lines.join('\r\n') + '\r\n');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toMatchObject({ rows_read: 2, imported: 1, rejected: 1 });
    expect(await ledger.all('SELECT source_line, output_tokens FROM usage')).toEqual([{ source_line: 3, output_tokens: 8 }]);
    expect(await ledger.all('SELECT source_line, raw FROM rejects')).toEqual([{ source_line: 4, raw: lines[3] }]);
  });

  it('a response in a clean file and in one read line by line counts once, from the file whose line is kept', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const ts = '2026-10-22T20:00:00.000Z';
    const read = (id: string) => ({ type: 'tool_use', id, name: 'Read', input: { file_path: '/x' } });
    // the same response in two files; the second has a blank line, so it is read line by line
    const line = ccAssistant({ msgId: 'msg_split', ts, usage: { output: 9 }, content: [read('t1')] });
    const clean = writeTemp('a.jsonl', jsonl([line]), dir);
    const blank = writeTemp('b.jsonl', [ccUser('go', ts), '', line].join('\n') + '\n', dir);
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, clean)).toMatchObject({ rows_read: 1, imported: 1, duplicates: 0 });
    expect(outcome(report, blank)).toMatchObject({ rows_read: 1, imported: 0, duplicates: 1, skipped: 1 });
    expect(await ledger.all('SELECT source_file, source_line, tools FROM usage')).toEqual([{ source_file: clean, source_line: 1, tools: ['Read'] }]);
    // the other way round, the line read line by line keeps its physical number
    const alone = await newLedger();
    await importPaths(alone, [blank]);
    expect(await alone.all('SELECT source_line, prompt_text FROM usage_with_prompts')).toEqual([{ source_line: 3, prompt_text: 'go' }]);
    await expectCountsBalance(ledger, report);
  });

  it('the JSON reader and the line-by-line reading stage the same rows (the samples, each read both ways)', async () => {
    const fast = await newLedger();
    await importPaths(fast, [samples('claude-code')]);
    // a trailing blank line sends every file through the line-by-line reading, without moving a line
    const dir = tempDir();
    for (const f of [mainFile, subFile, webFile]) writeTemp(path.basename(f), fs.readFileSync(f, 'utf8') + '\n', dir);
    const exact = await newLedger();
    await importPaths(exact, [dir]);
    const rows = async (ledger: Ledger) =>
      (await ledger.all(`SELECT * EXCLUDE (import_id, source_file), regexp_extract(source_file, '[^/]+$') AS file FROM usage ORDER BY record_key`)).map((r) =>
        JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
      );
    const fastRows = await rows(fast);
    expect(fastRows).toHaveLength(58);
    expect(await rows(exact)).toEqual(fastRows);
    const rejects = async (ledger: Ledger) => ledger.all(`SELECT source_line, reason, raw FROM rejects`);
    expect(await rejects(exact)).toEqual(await rejects(fast));
  });

  it('masks secrets in prompts and tags', async () => {
    const ledger = await newLedger();
    const key = 'sk-ant-api03-QwErTyUiOpAsDfGhJkLzXcVbNm0123456789-abcdefAA';
    const file = writeTemp(
      'secret.jsonl',
      jsonl(
        ccUser(`use ${key} for the call`, '2026-10-22T20:00:00.000Z'),
        ccAssistant({ msgId: 'msg_sec', ts: '2026-10-22T20:00:01.000Z', usage: { output: 8 }, gitBranch: `fix/${key}` }),
      ),
    );
    await importPaths(ledger, [file]);
    const [row] = await ledger.all<{ prompt_text: string; tags: string }>('SELECT prompt_text, tags::VARCHAR AS tags FROM usage_with_prompts');
    expect(row.prompt_text).not.toContain(key);
    expect(row.prompt_text).toMatch(/^use sk-ant-\S*masked for the call$/);
    expect(row.tags).not.toContain(key.slice(8));
    expect(path.isAbsolute(file)).toBe(true);
  });
});
