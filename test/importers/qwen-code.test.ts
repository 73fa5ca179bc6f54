import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { qwenCodeDirs } from '../../src/importers/qwen-code/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// Qwen Code chat recordings as chatRecordingService writes them: one ChatRecord per line, assistant
// records with Gemini-shaped usageMetadata; a /branch fork copies records verbatim (same uuid).

const SID = '3f6c1e2a-8b4d-4f0e-9a21-5c7d9e0b1a23';
const chats = samples('qwen-code', 'projects', '-home-dev-recount', 'chats');
const record = (uuid: string, usage: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ uuid, parentUuid: null, sessionId: 'c0ffee00-0000-4000-8000-000000000001', timestamp: '2026-05-04T08:00:00.000Z', type: 'assistant', cwd: '/w', version: '0.6.2', model: 'qwen3-coder-plus', message: { role: 'model', parts: [{ text: 'ok' }] }, ...(usage ? { usageMetadata: usage } : {}), ...extra });

describe('Qwen Code chat recordings', () => {
  it('is detected by content, and a Claude Code transcript is not taken for one', () => {
    for (const f of fs.readdirSync(chats)) expect(detectImporter(path.join(chats, f))?.id, f).toBe('qwen-code');
    const transcript = writeTemp('t.jsonl', JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: 's', uuid: 'u', type: 'user', message: { role: 'user', content: 'hi' }, timestamp: '2026-04-01T10:00:00Z' }) + '\n');
    expect(detectImporter(transcript)?.id).toBe('claude-code');
  });

  it('imports the sample with exact disjoint buckets: prompt less cached, thoughts inside candidates unless the total says otherwise', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('qwen-code')]);
    await expectCountsBalance(ledger, report);
    // a1 18250−16384/412, a2 21040−18176/980 (310 thoughts inside), x1 6400/150, a3 22500−20480/260+512, fork's a5 19020−18176/95
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 13994, cache_read: 73216, cache_write_5m: 0, cache_write_1h: 0, output: 2409 });
    const [{ reasoning }] = await ledger.all<{ reasoning: number }>('SELECT sum(reasoning_tokens)::INTEGER AS reasoning FROM usage');
    expect(reasoning).toBe(310 + 512 + 0);
    // the fork's copies of u1 and a1 keep their uuid: a1 is a duplicate, u1 a skipped user record
    expect(outcome(report, `${SID}.jsonl`)).toMatchObject({ format: 'qwen-code', imported: 4, duplicates: 0, rejected: 0, skipped: 4 });
    expect(outcome(report, 'b2a4c6e8-1d3f-4a5b-8c7d-9e0f1a2b3c4d.jsonl')).toMatchObject({ imported: 1, duplicates: 1, rejected: 0, skipped: 1 });
    const rows = await ledger.all<Record<string, unknown>>('SELECT record_key, session_id, agent_id, is_sidechain, project, model_raw, tools FROM usage ORDER BY started_at');
    expect(rows.map((r) => [r.record_key, r.agent_id, r.is_sidechain, r.tools])).toEqual([
      ['5d8a1c3e-2f4b-4e6a-8c0d-1b3e5f7a9c24', null, false, ['read_file']],
      ['c3f5a7e9-1b2d-4c4e-8f6a-7b9d1e3f5a68', null, false, ['grep_search', 'read_file']],
      ['7a9c1e3f-5b7d-4e9f-a1c3-e5f7a9b1d3c2', 'explore-7f3c', true, ['glob']],
      ['2c4e6a8b-0d1f-4a3c-9e5b-7d9f1a3c5e84', null, false, null],
      ['8b0d2f4a-6c8e-4a1b-9d3f-5a7c9e1b3d57', null, false, null],
    ]);
    expect(new Set(rows.map((r) => r.project))).toEqual(new Set(['/home/dev/recount']));
    expect(rows[0].session_id).toBe(SID);
    const again = await importPaths(ledger, [samples('qwen-code')]);
    expect(again.totals.imported).toBe(0);
  });

  it('rejects a malformed line, an impossible count, cached above prompt and a missing time, each with its line', async () => {
    const text = [
      record('r1', { promptTokenCount: 1000, candidatesTokenCount: 40, cachedContentTokenCount: 600, totalTokenCount: 1040 }),
      '{"uuid":"r2","parentUuid":null,"sessionId":"x","type":"assistant","usageMetadata":{"promptTok',
      record('r3', { promptTokenCount: -4, candidatesTokenCount: 1 }),
      record('r4', { promptTokenCount: 100, candidatesTokenCount: 1, cachedContentTokenCount: 200 }),
      record('r5', { promptTokenCount: 100, candidatesTokenCount: 1 }, { timestamp: 'yesterday' }),
      record('r6', { candidatesTokenCount: 7 }),
      '',
      record('r7', null, { type: 'user' }),
    ].join('\n');
    const file = writeTemp('c0ffee00.jsonl', text + '\n');
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file], 'qwen-code');
    await expectCountsBalance(ledger, report);
    expect(outcome(report, 'c0ffee00.jsonl')).toMatchObject({ imported: 1, rejected: 5, skipped: 1 });
    const rejects = await ledger.all<{ source_line: number; reason: string }>('SELECT source_line::INTEGER AS source_line, reason FROM rejects ORDER BY source_line');
    expect(rejects).toEqual([
      { source_line: 2, reason: 'not valid JSON (a truncated or corrupted line)' },
      { source_line: 3, reason: 'promptTokenCount=-4 is not a plausible token count' },
      { source_line: 4, reason: 'cachedContentTokenCount (200) exceeds promptTokenCount (100), which includes it' },
      { source_line: 5, reason: 'timestamp is missing or not a time (yesterday)' },
      { source_line: 6, reason: 'usageMetadata: promptTokenCount is missing, or a count is not a number' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 400, cache_read: 600, output: 40 });
  });

  it('finds projects/<project>/chats under $QWEN_RUNTIME_DIR and $QWEN_HOME (else ~/.qwen), and nothing when Qwen Code is not installed', () => {
    const qwenHome = tempDir();
    for (const p of ['-a', '-b']) fs.mkdirSync(path.join(qwenHome, 'projects', p, 'chats'), { recursive: true });
    fs.mkdirSync(path.join(qwenHome, 'projects', '-c'), { recursive: true }); // no chats: not listed
    expect(qwenCodeDirs({ QWEN_HOME: qwenHome, HOME: '/nonexistent' })).toEqual([
      path.join(qwenHome, 'projects', '-a', 'chats'),
      path.join(qwenHome, 'projects', '-b', 'chats'),
    ]);
    const home = tempDir();
    fs.cpSync(qwenHome, path.join(home, '.qwen'), { recursive: true });
    expect(qwenCodeDirs({ HOME: home })).toHaveLength(2);
    expect(qwenCodeDirs({ HOME: tempDir() })).toEqual([]);
    // $QWEN_RUNTIME_DIR holds the sessions when set; the home's are read too, a shared folder once
    const runtime = tempDir();
    fs.mkdirSync(path.join(runtime, 'projects', '-r', 'chats'), { recursive: true });
    expect(qwenCodeDirs({ QWEN_RUNTIME_DIR: runtime, HOME: home })).toEqual([path.join(runtime, 'projects', '-r', 'chats'), ...qwenCodeDirs({ HOME: home })]);
    expect(qwenCodeDirs({ QWEN_RUNTIME_DIR: path.join(home, '.qwen'), HOME: home })).toHaveLength(2);
  });
});
