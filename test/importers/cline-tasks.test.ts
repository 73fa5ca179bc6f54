import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { clineTaskFiles } from '../../src/importers/cline-tasks/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// Cline / Roo Code / Kilo Code task logs: ui_messages.json, the whole message list rewritten on each
// change; one api_req_started message per request, its text JSON with the request's counts.

const CLINE_TASK = '1773136800000';
const ROO_TASK = 'b6f1c0de-3a2e-4d5f-9c8b-7a6e5d4c3b2a';
const KILO_TASK = '4e9d2b71-8c3a-4f0e-b5d6-1a2b3c4d5e6f';
const log = (ext: string, task: string) => samples('cline', ext, 'tasks', task, 'ui_messages.json');

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
    const report = await importPaths(ledger, [samples('cline')]);
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
    const again = await importPaths(ledger, [samples('cline')]);
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
