import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { geminiCliDirs } from '../../src/importers/gemini-cli/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// Gemini CLI chat recordings as chatRecordingService writes them: a metadata line, then messages
// appended whole (again, with the same id, when their tokens or tool calls arrive), $set and $rewindTo.

const MAIN = '4f1c2a9e-6d1b-4c7a-9a53-1f2e3d4c5b6a';
const SUB = '7c2d9e10-4a5b-4e6f-8a7b-9c0d1e2f3a4b';
const chats = samples('gemini-cli', 'tmp', 'recount', 'chats');
const mainFile = path.join(chats, 'session-2026-03-02T09-14-4f1c2a9e.jsonl');
const subFile = path.join(chats, MAIN, `${SUB}.jsonl`);
const legacyFile = samples('gemini-cli', 'tmp', 'e3b7a19c04d2f6581b9e0a7c3d5f2e4b6a8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e', 'chats', 'session-2025-11-20T16-02-9b0e7d31.json');

const meta = (sessionId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ sessionId, projectHash: 'f'.repeat(64), startTime: '2026-04-01T10:00:00.000Z', lastUpdated: '2026-04-01T10:00:00.000Z', ...extra });
const gemini = (id: string, tokens: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, timestamp: '2026-04-01T10:00:05.000Z', type: 'gemini', content: 'ok', thoughts: [], tokens, model: 'gemini-2.5-pro', ...extra });
const tokens = (input: number, output: number, cached = 0, thoughts = 0, tool = 0) => ({ input, output, cached, thoughts, tool, total: input + output + thoughts + tool });

describe('Gemini CLI chat recordings', () => {
  it('is detected by content: a .jsonl recording, a subagent file and a legacy .json document', () => {
    for (const f of [mainFile, subFile, legacyFile]) expect(detectImporter(f)?.id, f).toBe('gemini-cli');
    const transcript = writeTemp('t.jsonl', JSON.stringify({ sessionId: 's', type: 'user', message: { role: 'user', content: 'hi' }, timestamp: '2026-04-01T10:00:00Z' }) + '\n');
    expect(detectImporter(transcript)?.id).toBe('claude-code');
  });

  it('imports the sample with exact disjoint buckets: input less cached plus tool, thoughts as output', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('gemini-cli')]);
    await expectCountsBalance(ledger, report);
    // m1 12850−8192 / 210+384, m2 14120−12288+310 / 655+120, m3 14200−12288 / 95, subagent 5400 / 320+410, legacy 3021 / 188+95
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 17133, cache_read: 32768, cache_write_5m: 0, cache_write_1h: 0, output: 2477 });
    const [{ reasoning }] = await ledger.all<{ reasoning: number }>('SELECT sum(reasoning_tokens)::INTEGER AS reasoning FROM usage');
    expect(reasoning).toBe(384 + 120 + 410 + 95);
    // the message written three times (without tokens, with tokens, with its tool calls) counts once; the rewound one counts
    expect(outcome(report, path.basename(mainFile))).toMatchObject({ format: 'gemini-cli', rows_read: 4, imported: 3, duplicates: 1, rejected: 0, skipped: 10 });
    const rows = await ledger.all<Record<string, unknown>>(
      "SELECT session_id, agent_id, is_sidechain, project, provider, model_raw, tools FROM usage WHERE source = 'gemini-cli' ORDER BY started_at",
    );
    expect(rows).toEqual([
      { session_id: '9b0e7d31-5c2a-4f6b-8e1d-3a5c7e9b1d20', agent_id: null, is_sidechain: false, project: 'e3b7a19c04d2f6581b9e0a7c3d5f2e4b6a8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e', provider: 'google', model_raw: 'gemini-2.5-pro', tools: ['search_file_content'] },
      { session_id: MAIN, agent_id: null, is_sidechain: false, project: 'recount', provider: 'google', model_raw: 'gemini-2.5-pro', tools: ['read_file', 'search_file_content'] },
      { session_id: MAIN, agent_id: SUB, is_sidechain: true, project: 'recount', provider: 'google', model_raw: 'gemini-2.5-flash', tools: ['glob', 'read_file'] },
      { session_id: MAIN, agent_id: null, is_sidechain: false, project: 'recount', provider: 'google', model_raw: 'gemini-2.5-pro', tools: null },
      { session_id: MAIN, agent_id: null, is_sidechain: false, project: 'recount', provider: 'google', model_raw: 'gemini-2.5-flash', tools: null },
    ]);
    const again = await importPaths(ledger, [samples('gemini-cli')], undefined);
    expect(again.totals.imported).toBe(0);
    expect((await usageTotals(ledger)).rows).toBe(5);
  });

  it('rejects a malformed line, an impossible count, cached above input and a missing time, each with its line', async () => {
    const dir = tempDir();
    const text = [
      meta('aaaaaaaa-0000-4000-8000-000000000001'),
      gemini('m1', tokens(1000, 50, 400, 10, 5)),
      '{"id":"m2","timestamp":"2026-04-01T10:00:06.000Z","type":"gemini","tokens":{"input":12',
      gemini('m3', tokens(-5, 10)),
      gemini('m4', tokens(100, 10, 200)),
      gemini('m5', tokens(100, 10), { timestamp: undefined }),
      gemini('m6', { input: 'many', output: 3, cached: 0 }),
      '',
      gemini('m7', tokens(0, 0)),
      gemini('m8', tokens(2000, 80, 0, 0, 0)),
    ].join('\n');
    const file = writeTemp('session-2026-04-01T10-00-aaaaaaaa.jsonl', text + '\n', dir);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    expect(outcome(report, path.basename(file))).toMatchObject({ format: 'gemini-cli', imported: 2, rejected: 5 });
    const rejects = await ledger.all<{ source_line: number; reason: string }>('SELECT source_line::INTEGER AS source_line, reason FROM rejects ORDER BY source_line');
    expect(rejects).toEqual([
      { source_line: 3, reason: 'not valid JSON (a truncated or corrupted line)' },
      { source_line: 4, reason: 'tokens.input=-5 is not a plausible token count' },
      { source_line: 5, reason: 'tokens.cached (200) exceeds tokens.input (100), which includes it' },
      { source_line: 6, reason: 'timestamp is missing or not a time (none)' },
      { source_line: 7, reason: 'tokens: a count is missing or not a number' },
    ]);
    // m1: 1000−400+5 in, 400 read, 50+10 out; m8: 2000 in, 80 out
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 605 + 2000, cache_read: 400, output: 60 + 80 });
  });

  it('counts a legacy .json once when the CLI has migrated it to .jsonl on resume', async () => {
    const dir = tempDir();
    const sid = 'bbbbbbbb-0000-4000-8000-000000000002';
    const message = { id: 'g1', timestamp: '2026-04-01T10:00:05.000Z', type: 'gemini', content: 'hi', tokens: tokens(300, 20, 100), model: 'gemini-2.5-flash' };
    const doc = { sessionId: sid, projectHash: 'f'.repeat(64), startTime: '2026-04-01T10:00:00.000Z', lastUpdated: '2026-04-01T10:00:05.000Z', messages: [message] };
    fs.writeFileSync(path.join(dir, 'session-2026-04-01T10-00-bbbbbbbb.json'), JSON.stringify(doc, null, 2));
    const resumed = [meta(sid), JSON.stringify(message), JSON.stringify({ $set: { sessionId: sid } }), gemini('g2', tokens(500, 30, 300))];
    fs.writeFileSync(path.join(dir, 'session-2026-04-01T10-00-bbbbbbbb.jsonl'), resumed.join('\n') + '\n');
    const ledger = await newLedger();
    const report = await importPaths(ledger, [dir]);
    await expectCountsBalance(ledger, report);
    expect(report.totals).toMatchObject({ imported: 2, duplicates: 1, rejected: 0 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 200 + 200, cache_read: 100 + 300, output: 50 });
  });

  it('finds tmp/<project>/chats under $GEMINI_CLI_HOME/.gemini, and nothing when Gemini CLI is not installed', () => {
    const home = tempDir();
    for (const p of ['alpha', 'beta']) fs.mkdirSync(path.join(home, '.gemini', 'tmp', p, 'chats'), { recursive: true });
    fs.mkdirSync(path.join(home, '.gemini', 'tmp', 'bin'), { recursive: true }); // no chats: not listed
    expect(geminiCliDirs({ GEMINI_CLI_HOME: home, HOME: '/nonexistent' })).toEqual([
      path.join(home, '.gemini', 'tmp', 'alpha', 'chats'),
      path.join(home, '.gemini', 'tmp', 'beta', 'chats'),
    ]);
    expect(geminiCliDirs({ HOME: home })).toHaveLength(2);
    expect(geminiCliDirs({ HOME: tempDir() })).toEqual([]);
  });
});
