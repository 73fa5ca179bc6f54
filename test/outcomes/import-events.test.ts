import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import type { Ledger } from '../../src/db/ledger.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { forgetCommand } from '../../src/commands/forget.js';
import { Ledger as LedgerClass } from '../../src/db/ledger.js';
import { importPaths, newLedger, priceLedger, tempDir, writeTemp } from '../helpers.js';
import { CLAUDE_APPENDED, CLAUDE_LINES, CODEX_FILE, codexLines } from './transcripts.js';

const jsonl = (lines: string[]) => lines.join('\n') + '\n';
const events = (ledger: Ledger, source: string) =>
  ledger.all<Record<string, unknown>>(
    `SELECT record_key, source_line, event, call_id, prompt_hash IS NOT NULL AS has_prompt, tool_name, program, command_hash, is_test_run,
            is_error, exit_code, error_hash, error_first_line, session_id, is_sidechain
     FROM agent_events WHERE source = $source ORDER BY occurred_at, source_line, record_key`,
    { source },
  );
const counts = (ledger: Ledger) => ledger.all<{ source: string; n: number }>('SELECT source, CAST(count(*) AS INTEGER) AS n FROM agent_events GROUP BY ALL ORDER BY ALL');

describe('agent_events from Claude Code transcripts', () => {
  it('keeps each signal of the hand-written lines, and no command or output text', async () => {
    const ledger = await newLedger();
    const file = writeTemp('sess-cc.jsonl', jsonl(CLAUDE_LINES));
    const report = await importPaths(ledger, [file]);
    // events are no usage rows: the accounting is the lines' usage only
    expect(report.totals).toMatchObject({ rows_read: 6, imported: 6, duplicates: 0, rejected: 0, skipped: 10 });
    const rows = await events(ledger, 'claude-code');
    expect(rows.map((r) => `${r.source_line}:${r.event}`)).toEqual([
      '1:prompt', '2:tool_call', '3:tool_result', '4:tool_call', '5:tool_result',
      '6:prompt', '7:tool_call', '8:tool_rejected', '9:interrupt',
      '10:prompt', '11:tool_call', '12:tool_result', '13:tool_call', '14:tool_result', '15:tool_call', '16:tool_result',
    ]);
    expect(rows[0]).toMatchObject({ record_key: 'prompt:p1', has_prompt: true, session_id: 'sess-cc', is_sidechain: false });
    expect(rows[1]).toMatchObject({ record_key: 'call:toolu_1', call_id: 'toolu_1', tool_name: 'Bash', program: 'npm', is_test_run: true });
    expect(rows[2]).toMatchObject({ record_key: 'result:toolu_1', is_error: true, exit_code: 1, error_first_line: 'Exit code 1' });
    expect(rows[3]).toMatchObject({ program: 'npx', is_test_run: true });
    expect(rows[4]).toMatchObject({ is_error: false, exit_code: null, error_hash: null });
    expect(rows[6]).toMatchObject({ program: 'rm', is_test_run: false });
    expect(rows[7]).toMatchObject({ event: 'tool_rejected', call_id: 'toolu_3', is_error: true });
    // the retried build: one command hash, one error hash, the program without its arguments
    const builds = rows.filter((r) => r.program === 'npm' && r.is_test_run === false);
    expect(builds).toHaveLength(3);
    expect(new Set(builds.map((r) => r.command_hash)).size).toBe(1);
    const failures = rows.slice(11).filter((r) => r.event === 'tool_result');
    expect(new Set(failures.map((r) => r.error_hash)).size).toBe(1);
    expect(failures[0]).toMatchObject({ exit_code: 2, error_first_line: 'Exit code 2' });
    const stored = JSON.stringify(await ledger.all('SELECT * FROM agent_events'));
    expect(stored).not.toContain('rm -rf');
    expect(stored).not.toContain('abcdefghijklmnop'); // the secret in the command and the error
    expect(stored).not.toContain('AssertionError');
  });

  it('adds nothing on re-import or from an overlapping copy, and keeps usage figures as they were', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const file = writeTemp('sess-cc.jsonl', jsonl(CLAUDE_LINES), dir);
    await importPaths(ledger, [file]);
    const before = await ledger.one<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM usage');
    const again = await importPaths(ledger, [file]);
    expect(again.totals).toMatchObject({ imported: 0, duplicates: 6 });
    // a subagent-style copy of the first lines in another file (the general path: the ledger has rows now)
    writeTemp('copy.jsonl', jsonl(CLAUDE_LINES.slice(0, 5)), dir);
    await importPaths(ledger, [dir]);
    expect(await counts(ledger)).toEqual([{ source: 'claude-code', n: 16 }]);
    expect(await ledger.one('SELECT CAST(count(*) AS INTEGER) AS n FROM usage')).toEqual(before);
  });

  it('reads an appended file from its offset: only the new lines yield events', async () => {
    const ledger = await newLedger();
    const dir = tempDir();
    const file = writeTemp('sess-cc.jsonl', jsonl(CLAUDE_LINES), dir);
    const opts = { modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z'), incremental: true };
    await importFiles(ledger, discoverFiles([dir]), opts);
    fs.appendFileSync(file, jsonl(CLAUDE_APPENDED));
    const second = await importFiles(ledger, discoverFiles([dir]), opts);
    expect(second.resumed).toBe(1);
    const added = await ledger.all<{ event: string; source_line: number; source_file: string }>(
      `SELECT event, source_line, source_file FROM agent_events WHERE import_id = $id ORDER BY source_line`, { id: second.import_id });
    expect(added.map((r) => `${r.source_line}:${r.event}`)).toEqual(['17:prompt', '19:interrupt']);
    expect(added[0].source_file).toBe(file);
  });

  it('recount forget takes an import\'s events with it', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'ledger.duckdb');
    let ledger = await LedgerClass.open(db);
    const report = await importPaths(ledger, [writeTemp('sess-cc.jsonl', jsonl(CLAUDE_LINES), dir)]);
    ledger.close();
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await forgetCommand({ db, import: report.import_id, json: true });
    } finally {
      process.stdout.write = write;
    }
    ledger = await LedgerClass.open(db);
    expect(await counts(ledger)).toEqual([]);
    ledger.close();
  });
});

describe('agent_events from Codex rollouts', () => {
  it('keeps prompts, calls with their exit codes, repeats and the aborted turn', async () => {
    const ledger = await newLedger();
    const file = writeTemp(CODEX_FILE, jsonl(codexLines()));
    const report = await importPaths(ledger, [file]);
    expect(report.totals).toMatchObject({ imported: 6, duplicates: 0, rejected: 0 });
    const rows = await events(ledger, 'codex');
    expect(rows.map((r) => `${r.source_line}:${r.event}`)).toEqual([
      '3:prompt', '4:tool_call', '5:tool_result', '7:tool_call', '8:tool_result',
      '10:prompt', '11:tool_call', '12:tool_result', '14:tool_call', '15:tool_result', '17:tool_call', '18:tool_result',
      '20:prompt', '21:tool_call', '23:interrupt',
    ]);
    expect(rows[1]).toMatchObject({ tool_name: 'shell', program: 'pytest', is_test_run: true, session_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' });
    expect(rows[2]).toMatchObject({ record_key: 'result:call_1', is_error: true, exit_code: 1, error_first_line: 'F.' });
    expect(rows[3]).toMatchObject({ tool_name: 'exec_command', program: 'pytest', is_test_run: true });
    expect(rows[4]).toMatchObject({ is_error: false, exit_code: 0 });
    expect(rows[6]).toMatchObject({ program: 'alembic', is_test_run: false });
    expect(rows[7]).toMatchObject({ is_error: true, exit_code: 1, error_first_line: 'Exit code: 1' });
    expect(new Set([rows[6], rows[8], rows[10]].map((r) => r.command_hash)).size).toBe(1);
    expect(rows[0].has_prompt).toBe(true);
    const again = await importPaths(ledger, [file]);
    expect(again.totals.imported).toBe(0);
    expect(await counts(ledger)).toEqual([{ source: 'codex', n: 15 }]);
  });
});

describe('outcomes of imported transcripts', () => {
  it('judges each turn by the rule', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [writeTemp('sess-cc.jsonl', jsonl([...CLAUDE_LINES, ...CLAUDE_APPENDED]))]);
    await importPaths(ledger, [writeTemp(CODEX_FILE, jsonl(codexLines()))]);
    await priceLedger(ledger);
    const turns = await ledger.all<Record<string, unknown>>(
      'SELECT source, turn_no, outcome, requests, tool_failures, repeated_failures, last_test_passed, interrupted, tool_rejected FROM agent_turns() ORDER BY source, turn_no');
    expect(turns).toEqual([
      { source: 'claude-code', turn_no: 1, outcome: 'succeeded', requests: 2, tool_failures: 1, repeated_failures: 0, last_test_passed: true, interrupted: false, tool_rejected: false },
      { source: 'claude-code', turn_no: 2, outcome: 'failed', requests: 1, tool_failures: 0, repeated_failures: 0, last_test_passed: null, interrupted: true, tool_rejected: true },
      { source: 'claude-code', turn_no: 3, outcome: 'failed', requests: 3, tool_failures: 3, repeated_failures: 2, last_test_passed: null, interrupted: false, tool_rejected: false },
      { source: 'claude-code', turn_no: 4, outcome: 'failed', requests: 1, tool_failures: 0, repeated_failures: 0, last_test_passed: null, interrupted: true, tool_rejected: false },
      { source: 'codex', turn_no: 1, outcome: 'succeeded', requests: 2, tool_failures: 1, repeated_failures: 0, last_test_passed: true, interrupted: false, tool_rejected: false },
      { source: 'codex', turn_no: 2, outcome: 'failed', requests: 3, tool_failures: 3, repeated_failures: 2, last_test_passed: null, interrupted: false, tool_rejected: false },
      { source: 'codex', turn_no: 3, outcome: 'failed', requests: 1, tool_failures: 0, repeated_failures: 0, last_test_passed: null, interrupted: true, tool_rejected: false },
    ]);
  });
});
