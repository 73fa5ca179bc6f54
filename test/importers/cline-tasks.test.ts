import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { clineSessionFiles, clineTaskFiles } from '../../src/importers/cline-tasks/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// Cline / Roo Code / Kilo Code task logs: ui_messages.json, the whole message list rewritten on each
// change; one api_req_started message per request, its text JSON with the request's counts.

const CLINE_TASK = '1773136800000';
const ROO_TASK = 'b6f1c0de-3a2e-4d5f-9c8b-7a6e5d4c3b2a';
const KILO_TASK = '4e9d2b71-8c3a-4f0e-b5d6-1a2b3c4d5e6f';
const log = (ext: string, task: string) => samples('cline', ext, 'tasks', task, 'ui_messages.json');
const taskSamples = () => ['kilocode.kilo-code', 'rooveterinaryinc.roo-cline', 'saoudrizwan.claude-dev'].map((ext) => samples('cline', ext));

type Msg = Record<string, unknown>;
const say = (ts: number, kind: string, text: string, extra: Msg = {}): Msg => ({ ts, type: 'say', say: kind, text, ...extra });
const request = (ts: number, info: Msg, extra: Msg = {}) => say(ts, 'api_req_started', JSON.stringify(info), extra);

/** Writes a task folder under <root>/<extension id>/tasks/<task>/ with its ui_messages.json and any other files. */
function writeTask(root: string, ext: string, task: string, messages: Msg[], others: Record<string, unknown> = {}): string {
  const dir = path.join(root, ext, 'tasks', task);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(others)) fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
  const file = path.join(dir, 'ui_messages.json');
  fs.writeFileSync(file, JSON.stringify(messages));
  return file;
}

describe('Cline, Roo Code and Kilo Code task logs', () => {
  it('is detected by content; the task folder’s other files are not logs', () => {
    for (const [ext, task] of [['saoudrizwan.claude-dev', CLINE_TASK], ['rooveterinaryinc.roo-cline', ROO_TASK], ['kilocode.kilo-code', KILO_TASK]]) {
      expect(detectImporter(log(ext, task))?.id).toBe('cline-tasks');
    }
    const dir = tempDir();
    const history = path.join(dir, 'api_conversation_history.json');
    fs.writeFileSync(history, JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'hi' }], ts: 1 }]));
    expect(detectImporter(history)).toBeUndefined();
  });

  it('imports the sample with each writer’s tokensIn convention turned into disjoint buckets', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, taskSamples());
    await expectCountsBalance(ledger, report);
    expect(report.warnings).toEqual([]);
    // Cline: 3 + 5 + (21000 − 16384) in; Roo (whole prompt): 24100−24090, 25400−24090−1290, 9000−8000; Kilo before 4.119 (rest): 12 + 8
    expect(await usageTotals(ledger)).toEqual({ rows: 8, requests: 8, input: 5674, cache_read: 81708, cache_write_5m: 61625, cache_write_1h: 0, output: 3168 });
    expect(outcome(report, log('saoudrizwan.claude-dev', CLINE_TASK))).toMatchObject({ format: 'cline-tasks', rows_read: 3, imported: 3, rejected: 0, skipped: 7 });
    const rows = await ledger.all<Record<string, unknown>>(
      'SELECT source, session_id, provider, model_raw, input_tokens::INTEGER AS input, tools, status, billed_cost_usd FROM usage ORDER BY started_at',
    );
    expect(rows.map((r) => r.source)).toEqual(['kilo-code', 'kilo-code', 'cline', 'cline', 'cline', 'roo-code', 'roo-code', 'roo-code']);
    expect(rows[2]).toEqual({ source: 'cline', session_id: CLINE_TASK, provider: 'anthropic', model_raw: 'claude-sonnet-4-5-20250929', input: 3, tools: ['readFile'], status: 'ok', billed_cost_usd: 0.0746 });
    expect(rows[3].tools).toEqual(['execute_command']); // the command ran after the second request; the cancelled third has no counts
    expect(rows[4]).toMatchObject({ provider: 'openai', model_raw: 'qwen3-coder-30b', input: 4616, tools: ['mcp__github__create_pull_request'] });
    expect(rows[5]).toMatchObject({ session_id: ROO_TASK, input: 10, tools: ['appliedDiff'], model_raw: null });
    const again = await importPaths(ledger, taskSamples());
    expect(again.totals).toMatchObject({ imported: 0, duplicates: 8 });
  });

  it('takes the model from the task’s metadata (Cline) or its prompts (Roo), and the project from its workspace', async () => {
    const root = tempDir();
    const t = Date.parse('2026-05-04T09:00:00Z');
    writeTask(root, 'saoudrizwan.claude-dev', String(t), [
      say(t, 'task', 'go'),
      request(t + 1000, { tokensIn: 10, tokensOut: 5, cacheReads: 0, cacheWrites: 100 }),
      request(t + 9000, { tokensIn: 20, tokensOut: 6, cacheReads: 100, cacheWrites: 0 }),
    ], {
      'task_metadata.json': { files_in_context: [], model_usage: [
        { ts: t + 1500, model_id: 'claude-opus-4-1', model_provider_id: 'anthropic', mode: 'plan' },
        { ts: t + 9500, model_id: 'claude-haiku-4-5', model_provider_id: 'anthropic', mode: 'act' },
      ] },
      'api_conversation_history.json': [{ role: 'user', content: [{ type: 'text', text: '<environment_details>\n# Current Working Directory (/home/dev/acme-api) Files\n</environment_details>' }] }],
    });
    writeTask(root, 'rooveterinaryinc.roo-cline', 'roo-1', [
      say(t, 'task', 'go'),
      request(t + 1000, { apiProtocol: 'openai', tokensIn: 1000, tokensOut: 5, cacheReads: 600, cacheWrites: 0 }),
      request(t + 5000, { apiProtocol: 'openai', tokensIn: 1500, tokensOut: 5, cacheReads: 1000, cacheWrites: 0 }),
    ], {
      'api_conversation_history.json': [
        { role: 'user', ts: t + 1100, content: [{ type: 'text', text: '<environment_details>\n<model>openai/gpt-5-mini</model>\n</environment_details>' }] },
        { role: 'assistant', ts: t + 3000, content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', ts: t + 5100, content: [{ type: 'text', text: '<model>openai/gpt-5</model>' }] },
      ],
      'history_item.json': { id: 'roo-1', workspace: '/home/dev/site/', ts: t },
    });
    const ledger = await newLedger();
    const report = await importPaths(ledger, [path.join(root, 'saoudrizwan.claude-dev', 'tasks', String(t), 'ui_messages.json'), path.join(root, 'rooveterinaryinc.roo-cline', 'tasks', 'roo-1', 'ui_messages.json')]);
    await expectCountsBalance(ledger, report);
    const rows = await ledger.all('SELECT source, model_raw, provider, project, input_tokens::INTEGER AS input FROM usage ORDER BY source, started_at');
    expect(rows).toEqual([
      { source: 'cline', model_raw: 'claude-opus-4-1', provider: 'anthropic', project: 'acme-api', input: 10 },
      { source: 'cline', model_raw: 'claude-haiku-4-5', provider: 'anthropic', project: 'acme-api', input: 20 },
      { source: 'roo-code', model_raw: 'openai/gpt-5-mini', provider: null, project: 'site', input: 400 },
      { source: 'roo-code', model_raw: 'openai/gpt-5', provider: null, project: 'site', input: 500 },
    ]);
  });

  it('rejects a request whose text, time, counts or cost do not read, with its place in the list; a cut-off file is one reject', async () => {
    const root = tempDir();
    const t = Date.parse('2026-05-04T09:00:00Z');
    const file = writeTask(root, 'rooveterinaryinc.roo-cline', 'roo-2', [
      say(t, 'task', 'go'),
      say(t + 1, 'api_req_started', '{"tokensIn": 12, "tokensOut"'),
      request(t + 2, { apiProtocol: 'anthropic', tokensIn: -4, tokensOut: 1 }),
      request(t + 3, { apiProtocol: 'anthropic', tokensIn: 'lots', tokensOut: 1 }),
      request(t + 4, { apiProtocol: 'anthropic', tokensIn: 100, tokensOut: 1, cost: 'free' }),
      { ...request(0, { apiProtocol: 'anthropic', tokensIn: 100, tokensOut: 1 }), ts: 'yesterday' },
      request(t + 6, { apiProtocol: 'anthropic', tokensIn: 0, tokensOut: 0, cacheReads: 0, cacheWrites: 0 }), // nothing billed: skipped
      request(t + 7, { apiProtocol: 'anthropic', tokensIn: 300, tokensOut: 7, cacheReads: 200, cacheWrites: 50 }),
    ]);
    const cut = writeTask(root, 'kilocode.kilo-code', 'kilo-2', []);
    fs.writeFileSync(cut, JSON.stringify([say(t, 'task', 'go'), request(t + 1, { tokensIn: 1, tokensOut: 1 })]).slice(0, 120));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file, cut]);
    await expectCountsBalance(ledger, report);
    expect(outcome(report, file)).toMatchObject({ imported: 1, rejected: 5 });
    const rejects = await ledger.all('SELECT source_file, source_line::INTEGER AS line, reason FROM rejects ORDER BY source_file DESC, source_line');
    expect(rejects).toEqual([
      { source_file: file, line: 2, reason: 'api_req_started text is not a JSON object' },
      { source_file: file, line: 3, reason: 'tokensIn=-4 is not a plausible token count' },
      { source_file: file, line: 4, reason: 'a token count is not a number' },
      { source_file: file, line: 5, reason: 'cost is not a number (free)' },
      { source_file: file, line: 6, reason: 'ts is missing or not epoch milliseconds (yesterday)' },
      { source_file: cut, line: 1, reason: 'not valid JSON (a truncated or corrupted file or message)' },
    ]);
    // 300 − 200 − 50 (Roo since 3.29.5: the whole prompt)
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 50, cache_read: 200, cache_write_5m: 50, output: 7 });
  });

  it('finds task logs in every editor’s global storage and Cline’s own folder, honouring $VSCODE_APPDATA and $CLINE_DATA_DIR', () => {
    const home = tempDir();
    const t = 1773136800000;
    const task = [say(t, 'task', 'go'), request(t + 1, { tokensIn: 1, tokensOut: 1 })];
    const a = writeTask(path.join(home, '.config', 'Code', 'User', 'globalStorage'), 'saoudrizwan.claude-dev', 't1', task);
    const b = writeTask(path.join(home, '.config', 'Cursor', 'User', 'globalStorage'), 'kilocode.kilo-code', 't2', task);
    const c = writeTask(path.join(home, '.cline'), 'data', 't3', task);
    fs.writeFileSync(path.join(path.dirname(c), 'api_conversation_history.json'), '[]'); // beside a log: not listed
    fs.mkdirSync(path.join(home, '.cline', 'data', 'tasks', 'empty')); // a task with no log yet
    expect(clineTaskFiles({ HOME: home })).toEqual([a, b, c]);
    const appData = tempDir();
    const d = writeTask(path.join(appData, 'VSCodium', 'User', 'globalStorage'), 'rooveterinaryinc.roo-cline', 't4', task);
    const data = tempDir();
    const e = writeTask(data, '', 't5', task);
    expect(clineTaskFiles({ HOME: home, VSCODE_APPDATA: appData, CLINE_DATA_DIR: data })).toEqual([d, e]);
    expect(clineTaskFiles({ HOME: tempDir() })).toEqual([]);
  });
});

// Cline's SDK sessions (the CLI, and the extension since 4.1): <sessions>/<root id>/<stem>.messages.json,
// the whole message list rewritten on each change; each model call's usage stamped on its assistant
// message as metrics {inputTokens (cache included), outputTokens, cacheReadTokens, cacheWriteTokens, cost}.

const ROOT = '1773482400000_k3J9x';
const sessionDir = () => samples('cline', 'sessions', ROOT);
const lead = () => path.join(sessionDir(), `${ROOT}.messages.json`);
const sub = () => path.join(sessionDir(), 'agent_7fQ2m.messages.json');

type Metrics = { inputTokens: unknown; outputTokens: unknown; cacheReadTokens?: unknown; cacheWriteTokens?: unknown; cost?: unknown };
const turn = (id: string, ts: unknown, metrics: Metrics | string, extra: Msg = {}): Msg =>
  ({ id, role: 'assistant', content: [{ type: 'text', text: 'ok' }], modelInfo: { id: 'claude-sonnet-4-5', provider: 'anthropic' }, metrics, ts, ...extra });

/** Writes <sessions>/<root>/<stem>.messages.json as the SDK does (pretty-printed), with the manifest when given. */
function writeSession(sessions: string, root: string, stem: string, agent: string, messages: Msg[], manifest?: Msg): string {
  const dir = path.join(sessions, root);
  fs.mkdirSync(dir, { recursive: true });
  if (manifest) fs.writeFileSync(path.join(dir, `${root}.json`), JSON.stringify({ version: 1, session_id: root, ...manifest }, null, 2));
  const file = path.join(dir, `${stem}.messages.json`);
  fs.writeFileSync(file, JSON.stringify({ version: 1, updated_at: '2026-05-04T09:10:00.000Z', agent, sessionId: root, messages }, null, 2));
  return file;
}

describe('Cline SDK sessions', () => {
  it('is detected by content; the session’s manifest is not a log', () => {
    expect(detectImporter(lead())?.id).toBe('cline-sessions');
    expect(detectImporter(sub())?.id).toBe('cline-sessions');
    const dir = tempDir();
    const manifest = path.join(dir, 'x.json');
    fs.writeFileSync(manifest, JSON.stringify({ version: 1, session_id: 'x', source: 'cli', started_at: '2026-05-04T09:00:00Z', status: 'completed' }, null, 2));
    expect(detectImporter(manifest)).toBeUndefined();
  });

  it('imports the sample: inputTokens less its cache reads and writes, a subagent’s file as a sidechain of the root session', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('cline', 'sessions')]);
    await expectCountsBalance(ledger, report);
    expect(report.warnings).toEqual([]);
    // lead: 14210 − 14190, 15890 − 14190 − 1650, 16400 − 15840 − 520; subagent: 3200 − 3180, 3650 − 3180 − 430
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 170, cache_read: 33210, cache_write_5m: 19970, cache_write_1h: 0, output: 1300 });
    // the user and tool-result messages, and the final answer the SDK stamped no metrics on
    expect(outcome(report, lead())).toMatchObject({ format: 'cline-sessions', rows_read: 3, imported: 3, rejected: 0, skipped: 5 });
    expect(outcome(report, sub())).toMatchObject({ format: 'cline-sessions', rows_read: 2, imported: 2, rejected: 0, skipped: 2 });
    const rows = await ledger.all<Record<string, unknown>>(
      `SELECT record_key, source, session_id, agent_id, is_sidechain, provider, model_raw, input_tokens::INTEGER AS input, tools, billed_cost_usd,
              strftime(started_at, '%Y-%m-%dT%H:%M:%S.%g') AS started FROM usage ORDER BY started_at`,
    );
    expect(rows.map((r) => [r.agent_id, r.tools])).toEqual([
      [null, ['read_files']],
      [null, ['editor', 'spawn_agent']],
      ['agent_7fQ2m', ['search_codebase']],
      ['agent_7fQ2m', null],
      [null, ['run_commands']],
    ]);
    expect(rows[0]).toEqual({
      record_key: `${ROOT}:${ROOT}:a4Lm9QeR2sTn6UvW8xYzB`, source: 'cline', session_id: ROOT, agent_id: null, is_sidechain: false, provider: 'anthropic',
      model_raw: 'claude-sonnet-4-5-20250929', input: 20, tools: ['read_files'], billed_cost_usd: 0.0582, started: '2026-03-14T10:00:09.800',
    });
    expect(rows[2]).toMatchObject({ session_id: ROOT, is_sidechain: true, model_raw: 'claude-haiku-4-5-20251001', input: 20 });
    const again = await importPaths(ledger, [samples('cline', 'sessions')]);
    expect(again.totals).toMatchObject({ imported: 0 });
  });

  it('counts each call once when the SDK rewrites the file with more messages, or compacts the old ones away', async () => {
    const sessions = tempDir();
    const t = Date.parse('2026-05-04T09:00:00Z');
    const first = [turn('m1', t + 1000, { inputTokens: 500, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 480, cost: 0.01 })];
    const file = writeSession(sessions, 's1', 's1', 'lead', first);
    const ledger = await newLedger();
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ imported: 1 });
    const second = turn('m2', t + 5000, { inputTokens: 600, outputTokens: 30, cacheReadTokens: 480, cacheWriteTokens: 100, cost: 0.002 });
    writeSession(sessions, 's1', 's1', 'lead', [...first, { id: 'u2', role: 'user', content: 'more', ts: t + 4000 }, second]);
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ imported: 1, duplicates: 1 });
    writeSession(sessions, 's1', 's1', 'lead', [{ id: 'c1', role: 'user', content: 'summary of the conversation so far', ts: t + 6000 }, second]);
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ imported: 0, duplicates: 1 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 40, cache_read: 480, cache_write_5m: 580, output: 50 });
  });

  it('takes the model and project from the manifest, and an inputTokens below its cache counts as the uncached rest', async () => {
    const sessions = tempDir();
    const t = Date.parse('2026-05-04T09:00:00Z');
    writeSession(sessions, 's2', 's2', 'lead', [
      turn('m1', t + 1000, { inputTokens: 12, outputTokens: 40, cacheReadTokens: 9000, cacheWriteTokens: 300 }, { modelInfo: undefined }),
      turn('m2', t + 2000, { inputTokens: 2000, outputTokens: 10, cacheReadTokens: 1500, cacheWriteTokens: 0 }, { modelInfo: { id: 'gpt-5', provider: 'openai-native' } }),
    ], { cwd: '/home/dev/acme-api/src', workspace_root: '/home/dev/acme-api', provider: 'claude-code', model: 'claude-opus-4-1' });
    const ledger = await newLedger();
    await expectCountsBalance(ledger, await importPaths(ledger, [sessions]));
    expect(await ledger.all('SELECT provider, model_raw, project, input_tokens::INTEGER AS input, is_sidechain FROM usage ORDER BY started_at')).toEqual([
      { provider: 'anthropic', model_raw: 'claude-opus-4-1', project: 'acme-api', input: 12, is_sidechain: false },
      { provider: 'openai', model_raw: 'gpt-5', project: 'acme-api', input: 500, is_sidechain: false },
    ]);
  });

  it('rejects a call whose metrics, ts or counts do not read, at its place in the list; a cut-off file is one reject', async () => {
    const sessions = tempDir();
    const t = Date.parse('2026-05-04T09:00:00Z');
    const file = writeSession(sessions, 's3', 's3', 'lead', [
      { id: 'u1', role: 'user', content: 'go', ts: t },
      turn('m1', t + 1, 'lots'),
      turn('m2', t + 2, { inputTokens: -4, outputTokens: 1 }),
      turn('m3', t + 3, { inputTokens: 'many', outputTokens: 1 }),
      turn('m4', 'yesterday', { inputTokens: 10, outputTokens: 1 }),
      turn('m5', t + 5, { inputTokens: 10, outputTokens: 1, cost: 'free' }),
      turn('m6', t + 6, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }), // nothing billed: skipped
      turn('m7', t + 7, { inputTokens: 300, outputTokens: 7, cacheReadTokens: 200, cacheWriteTokens: 50 }),
    ]);
    const cut = writeSession(sessions, 's4', 's4', 'lead', [turn('m1', t, { inputTokens: 1, outputTokens: 1 })]);
    fs.writeFileSync(cut, fs.readFileSync(cut, 'utf8').slice(0, 200));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file, cut]);
    await expectCountsBalance(ledger, report);
    expect(outcome(report, file)).toMatchObject({ imported: 1, rejected: 5 });
    expect(await ledger.all('SELECT source_file, source_line::INTEGER AS line, reason FROM rejects ORDER BY source_file, source_line')).toEqual([
      { source_file: file, line: 2, reason: 'metrics is not a JSON object' },
      { source_file: file, line: 3, reason: 'inputTokens=-4 is not a plausible token count' },
      { source_file: file, line: 4, reason: 'metrics: a token count is missing or not a number' },
      { source_file: file, line: 5, reason: 'ts is missing or not epoch milliseconds (yesterday)' },
      { source_file: file, line: 6, reason: 'cost is not a number (free)' },
      { source_file: cut, line: 1, reason: 'not valid JSON (a truncated or corrupted file or message)' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 50, cache_read: 200, cache_write_5m: 50, output: 7 });
  });

  it('finds the messages files under $CLINE_SESSION_DATA_DIR, $CLINE_DATA_DIR/sessions or ~/.cline/data/sessions', () => {
    const home = tempDir();
    const sessions = path.join(home, '.cline', 'data', 'sessions');
    const a = writeSession(sessions, 's1', 's1', 'lead', [], { cwd: '/w' }); // the manifest beside it: not listed
    const b = writeSession(sessions, 's1', 'agent_x', 'subagent', []);
    fs.writeFileSync(path.join(sessions, 'sessions.index.json'), '{"version": 1, "sessions": {}}');
    fs.writeFileSync(path.join(sessions, 's1', 's1.compaction.json'), '{}');
    expect(clineSessionFiles({ HOME: home })).toEqual([b, a]);
    const data = tempDir();
    const c = writeSession(path.join(data, 'sessions'), 's2', 's2', 'lead', []);
    expect(clineSessionFiles({ HOME: home, CLINE_DATA_DIR: data })).toEqual([c]);
    const own = tempDir();
    const d = writeSession(own, 's3', 's3', 'lead', []);
    expect(clineSessionFiles({ HOME: home, CLINE_DATA_DIR: data, CLINE_SESSION_DATA_DIR: own })).toEqual([d]);
    expect(clineSessionFiles({ HOME: tempDir() })).toEqual([]);
  });
});
