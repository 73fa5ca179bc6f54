import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, priceLedger, samples, tempDir } from '../helpers.js';
import { configAliases } from '../../src/importers/kimi-cli/aliases.js';
import { kimiCliDirs, kimiDefaultModel } from '../../src/importers/kimi-cli/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, usageTotals } from './util.js';

// Kimi CLI wire logs in both protocols: the Python CLI's StatusUpdate.token_usage (unix seconds) and
// Kimi Code's usage.record lines (milliseconds), where an ordinary step is also logged as step.end.

const share = samples('kimi-cli', 'kimi-home');
const code = samples('kimi-cli', 'kimi-code-home');
const SID = '8c1e4a7b-2d5f-4b9e-a3c6-1f0e2d4b6a89';
const oldMain = path.join(share, 'sessions', '0d3c5e7a9b1f2d4c6e8a0b2c4d6e8f1a', SID, 'wire.jsonl');
const newMain = path.join(code, 'sessions', 'wd_recount_4be1c0a9d2f3', 'session_61f0c2d8', 'agents', 'main', 'wire.jsonl');

function wire(lines: unknown[], home = tempDir()): string {
  const file = path.join(home, 'sessions', 'wd_x', 'session_t', 'agents', 'main', 'wire.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

describe('Kimi CLI wire logs', () => {
  it('is detected by content in both protocols', () => {
    expect(detectImporter(oldMain)?.id).toBe('kimi-cli');
    expect(detectImporter(newMain)?.id).toBe('kimi-cli');
    const noMetadata = wire(['{"timestamp": 1777800003.6, "message": {"type": "StatusUpdate", "payload": {}}}']);
    expect(detectImporter(noMetadata)?.id).toBe('kimi-cli');
  });

  it('imports both protocols with exact buckets, each request once', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('kimi-cli')]);
    await expectCountsBalance(ledger, report);
    // older: 1562/6144/210, 402/7680/655 (sent twice), subagent 3310/0/120; newer: 2048/9216/96, 512/11264/388,
    // the compaction call 11776/0/640, subagent 4100/0/77; step.end and the session-scope record are not requests
    expect(await usageTotals(ledger)).toEqual({ rows: 7, requests: 7, input: 23710, cache_read: 34304, cache_write_5m: 0, cache_write_1h: 0, output: 2186 });
    expect(report.totals).toMatchObject({ imported: 7, duplicates: 1, rejected: 0 });
    const rows = await ledger.all<Record<string, unknown>>(
      "SELECT strftime(started_at, '%Y-%m-%d %H:%M:%S.%g') AS at, session_id, agent_id, is_sidechain, project, model_raw, tools FROM usage ORDER BY started_at",
    );
    expect(rows).toEqual([
      { at: '2026-05-03 09:20:03.610', session_id: SID, agent_id: null, is_sidechain: false, project: '0d3c5e7a9b1f2d4c6e8a0b2c4d6e8f1a', model_raw: 'kimi-for-coding', tools: ['ReadFile'] },
      { at: '2026-05-03 09:20:05.800', session_id: SID, agent_id: 'coder-1', is_sidechain: true, project: '0d3c5e7a9b1f2d4c6e8a0b2c4d6e8f1a', model_raw: 'kimi-for-coding', tools: ['Grep'] },
      { at: '2026-05-03 09:20:09.950', session_id: SID, agent_id: null, is_sidechain: false, project: '0d3c5e7a9b1f2d4c6e8a0b2c4d6e8f1a', model_raw: 'kimi-for-coding', tools: ['StrReplaceFile'] },
      { at: '2026-05-10 08:00:03.100', session_id: 'session_61f0c2d8', agent_id: null, is_sidechain: false, project: 'wd_recount_4be1c0a9d2f3', model_raw: 'kimi-k2-0905-preview', tools: ['Grep'] },
      // the subagent's log maps no alias: the main agent's llm.request does
      { at: '2026-05-10 08:00:05.200', session_id: 'session_61f0c2d8', agent_id: 'agent-0', is_sidechain: true, project: 'wd_recount_4be1c0a9d2f3', model_raw: 'kimi-k2-0905-preview', tools: ['ReadFile'] },
      { at: '2026-05-10 08:00:06.000', session_id: 'session_61f0c2d8', agent_id: null, is_sidechain: false, project: 'wd_recount_4be1c0a9d2f3', model_raw: 'kimi-k2-0905-preview', tools: null },
      { at: '2026-05-10 08:00:09.000', session_id: 'session_61f0c2d8', agent_id: null, is_sidechain: false, project: 'wd_recount_4be1c0a9d2f3', model_raw: 'kimi-k2-0905-preview', tools: null },
    ]);
    const again = await importPaths(ledger, [samples('kimi-cli')]);
    expect(again.totals.imported).toBe(0);
  });

  it('rejects a malformed line, an impossible count and a missing time, each with its line', async () => {
    const rec = (extra: Record<string, unknown>, usage: Record<string, unknown> = {}) => ({ type: 'usage.record', time: 1778400000000, model: 'kimi-k2', usageScope: 'turn', usage: { inputOther: 100, output: 10, inputCacheRead: 50, inputCacheCreation: 0, ...usage }, ...extra });
    const file = wire([
      { type: 'metadata', time: 1778400000000, protocol_version: '1.5' },
      rec({}),
      '{"type":"usage.record","time":17784',
      rec({}, { output: -3 }),
      rec({ time: undefined }),
      rec({}, { inputOther: 'x' }),
      { timestamp: 'noon', message: { type: 'StatusUpdate', payload: { token_usage: { input_other: 1, output: 1 }, message_id: 'm' } } },
    ]);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    const rejects = await ledger.all<{ source_line: number; reason: string }>('SELECT source_line::INTEGER AS source_line, reason FROM rejects ORDER BY source_line');
    expect(rejects).toEqual([
      { source_line: 3, reason: 'not valid JSON (a truncated or corrupted line)' },
      { source_line: 4, reason: 'output=-3 is not a plausible token count' },
      { source_line: 5, reason: 'time is missing or not a time (none)' },
      { source_line: 6, reason: 'token usage: input_other or output is missing, or a count is not a number' },
      { source_line: 7, reason: 'timestamp is missing or not a time (noon)' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 100, cache_read: 50, output: 10 });
  });

  it('counts a block of usage records written twice once, as duplicates, and keeps the first copy’s lines', async () => {
    const rec = (time: number, inputOther: number) => ({ type: 'usage.record', time, model: 'kimi-k2', usageScope: 'turn', usage: { inputOther, output: 10, inputCacheRead: 0, inputCacheCreation: 0 } });
    const block = [rec(1778400001000, 100), { type: 'context.append_loop_event', event: { type: 'tool.call', name: 'Grep' } }, rec(1778400002000, 200)];
    // the same step twice in a row but at another time is a new request: only identical lines repeat
    const file = wire([{ type: 'metadata', protocol_version: '1.5' }, ...block, ...block, rec(1778400003000, 100)]);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    expect(report.totals).toMatchObject({ imported: 3, duplicates: 2, rejected: 0 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 3, input: 400, output: 30 });
    const lines = await ledger.all<{ line: number }>('SELECT source_line::INTEGER AS line FROM usage ORDER BY line');
    expect(lines.map((r) => r.line)).toEqual([2, 4, 8]);
  });

  it('counts a block written again after the file grew once, when the copy comes in a later import', async () => {
    // a grown wire log is read in full (kimi-cli has no resume rule), so the copy finds its first line
    const rec = (time: number, inputOther: number) => ({ type: 'usage.record', time, model: 'kimi-k2', usageScope: 'turn', usage: { inputOther, output: 10, inputCacheRead: 0, inputCacheCreation: 0 } });
    const block = [rec(1778400001000, 100), rec(1778400002000, 200)];
    const file = wire([{ type: 'metadata', protocol_version: '1.5' }, ...block]);
    const ledger = await newLedger();
    await importPaths(ledger, [file]);
    fs.appendFileSync(file, [...block, rec(1778400003000, 400)].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const grown = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, grown);
    expect(grown.totals).toMatchObject({ imported: 1, rejected: 0 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 3, input: 700, output: 30 });
  });

  it('resolves a subagent’s model alias from the main agent’s requests, else from config.toml, and prices it', async () => {
    const home = tempDir();
    const at = (agent: string, session = 'session_a') => path.join(home, 'sessions', 'wd_shop', session, 'agents', agent, 'wire.jsonl');
    const write = (file: string, lines: unknown[]) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    };
    const meta = { type: 'metadata', time: 1778400000000, protocol_version: '1.5' };
    const usage = (time: number, model: string, inputOther: number, output: number, inputCacheRead = 0) => ({ type: 'usage.record', time, model, usageScope: 'turn', usage: { inputOther, output, inputCacheRead, inputCacheCreation: 0 } });
    const request = (time: number, alias: string, model: string) => ({ type: 'llm.request', time, kind: 'loop', provider: 'managed:kimi-code', model, modelAlias: alias });
    write(at('main'), [meta, request(1778400001000, 'kimi-code/k2', 'kimi-k2-0711-preview'), request(1778400002000, 'kimi-code/k2', 'kimi-k2-0905-preview'), usage(1778400002500, 'kimi-code/k2', 1000, 100, 4000)]);
    write(at('agent-0'), [meta, usage(1778400003000, 'kimi-code/k2', 300, 30, 600)]); // no llm.request of its own
    write(at('agent-1'), [meta, request(1778400004000, 'kimi-code/turbo', 'kimi-k2-turbo-preview'), usage(1778400004500, 'kimi-code/turbo', 70, 7)]);
    write(at('agent-0', 'session_b'), [meta, usage(1778400005000, 'kimi-code/k3', 50, 5), usage(1778400006000, 'kimi-code/unknown', 20, 2)]); // its session maps neither
    fs.writeFileSync(path.join(home, 'config.toml'), 'default_model = "kimi-code/k3"\n\n[models."kimi-code/k3"]\nprovider = "managed:kimi-code"\nmodel = "kimi-k2-thinking"\nmax_context_size = 262144\n');
    const ledger = await newLedger();
    const report = await importPaths(ledger, [path.join(home, 'sessions')]);
    await expectCountsBalance(ledger, report);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 5, input: 1440, cache_read: 4600, output: 144 });
    await priceLedger(ledger);
    const rows = await ledger.all<Record<string, unknown>>(
      "SELECT session_id, agent_id, model_raw, tags->>'model_alias' AS alias, input_tokens::INTEGER AS input, cache_read_tokens::INTEGER AS cache_read, output_tokens::INTEGER AS output, list_cost_usd > 0 AS priced FROM usage_priced ORDER BY started_at",
    );
    expect(rows).toEqual([
      { session_id: 'session_a', agent_id: null, model_raw: 'kimi-k2-0905-preview', alias: 'kimi-code/k2', input: 1000, cache_read: 4000, output: 100, priced: true },
      // the main agent's latest request for the alias
      { session_id: 'session_a', agent_id: 'agent-0', model_raw: 'kimi-k2-0905-preview', alias: 'kimi-code/k2', input: 300, cache_read: 600, output: 30, priced: true },
      { session_id: 'session_a', agent_id: 'agent-1', model_raw: 'kimi-k2-turbo-preview', alias: 'kimi-code/turbo', input: 70, cache_read: 0, output: 7, priced: true },
      { session_id: 'session_b', agent_id: 'agent-0', model_raw: 'kimi-k2-thinking', alias: 'kimi-code/k3', input: 50, cache_read: 0, output: 5, priced: true },
      { session_id: 'session_b', agent_id: 'agent-0', model_raw: 'kimi-code/unknown', alias: null, input: 20, cache_read: 0, output: 2, priced: null },
    ]);
    expect(configAliases(path.join(home, 'config.toml'))).toEqual({ 'kimi-code/k3': 'kimi-k2-thinking' });
    const secondary = path.join(tempDir(), 'config.toml');
    fs.writeFileSync(secondary, "[models.'kimi-code/turbo']\nmodel = 'kimi-k2-turbo-preview'\n\n[secondary_model]\nmodel = \"kimi-code/turbo\"\ndefault_effort = \"low\"\n");
    expect(configAliases(secondary)).toEqual({ 'kimi-code/turbo': 'kimi-k2-turbo-preview', __secondary__: 'kimi-k2-turbo-preview' });
    expect(configAliases(path.join(share, 'config.toml'))).toEqual({ 'kimi-for-coding': 'kimi-for-coding' });
  });

  it('finds the wire logs of both CLIs, each with its env override, and nothing else in a session folder', () => {
    const shareDir = tempDir();
    const codeHome = tempDir();
    const oldWire = path.join(shareDir, 'sessions', 'h', 's1', 'wire.jsonl');
    const oldSub = path.join(shareDir, 'sessions', 'h', 's1', 'subagents', 'coder', 'wire.jsonl');
    const newWire = path.join(codeHome, 'sessions', 'wd', 's2', 'agents', 'main', 'wire.jsonl');
    for (const f of [oldWire, oldSub, newWire]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, '');
    }
    fs.writeFileSync(path.join(shareDir, 'sessions', 'h', 's1', 'state.json'), '{}');
    fs.writeFileSync(path.join(shareDir, 'sessions', 'h', 's1', 'context.jsonl'), '');
    expect(kimiCliDirs({ KIMI_SHARE_DIR: shareDir, KIMI_CODE_HOME: codeHome, HOME: '/nonexistent' })).toEqual([oldSub, oldWire, newWire]);
    const home = tempDir();
    fs.mkdirSync(path.join(home, '.kimi-code', 'sessions'), { recursive: true });
    expect(kimiCliDirs({ HOME: home })).toEqual([]);
    fs.mkdirSync(path.join(home, '.kimi-code', 'sessions', 'wd', 's'), { recursive: true });
    fs.writeFileSync(path.join(home, '.kimi-code', 'sessions', 'wd', 's', 'wire.jsonl'), '');
    expect(kimiCliDirs({ HOME: home })).toEqual([path.join(home, '.kimi-code', 'sessions', 'wd', 's', 'wire.jsonl')]);
    expect(kimiCliDirs({ HOME: tempDir() })).toEqual([]);
    expect(kimiDefaultModel(oldMain)).toBe('kimi-for-coding');
    expect(kimiDefaultModel(newMain)).toBe('');
  });
});
