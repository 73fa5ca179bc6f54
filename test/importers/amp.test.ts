import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { ampDirs } from '../../src/importers/amp/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, outcome, usageTotals } from './util.js';

// Amp threads: one JSON document per thread, rewritten whole as it grows; message usage is
// Anthropic's disjoint buckets; older threads keep usage in usageLedger.events only.

const threads = samples('amp', 'threads');
const NEW = 'T-5e2f8a41-9c3d-4b7e-a1f6-0d8c2b4e6a90';
const OLD = 'T-0a7c3e91-2b4d-4f68-9e1a-3c5b7d9f1e20';

describe('Amp threads', () => {
  it('is detected by content', () => {
    for (const f of fs.readdirSync(threads)) expect(detectImporter(path.join(threads, f))?.id, f).toBe('amp');
  });

  it('imports the sample with exact buckets, credits in tags and tools per message', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('amp')]);
    await expectCountsBalance(ledger, report);
    // new thread: 12+9+6 in, 7421+1104+640 written, 0+7421+8525 read, 188+302+95 out; old: 5210+5466 in, 233+61 out
    expect(await usageTotals(ledger)).toEqual({ rows: 5, requests: 5, input: 10703, cache_read: 15946, cache_write_5m: 9165, cache_write_1h: 0, output: 879 });
    expect(outcome(report, `${NEW}.json`)).toMatchObject({ format: 'amp', imported: 3, rejected: 0, skipped: 3 });
    expect(outcome(report, `${OLD}.json`)).toMatchObject({ format: 'amp', imported: 2, rejected: 0, skipped: 2 });
    const rows = await ledger.all<Record<string, unknown>>(
      "SELECT record_key, session_id, provider, model_raw, tools, json_extract(tags, '$.credits')::DOUBLE AS credits, billed_cost_usd FROM usage ORDER BY started_at",
    );
    expect(rows).toEqual([
      { record_key: `${OLD}:event:evt-3b1d`, session_id: OLD, provider: 'anthropic', model_raw: 'claude-haiku-4-5-20251001', tools: null, credits: 0.42, billed_cost_usd: null },
      { record_key: `${OLD}:event:evt-3b1e`, session_id: OLD, provider: 'anthropic', model_raw: 'claude-haiku-4-5-20251001', tools: null, credits: 0.18, billed_cost_usd: null },
      { record_key: `${NEW}:1`, session_id: NEW, provider: 'anthropic', model_raw: 'claude-sonnet-4-5-20250929', tools: ['Grep'], credits: 2.91, billed_cost_usd: null },
      { record_key: `${NEW}:3`, session_id: NEW, provider: 'anthropic', model_raw: 'claude-sonnet-4-5-20250929', tools: ['Grep', 'Read'], credits: 1.07, billed_cost_usd: null },
      { record_key: `${NEW}:5`, session_id: NEW, provider: 'anthropic', model_raw: 'claude-sonnet-4-5-20250929', tools: null, credits: 0.64, billed_cost_usd: null },
    ]);
  });

  it('counts the messages a rewritten thread repeats once', async () => {
    const dir = tempDir();
    const doc = JSON.parse(fs.readFileSync(path.join(threads, `${NEW}.json`), 'utf8'));
    const first = { ...doc, messages: doc.messages.slice(0, 2) };
    const file = path.join(dir, `${NEW}.json`);
    fs.writeFileSync(file, JSON.stringify(first)); // Amp also writes a thread on one line
    const ledger = await newLedger();
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ imported: 1 });
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    expect((await importPaths(ledger, [file])).totals).toMatchObject({ imported: 2 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 3, input: 27, output: 585 });
  });

  it('rejects a message whose counts, model or time do not read, and a damaged file, with their place', async () => {
    const usage = (extra: Record<string, unknown>) => ({ model: 'claude-sonnet-4-5', inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 100, timestamp: '2026-05-11T08:00:00Z', ...extra });
    const messages = [
      { role: 'assistant', messageId: 1, usage: usage({}) },
      { role: 'assistant', messageId: 2, usage: usage({ outputTokens: 'lots' }) },
      { role: 'assistant', messageId: 3, usage: usage({ cacheReadInputTokens: -1 }) },
      { role: 'assistant', messageId: 4, usage: usage({ model: undefined }) },
      { role: 'assistant', messageId: 5, usage: usage({ timestamp: undefined }) },
    ];
    const dir = tempDir();
    const good = writeTemp('T-00000000-0000-4000-8000-000000000001.json', JSON.stringify({ v: 1, id: 'T-00000000-0000-4000-8000-000000000001', messages }, null, 2), dir);
    const bad = writeTemp('T-00000000-0000-4000-8000-000000000002.json', '{\n  "v": 3,\n  "id": "T-00000000-0000-4000-8000-000000000002",\n  "messages": [\n', dir);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [good, bad], 'amp');
    await expectCountsBalance(ledger, report);
    const rejects = await ledger.all<{ file: string; source_line: number; reason: string }>(
      'SELECT regexp_extract(source_file, \'[^/]+$\') AS file, source_line::INTEGER AS source_line, reason FROM rejects ORDER BY source_file, source_line',
    );
    expect(rejects).toEqual([
      { file: path.basename(good), source_line: 2, reason: 'usage: inputTokens or outputTokens is missing, or a count is not a number' },
      { file: path.basename(good), source_line: 3, reason: 'cacheReadInputTokens=-1 is not a plausible token count' },
      { file: path.basename(good), source_line: 4, reason: 'usage: model is missing' },
      { file: path.basename(good), source_line: 5, reason: 'timestamp is missing or not a time (none)' },
      { file: path.basename(bad), source_line: 1, reason: 'not a JSON object (a truncated or corrupted thread file)' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 10, cache_read: 100, output: 5 });
  });

  it('finds threads under $AMP_DATA_DIR, else ~/.local/share/amp', () => {
    const data = tempDir();
    fs.mkdirSync(path.join(data, 'threads'));
    expect(ampDirs({ AMP_DATA_DIR: data, HOME: '/nonexistent' })).toEqual([path.join(data, 'threads')]);
    const home = tempDir();
    fs.mkdirSync(path.join(home, '.local', 'share', 'amp', 'threads'), { recursive: true });
    expect(ampDirs({ HOME: home })).toEqual([path.join(home, '.local', 'share', 'amp', 'threads')]);
    expect(ampDirs({ HOME: tempDir() })).toEqual([]);
  });
});
