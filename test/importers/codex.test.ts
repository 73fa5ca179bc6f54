import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { RecountError } from '../../src/errors.js';
import { codexSessionDirs } from '../../src/importers/codex/dirs.js';
import { detectImporter } from '../../src/importers/registry.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, jsonl, outcome, usageTotals } from './util.js';

const A = '01a139ae-dca3-798e-9bcb-82034fba541e'; // acme-api, 2026-10-14 09:12
const B = '01a13a36-b86c-7c9e-a162-7eece892efd8'; // a fork of A after its second turn
const C = '01a0fd5d-4b46-7fad-b1d5-3af006786b7c'; // acme-web, codex exec, archived
const fileA = samples('codex', 'sessions', '2026', '10', '14', `rollout-2026-10-14T09-12-03-${A}.jsonl`);
const fileB = samples('codex', 'sessions', '2026', '10', '14', `rollout-2026-10-14T11-40-27-${B}.jsonl`);
const fileC = samples('codex', 'archived_sessions', `rollout-2026-10-02T16-05-44-${C}.jsonl`);

// ---- hand-written rollout lines --------------------------------------------------------------------

interface Totals {
  input: number;
  cached?: number;
  output: number;
  reasoning?: number;
}

const line = (timestamp: string, type: string, payload: unknown) => JSON.stringify({ timestamp, type, payload });

const meta = (ts: string, id: string, extra: Record<string, unknown> = {}) =>
  line(ts, 'session_meta', {
    id,
    timestamp: ts,
    cwd: '/home/dev/widget',
    originator: 'codex_cli_rs',
    cli_version: '0.61.0',
    instructions: null,
    source: 'cli',
    model_provider: 'openai',
    git: { commit_hash: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c', branch: 'main', repository_url: 'git@github.com:acme/widget.git' },
    ...extra,
  });

const turnContext = (ts: string, model: string, cwd = '/home/dev/widget') =>
  line(ts, 'turn_context', { cwd, approval_policy: 'on-request', sandbox_policy: { mode: 'workspace-write' }, model, effort: 'medium', summary: 'auto' });

const userMessage = (ts: string, message: string) => line(ts, 'event_msg', { type: 'user_message', message, images: [] });

const shellCall = (ts: string) =>
  line(ts, 'response_item', { type: 'function_call', name: 'shell', arguments: '{"command":["bash","-lc","ls"]}', call_id: 'call_x' });

const tokenCount = (ts: string, t: Totals | null) =>
  line(ts, 'event_msg', {
    type: 'token_count',
    info:
      t &&
      (() => {
        const total = {
          input_tokens: t.input,
          cached_input_tokens: t.cached ?? 0,
          output_tokens: t.output,
          reasoning_output_tokens: t.reasoning ?? 0,
          total_tokens: t.input + t.output,
        };
        return { total_token_usage: total, last_token_usage: total, model_context_window: 272000 };
      })(),
    rate_limits: null,
  });

const ROWS = `SELECT source_line, model_raw, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens FROM usage ORDER BY source_file, source_line`;

describe('codex: the sample CODEX_HOME (sessions + archived_sessions)', () => {
  let ledger: Ledger;
  let report: ImportReport;
  beforeAll(async () => {
    ledger = await newLedger();
    report = await importPaths(ledger, [samples('codex')]);
  });

  it('detects the three rollouts and counts every token_count event once', async () => {
    expect(report.files.map((f) => f.format)).toEqual(['codex', 'codex', 'codex']);
    // C: 3 responses; its first token_count has info null (skipped)
    expect(outcome(report, fileC)).toEqual({ format: 'codex', rows_read: 3, imported: 3, duplicates: 0, rejected: 0, skipped: 23 });
    // A: 11 responses + 3 re-emissions of an unchanged total (turn starts and ends)
    expect(outcome(report, fileA)).toEqual({ format: 'codex', rows_read: 14, imported: 11, duplicates: 3, rejected: 0, skipped: 47 });
    // B (a fork of A): the copy of A's first two turns (8 responses + 2 re-emissions), its own re-emission
    // of the inherited total, then 3 responses of its own
    expect(outcome(report, fileB)).toEqual({ format: 'codex', rows_read: 14, imported: 3, duplicates: 11, rejected: 0, skipped: 48 });
    expect(report.totals).toEqual({ files: 3, rows_read: 31, imported: 17, duplicates: 14, rejected: 0, skipped: 118 });
    expect(report.warnings).toEqual([]);
    await expectCountsBalance(ledger, report);
  });

  it('holds 17 responses with disjoint buckets: uncached = Δinput − Δcached, output includes reasoning', async () => {
    expect(await usageTotals(ledger)).toEqual({
      rows: 17,
      requests: 17,
      input: 44_870,
      cache_read: 174_848,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 8_931,
    });
    expect(await ledger.all('SELECT sum(reasoning_tokens) AS r, count(DISTINCT record_key) AS keys FROM usage')).toEqual([{ r: 3_776, keys: 17 }]);
  });

  it('takes the model from the latest turn_context (a /model switch mid-session)', async () => {
    const rows = await ledger.all(`
      SELECT model_raw, model, provider, count(*) AS n, sum(input_tokens) AS input, sum(cache_read_tokens) AS cached,
             sum(output_tokens) AS output, sum(reasoning_tokens) AS reasoning
      FROM usage GROUP BY ALL ORDER BY model_raw`);
    expect(rows).toEqual([
      { model_raw: 'gpt-5', model: 'gpt-5', provider: 'openai', n: 1, input: 274, cached: 14_848, output: 1_890, reasoning: 1_344 },
      { model_raw: 'gpt-5-codex', model: 'gpt-5', provider: 'openai', n: 13, input: 32_806, cached: 141_056, output: 5_174, reasoning: 1_408 },
      { model_raw: 'gpt-5.1-codex-mini', model: 'gpt-5.1-codex-mini', provider: 'openai', n: 3, input: 11_790, cached: 18_944, output: 1_867, reasoning: 1_024 },
    ]);
  });

  it("counts the fork's copy of its parent once, as the parent's row; the fork's own rows are sidechain", async () => {
    const rows = await ledger.all(`
      SELECT session_id, project, is_sidechain, count(*) AS n, sum(input_tokens) AS input, sum(cache_read_tokens) AS cached,
             sum(output_tokens) AS output, min(source_line) AS first_line
      FROM usage GROUP BY ALL ORDER BY min(started_at)`);
    expect(rows).toEqual([
      { session_id: C, project: 'acme-web', is_sidechain: false, n: 3, input: 11_790, cached: 18_944, output: 1_867, first_line: 11 },
      { session_id: A, project: 'acme-api', is_sidechain: false, n: 11, input: 15_777, cached: 125_440, output: 4_929, first_line: 10 },
      { session_id: B, project: 'acme-api', is_sidechain: true, n: 3, input: 17_303, cached: 30_464, output: 2_135, first_line: 53 },
    ]);
    // every key of the lineage is rooted at A, the fork's included
    const roots = await ledger.all(`SELECT split_part(record_key, ':', 1) AS root, count(*) AS n FROM usage GROUP BY ALL ORDER BY root`);
    expect(roots).toEqual([
      { root: C, n: 3 },
      { root: A, n: 14 },
    ]);
    const tags = await ledger.all<{ tags: string }>(`SELECT tags FROM usage WHERE session_id = $s LIMIT 1`, { s: B });
    expect(JSON.parse(tags[0].tags)).toMatchObject({ forked_from: A, git_branch: 'limits-per-route', cli_version: '0.61.0' });
  });

  it('attributes tool calls, web searches and the prompt of the turn to each response', async () => {
    const rows = await ledger.all(`
      SELECT source_line, tools, web_search_requests, prompt_text, started_at FROM usage_with_prompts WHERE session_id = $c ORDER BY source_line`,
      { c: C },
    );
    expect(rows).toEqual([
      { source_line: 11, tools: ['shell', 'web_search'], web_search_requests: 1, prompt_text: 'upgrade vite to v7 and fix the build', started_at: new Date('2026-10-02T16:05:54.426Z') },
      { source_line: 17, tools: ['apply_patch', 'shell'], web_search_requests: 0, prompt_text: 'upgrade vite to v7 and fix the build', started_at: new Date('2026-10-02T16:06:03.767Z') },
      { source_line: 25, tools: ['shell'], web_search_requests: 0, prompt_text: 'upgrade vite to v7 and fix the build', started_at: new Date('2026-10-02T16:06:14.009Z') },
    ]);
    const tools = await ledger.all(`SELECT t AS tool, count(*) AS responses FROM (SELECT unnest(tools) AS t FROM usage) GROUP BY ALL ORDER BY tool`);
    expect(tools).toEqual([
      { tool: 'apply_patch', responses: 4 },
      { tool: 'shell', responses: 8 },
      { tool: 'update_plan', responses: 1 },
      { tool: 'web_search', responses: 1 },
    ]);
  });

  it('adds nothing when the same folder is imported again', async () => {
    const before = await usageTotals(ledger);
    const again = await importPaths(ledger, [samples('codex')]);
    expect(again.totals).toEqual({ files: 3, rows_read: 31, imported: 0, duplicates: 31, rejected: 0, skipped: 118 });
    expect(await usageTotals(ledger)).toEqual(before);
    await expectCountsBalance(ledger, again);
  });
});

describe('codex: deltas of the cumulative total (hand-written rollouts)', () => {
  it('turns cumulative totals into per-request deltas and counts re-emissions as duplicates', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'rollout-2026-10-22T10-00-00-01a1d0a0-0000-7000-8000-000000000001.jsonl',
      jsonl(
        meta('2026-10-22T10:00:00.000Z', 'sess-delta'),
        turnContext('2026-10-22T10:00:01.000Z', 'gpt-5-codex'),
        userMessage('2026-10-22T10:00:01.100Z', 'rename the widget'),
        tokenCount('2026-10-22T10:00:01.200Z', null), // nothing counted yet
        shellCall('2026-10-22T10:00:04.000Z'),
        tokenCount('2026-10-22T10:00:04.100Z', { input: 1000, cached: 0, output: 100, reasoning: 40 }),
        tokenCount('2026-10-22T10:00:04.200Z', { input: 1000, cached: 0, output: 100, reasoning: 40 }), // re-emitted
        tokenCount('2026-10-22T10:00:09.000Z', { input: 2500, cached: 900, output: 160, reasoning: 40 }),
        turnContext('2026-10-22T10:01:00.000Z', 'gpt-5'),
        tokenCount('2026-10-22T10:01:00.100Z', { input: 2500, cached: 900, output: 160, reasoning: 40 }), // turn start
        tokenCount('2026-10-22T10:01:07.000Z', { input: 4200, cached: 2300, output: 460, reasoning: 240 }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'codex', rows_read: 5, imported: 3, duplicates: 2, rejected: 0, skipped: 6 });
    expect(await ledger.all(ROWS)).toEqual([
      { source_line: 6, model_raw: 'gpt-5-codex', input_tokens: 1000, cache_read_tokens: 0, output_tokens: 100, reasoning_tokens: 40 },
      { source_line: 8, model_raw: 'gpt-5-codex', input_tokens: 600, cache_read_tokens: 900, output_tokens: 60, reasoning_tokens: 0 },
      { source_line: 11, model_raw: 'gpt-5', input_tokens: 300, cache_read_tokens: 1400, output_tokens: 300, reasoning_tokens: 200 },
    ]);
    expect(await ledger.all('SELECT record_key, session_id, project, tools, prompt_text FROM usage_with_prompts ORDER BY source_line')).toEqual([
      { record_key: 'sess-delta:1000:0:100:40', session_id: 'sess-delta', project: 'widget', tools: ['shell'], prompt_text: 'rename the widget' },
      { record_key: 'sess-delta:2500:900:160:40', session_id: 'sess-delta', project: 'widget', tools: null, prompt_text: 'rename the widget' },
      { record_key: 'sess-delta:4200:2300:460:240', session_id: 'sess-delta', project: 'widget', tools: null, prompt_text: 'rename the widget' },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('a total that goes down starts a new count; an all-zero total is skipped', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'reset.jsonl',
      jsonl(
        meta('2026-10-22T11:00:00.000Z', 'sess-reset'),
        turnContext('2026-10-22T11:00:01.000Z', 'gpt-5-codex'),
        tokenCount('2026-10-22T11:00:01.500Z', { input: 0, output: 0 }),
        tokenCount('2026-10-22T11:00:05.000Z', { input: 5000, cached: 1000, output: 300 }),
        tokenCount('2026-10-22T11:00:09.000Z', { input: 800, cached: 0, output: 90 }), // counter restarted
        tokenCount('2026-10-22T11:00:14.000Z', { input: 2000, cached: 768, output: 150 }),
      ),
    );
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'codex', rows_read: 3, imported: 3, duplicates: 0, rejected: 0, skipped: 3 });
    expect(await ledger.all(ROWS)).toEqual([
      { source_line: 4, model_raw: 'gpt-5-codex', input_tokens: 4000, cache_read_tokens: 1000, output_tokens: 300, reasoning_tokens: 0 },
      { source_line: 5, model_raw: 'gpt-5-codex', input_tokens: 800, cache_read_tokens: 0, output_tokens: 90, reasoning_tokens: 0 },
      { source_line: 6, model_raw: 'gpt-5-codex', input_tokens: 432, cache_read_tokens: 768, output_tokens: 60, reasoning_tokens: 0 },
    ]);
  });

  it('a rollout imported mid-turn and again later adds only the new responses', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const early = [
      meta('2026-10-22T12:00:00.000Z', 'sess-grow'),
      turnContext('2026-10-22T12:00:01.000Z', 'gpt-5-codex'),
      tokenCount('2026-10-22T12:00:04.000Z', { input: 3000, output: 200 }),
    ];
    const file = writeTemp('grow.jsonl', jsonl(...early), dir);
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ rows_read: 1, imported: 1 });
    fs.writeFileSync(
      file,
      jsonl(
        ...early,
        tokenCount('2026-10-22T12:00:04.100Z', { input: 3000, output: 200 }),
        tokenCount('2026-10-22T12:00:09.000Z', { input: 6500, cached: 2944, output: 420 }),
      ),
    );
    const second = await importPaths(ledger, [file]);
    expect(outcome(second, file)).toMatchObject({ rows_read: 3, imported: 1, duplicates: 2, rejected: 0 });
    expect(await usageTotals(ledger)).toEqual({ rows: 2, requests: 2, input: 3000 + 556, cache_read: 2944, cache_write_5m: 0, cache_write_1h: 0, output: 420 });
    await expectCountsBalance(ledger, second);
  });

  it('takes the session id from the file name when there is no session_meta, and the provider from model_provider', async () => {
    const ledger = await newLedger();
    const file = writeTemp(
      'rollout-2026-10-22T13-00-00-01a1d0b0-1111-7222-8333-444455556666.jsonl',
      jsonl(turnContext('2026-10-22T13:00:01.000Z', 'gpt-oss:20b'), tokenCount('2026-10-22T13:00:04.000Z', { input: 1200, output: 80 })),
    );
    const local = writeTemp(
      'local.jsonl',
      jsonl(
        meta('2026-10-22T13:10:00.000Z', 'sess-oss', { model_provider: 'ollama' }),
        turnContext('2026-10-22T13:10:01.000Z', 'gpt-oss:20b'),
        tokenCount('2026-10-22T13:10:04.000Z', { input: 900, output: 60 }),
      ),
    );
    await importPaths(ledger, [file, local]);
    expect(await ledger.all('SELECT session_id, provider, record_key FROM usage ORDER BY session_id')).toEqual([
      { session_id: '01a1d0b0-1111-7222-8333-444455556666', provider: 'openai', record_key: '01a1d0b0-1111-7222-8333-444455556666:1200:0:80:0' },
      { session_id: 'sess-oss', provider: 'local', record_key: 'sess-oss:900:0:60:0' },
    ]);
  });
});

describe('codex: forks and subagents replay their parent', () => {
  const parentLines = [
    meta('2026-10-23T09:00:00.000Z', 'sess-parent'),
    turnContext('2026-10-23T09:00:01.000Z', 'gpt-5-codex'),
    userMessage('2026-10-23T09:00:01.100Z', 'add retries to the uploader'),
    tokenCount('2026-10-23T09:00:05.000Z', { input: 8000, cached: 0, output: 300, reasoning: 128 }),
    tokenCount('2026-10-23T09:00:12.000Z', { input: 17000, cached: 7936, output: 700, reasoning: 256 }),
  ];
  /** A fork as Codex writes it: its own session_meta, the parent's lines copied with new timestamps, then its own turn. */
  const forkOf = (id: string, copied: string[], own: string[], extra: Record<string, unknown> = {}) =>
    jsonl(
      meta('2026-10-23T10:00:00.000Z', id, { forked_from_id: 'sess-parent', ...extra }),
      ...copied.map((l, i) => JSON.stringify({ ...JSON.parse(l), timestamp: `2026-10-23T10:00:00.${String(100 + i)}Z` })),
      ...own,
    );
  const forkOwn = [
    turnContext('2026-10-23T10:00:02.000Z', 'gpt-5-codex'),
    userMessage('2026-10-23T10:00:02.100Z', 'use exponential backoff instead'),
    tokenCount('2026-10-23T10:00:02.200Z', { input: 17000, cached: 7936, output: 700, reasoning: 256 }), // inherited total
    tokenCount('2026-10-23T10:00:09.000Z', { input: 26500, cached: 7936, output: 1100, reasoning: 384 }),
  ];

  it('the parent imported after its fork takes its rows back (main chain over the sidechain copy)', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const fork = writeTemp('fork.jsonl', forkOf('sess-fork', parentLines, forkOwn), dir);
    const first = await importPaths(ledger, [fork]);
    // 2 copied responses + the re-emitted inherited total + 1 own response
    expect(outcome(first, fork)).toEqual({ format: 'codex', rows_read: 4, imported: 3, duplicates: 1, rejected: 0, skipped: 6 });
    expect(await ledger.all('SELECT session_id, is_sidechain, count(*) AS n FROM usage GROUP BY ALL')).toEqual([
      { session_id: 'sess-fork', is_sidechain: true, n: 3 },
    ]);
    const before = await usageTotals(ledger);

    const parent = writeTemp('parent.jsonl', jsonl(...parentLines), dir);
    const second = await importPaths(ledger, [parent]);
    expect(outcome(second, parent)).toEqual({ format: 'codex', rows_read: 2, imported: 2, duplicates: 0, rejected: 0, skipped: 3 });
    // the same three requests, now two of them attributed to the parent session and file
    expect(await usageTotals(ledger)).toEqual(before);
    expect(await ledger.all('SELECT session_id, is_sidechain, source_file, count(*) AS n, sum(output_tokens) AS output FROM usage GROUP BY ALL ORDER BY session_id')).toEqual([
      { session_id: 'sess-fork', is_sidechain: true, source_file: fork, n: 1, output: 400 },
      { session_id: 'sess-parent', is_sidechain: false, source_file: parent, n: 2, output: 700 },
    ]);
    expect(before).toEqual({ rows: 3, requests: 3, input: 8000 + 1064 + 9500, cache_read: 7936, cache_write_5m: 0, cache_write_1h: 0, output: 1100 });
    await expectCountsBalance(ledger, second);
  });

  it('a fork of a fork, and a subagent forked from its parent, all count the shared history once', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const parent = writeTemp('a-parent.jsonl', jsonl(...parentLines), dir);
    const forkText = forkOf('sess-fork', parentLines, forkOwn);
    const fork = writeTemp('b-fork.jsonl', forkText, dir);
    const forkLines = forkText.trim().split('\n');
    const grandchild = writeTemp(
      'c-grandchild.jsonl',
      jsonl(
        meta('2026-10-23T11:00:00.000Z', 'sess-grandchild', { forked_from_id: 'sess-fork' }),
        ...forkLines,
        tokenCount('2026-10-23T11:00:07.000Z', { input: 36000, cached: 16368, output: 1250, reasoning: 384 }),
      ),
      dir,
    );
    const subagent = writeTemp(
      'd-subagent.jsonl',
      forkOf('sess-sub', parentLines, [tokenCount('2026-10-23T10:30:05.000Z', { input: 26000, cached: 16896, output: 900, reasoning: 256 })], {
        source: { subagent: { thread_spawn: { parent_thread_id: 'sess-parent', depth: 1 } } },
      }),
      dir,
    );
    const report = await importPaths(ledger, [dir]);
    expect(outcome(report, parent)).toMatchObject({ rows_read: 2, imported: 2, duplicates: 0 });
    expect(outcome(report, fork)).toMatchObject({ rows_read: 4, imported: 1, duplicates: 3 });
    expect(outcome(report, grandchild)).toMatchObject({ rows_read: 5, imported: 1, duplicates: 4 });
    expect(outcome(report, subagent)).toMatchObject({ rows_read: 3, imported: 1, duplicates: 2 });
    expect(
      await ledger.all('SELECT session_id, agent_id, is_sidechain, input_tokens, cache_read_tokens, output_tokens FROM usage ORDER BY started_at'),
    ).toEqual([
      { session_id: 'sess-parent', agent_id: null, is_sidechain: false, input_tokens: 8000, cache_read_tokens: 0, output_tokens: 300 },
      { session_id: 'sess-parent', agent_id: null, is_sidechain: false, input_tokens: 1064, cache_read_tokens: 7936, output_tokens: 400 },
      { session_id: 'sess-fork', agent_id: null, is_sidechain: true, input_tokens: 9500, cache_read_tokens: 0, output_tokens: 400 },
      // a thread-spawned subagent: its session is the parent thread, its agent id its own
      { session_id: 'sess-parent', agent_id: 'sess-sub', is_sidechain: true, input_tokens: 40, cache_read_tokens: 8960, output_tokens: 200 },
      { session_id: 'sess-grandchild', agent_id: null, is_sidechain: true, input_tokens: 1068, cache_read_tokens: 8432, output_tokens: 150 },
    ]);
    await expectCountsBalance(ledger, report);
  });

  it('a fork that did not copy the parent session_meta is rooted at its forked_from_id', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const parent = writeTemp('parent.jsonl', jsonl(...parentLines), dir);
    const fork = writeTemp('fork.jsonl', forkOf('sess-fork', parentLines.slice(1), forkOwn), dir);
    const report = await importPaths(ledger, [parent, fork]);
    expect(outcome(report, fork)).toMatchObject({ rows_read: 4, imported: 1, duplicates: 3 });
    expect((await usageTotals(ledger)).rows).toBe(3);
  });
});

describe('codex: bad lines', () => {
  it('rejects the cut-off line 5 and the non-numeric total on line 7 of test/fixtures/codex/bad-lines.jsonl', async () => {
    const ledger = await newLedger();
    const file = fixtures('codex', 'bad-lines.jsonl');
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, file)).toEqual({ format: 'codex', rows_read: 5, imported: 3, duplicates: 0, rejected: 2, skipped: 3 });
    // the delta after a rejected event spans it: the cumulative total says what happened in between
    expect(await ledger.all(ROWS)).toEqual([
      { source_line: 4, model_raw: 'gpt-5-codex', input_tokens: 9650, cache_read_tokens: 0, output_tokens: 240, reasoning_tokens: 128 },
      { source_line: 6, model_raw: 'gpt-5-codex', input_tokens: 860, cache_read_tokens: 9600, output_tokens: 272, reasoning_tokens: 128 },
      { source_line: 8, model_raw: 'gpt-5-codex', input_tokens: 612, cache_read_tokens: 10_368, output_tokens: 286, reasoning_tokens: 64 },
    ]);
    const rejects = await ledger.all<{ source_line: number; format: string; reason: string; raw: string }>(
      'SELECT source_line, format, reason, raw FROM rejects ORDER BY source_line',
    );
    const text = fs.readFileSync(file, 'utf8').split('\n');
    expect(rejects.map((r) => [r.source_line, r.format, r.raw])).toEqual([
      [5, 'codex', text[4]],
      [7, 'codex', text[6]],
    ]);
    expect(rejects[0].reason).toMatch(/JSON/);
    expect(rejects[1].reason).toMatch(/not a number/);
    await expectCountsBalance(ledger, report);
  });
});

describe('codex: detection and folders', () => {
  it('detects every sample rollout, and a rollout whose session_meta is longer than the head', () => {
    for (const f of [fileA, fileB, fileC]) expect(detectImporter(f)?.id).toBe('codex');
    const long = writeTemp(
      'long.jsonl',
      jsonl(meta('2026-10-22T10:00:00.000Z', 'sess-long', { base_instructions: { text: 'You are Codex. '.repeat(30_000) } }), tokenCount('2026-10-22T10:00:04.000Z', null)),
    );
    expect(detectImporter(long)?.id).toBe('codex');
  });

  it('codexSessionDirs lists $CODEX_HOME/sessions and archived_sessions that exist', () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'sessions'));
    expect(codexSessionDirs({ CODEX_HOME: home })).toEqual([path.join(home, 'sessions')]);
    fs.mkdirSync(path.join(home, 'archived_sessions'));
    expect(codexSessionDirs({ CODEX_HOME: home })).toEqual([path.join(home, 'sessions'), path.join(home, 'archived_sessions')]);
  });

  it('codexSessionDirs defaults to ~/.codex', () => {
    const user = tempDir();
    fs.mkdirSync(path.join(user, '.codex', 'archived_sessions'), { recursive: true });
    expect(codexSessionDirs({ HOME: user })).toEqual([path.join(user, '.codex', 'archived_sessions')]);
    expect(codexSessionDirs({ HOME: user, CODEX_HOME: '' })).toEqual([path.join(user, '.codex', 'archived_sessions')]);
  });

  it('codexSessionDirs without any session folder is a RecountError naming where it looked', () => {
    const home = tempDir();
    let err: unknown;
    try {
      codexSessionDirs({ CODEX_HOME: home });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecountError);
    expect((err as RecountError).message).toContain(path.join(home, 'sessions'));
    expect((err as RecountError).hint).toMatch(/CODEX_HOME/);
  });

  it('the sample folders import through codexSessionDirs', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, codexSessionDirs({ CODEX_HOME: samples('codex') }));
    expect(report.totals).toMatchObject({ files: 3, imported: 17, duplicates: 14 });
  });
});
