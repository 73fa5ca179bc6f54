import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { copilotOtelPaths, copilotStorePaths } from '../../src/importers/copilot-cli/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, loadSqlJs, outcome, usageTotals, type SqlJs } from './util.js';

// GitHub Copilot CLI: its OpenTelemetry file export (one SDK span per line, flat attributes) and its
// session store (SQLite, assistant_usage_events). Stores are built here with sql.js itself.

const otelSample = samples('copilot-cli', 'otel', 'copilot-otel.jsonl');
const storeSample = samples('copilot-cli', 'session-store.db');

let SQL: SqlJs;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

const span = (id: string, attrs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'span', traceId: 't1', spanId: id, name: 'chat gpt-5', startTime: [1780000000, 5e8], endTime: [1780000002, 0], status: { code: 0 }, resource: { attributes: { 'service.name': 'github-copilot' } }, attributes: attrs, ...extra });
const usage = (input: unknown, output: unknown, read: unknown = 0, write: unknown = 0) => ({
  'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'gpt-5', 'gen_ai.conversation.id': 'c1',
  'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'gen_ai.usage.cache_read.input_tokens': read, 'gen_ai.usage.cache_creation.input_tokens': write,
});

describe('GitHub Copilot CLI', () => {
  it('is detected by content: the span export and the session store; a plain OTLP capture stays otlp-json', () => {
    expect(detectImporter(otelSample)?.id).toBe('copilot-otel');
    expect(detectImporter(storeSample)?.id).toBe('copilot-session-store');
    expect(detectImporter(samples('otel', 'genai-spans.jsonl'))?.id).toBe('otlp-json');
    const vscode = writeTemp('chat.jsonl', JSON.stringify({ resource: { attributes: { 'service.name': 'copilot-chat' } }, traceId: 't', spanId: 's', name: 'chat', attributes: usage(10, 1) }) + '\n');
    expect(detectImporter(vscode)?.id).toBe('copilot-otel');
  });

  it('imports the span export through the OTLP mapping: input less its cache, agent spans not counted twice', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [otelSample]);
    await expectCountsBalance(ledger, report);
    // 18950 − 18900, 19820 − 18900 − 700, 6400 − 4096 in; the invoke_agent span's totals, the tool span and the metric line are skipped
    expect(await usageTotals(ledger)).toEqual({ rows: 3, requests: 3, input: 2574, cache_read: 22996, cache_write_5m: 19600, cache_write_1h: 0, output: 1542 });
    expect(outcome(report, otelSample)).toMatchObject({ format: 'copilot-otel', rows_read: 3, imported: 3, rejected: 0, skipped: 3 });
    const rows = await ledger.all('SELECT DISTINCT source, session_id, model_raw FROM usage ORDER BY model_raw');
    expect(rows).toEqual([
      { source: 'copilot-cli', session_id: '7d3f2c1e-9a8b-4c6d-b5e4-0f1a2b3c4d5e', model_raw: 'claude-sonnet-4.5' },
      { source: 'copilot-cli', session_id: '7d3f2c1e-9a8b-4c6d-b5e4-0f1a2b3c4d5e', model_raw: 'gpt-5-mini' },
    ]);
    const [{ started, latency }] = await ledger.all<{ started: string; latency: number }>("SELECT strftime(min(started_at), '%Y-%m-%dT%H:%M:%S.%g') AS started, min(latency_ms) AS latency FROM usage");
    expect(started).toBe('2026-03-13T10:00:00.120');
    expect(latency).toBe(3750);
  });

  it('gives each chat call the execute_tool spans its response ran', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [otelSample]);
    // the sample's agent span runs chat → view → chat → chat as siblings: the tool ran after the first call
    expect(await ledger.all('SELECT record_key, tools FROM usage ORDER BY started_at')).toEqual([
      { record_key: '4bf92f3577b34da6a3ce929d0e0e4736:a1b2c3d4e5f60001', tools: ['view'] },
      { record_key: '4bf92f3577b34da6a3ce929d0e0e4736:a1b2c3d4e5f60003', tools: null },
      { record_key: '4bf92f3577b34da6a3ce929d0e0e4736:a1b2c3d4e5f60004', tools: null },
    ]);
    const at = (s: number) => ({ startTime: [1780000000 + s, 0], endTime: [1780000000 + s, 5e8] });
    const tool = (id: string, name: string, parent: string, s: number, trace = 't1') =>
      span(id, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name }, { traceId: trace, parentSpanId: parent, name: `execute_tool ${name}`, ...at(s) });
    const file = writeTemp('tools.jsonl', [
      tool('x0', 'glob', 'agent', 0), // before any call under its agent span: no call ran it
      span('c1', usage(100, 5), { parentSpanId: 'agent', ...at(1) }),
      tool('x1', 'bash', 'agent', 2),
      tool('x2', 'edit', 'agent', 3),
      tool('x3', 'bash', 'agent', 4),
      span('c2', usage(100, 5), { parentSpanId: 'agent', ...at(5) }),
      tool('x4', 'view', 'c2', 6), // a child of the call itself
      tool('x5', 'grep', 'agent', 7, 't2'), // another trace
      span('c3', usage(100, 5), { parentSpanId: 'other', ...at(8) }),
    ].join('\n') + '\n');
    const other = await newLedger();
    const report = await importPaths(other, [file]);
    await expectCountsBalance(other, report);
    expect(await other.all('SELECT record_key, tools FROM usage ORDER BY record_key')).toEqual([
      { record_key: 't1:c1', tools: ['bash', 'edit'] },
      { record_key: 't1:c2', tools: ['view'] },
      { record_key: 't1:c3', tools: null },
    ]);
  });

  it('rejects a damaged span line or a contradictory count at its line', async () => {
    const file = writeTemp('copilot.jsonl', [span('s1', usage(100, 5, 40)), '{"type":"span","traceId":"t1","spa', span('s2', usage(10, 5, 40)), span('s3', usage('x', 5))].join('\n') + '\n');
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    expect(await ledger.all('SELECT source_line::INTEGER AS line, reason FROM rejects ORDER BY source_line')).toEqual([
      { line: 2, reason: 'not valid OTLP JSON (a truncated or corrupted line)' },
      { line: 3, reason: 'gen_ai.usage.input_tokens (10) is less than its cache reads and writes (40): the convention counts them inside input' },
      { line: 4, reason: 'a token count is not a number' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 1, input: 60, cache_read: 40, output: 5 });
  });

  it('imports the session store: input less cache reads and writes, subagent calls as sidechains, a call with no tokens skipped', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [storeSample]);
    await expectCountsBalance(ledger, report);
    // 21400 − 21350, 22010 − 21350 − 610, 7200 − 5120
    expect(await usageTotals(ledger)).toEqual({ rows: 3, requests: 3, input: 2180, cache_read: 26470, cache_write_5m: 21960, cache_write_1h: 0, output: 1143 });
    expect(outcome(report, storeSample)).toMatchObject({ format: 'copilot-session-store', rows_read: 3, imported: 3, skipped: 1 });
    const rows = await ledger.all('SELECT record_key, source, project, agent_id, is_sidechain, reasoning_tokens::INTEGER AS reasoning, latency_ms FROM usage ORDER BY started_at');
    expect(rows.map((r) => r.record_key)).toEqual(['0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f:1', '0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f:2', '0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f:3']);
    expect(rows[2]).toMatchObject({ source: 'copilot-cli-store', project: 'acme-web', agent_id: 'explore', is_sidechain: true, reasoning: 384, latency_ms: 8800 });
    expect((await importPaths(ledger, [storeSample])).totals).toMatchObject({ imported: 0 });
  });

  it('rejects a store row whose time or counts do not read, at its rowid', async () => {
    const db = new SQL.Database();
    db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, cwd TEXT, repository TEXT, branch TEXT);
      CREATE TABLE assistant_usage_events (id INTEGER PRIMARY KEY, session_id TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER,
        cache_read_tokens INTEGER, cache_write_tokens INTEGER, created_at TEXT)`);
    const add = (id: number, input: unknown, read: unknown, at: string) =>
      db.run('INSERT INTO assistant_usage_events VALUES (?,?,?,?,?,?,?,?)', [id, 's1', 'gpt-5', input, 10, read, 0, at]);
    add(1, 500, 100, '2026-07-01T10:00:00Z');
    add(2, 50, 100, '2026-07-01T10:00:01Z');
    add(3, 500, -3, '2026-07-01T10:00:02Z');
    add(4, 500, 0, 'soon');
    add(5, 900, 0, '1782900000000');
    const file = path.join(tempDir(), 'session-store.db');
    fs.writeFileSync(file, Buffer.from(db.export()));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    expect(await ledger.all('SELECT source_line::INTEGER AS line, reason FROM rejects ORDER BY source_line')).toEqual([
      { line: 2, reason: 'input_tokens (50) is less than its cache reads and writes (100): the store counts them inside input' },
      { line: 3, reason: 'cache_read_tokens=-3 is not a plausible token count' },
      { line: 4, reason: 'created_at is missing or not a time (soon)' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 400 + 900, cache_read: 100, output: 20 });
  });

  it('finds the store under $COPILOT_HOME or ~/.copilot, else the otel folder and the exporter’s own path', () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, '.copilot', 'otel'), { recursive: true });
    const exported = writeTemp('elsewhere.jsonl', '');
    expect(copilotStorePaths({ HOME: home })).toEqual([]);
    expect(copilotOtelPaths({ HOME: home, COPILOT_OTEL_FILE_EXPORTER_PATH: exported })).toEqual([path.join(home, '.copilot', 'otel'), exported]);
    const inside = writeTemp('a.jsonl', '', path.join(home, '.copilot', 'otel'));
    expect(copilotOtelPaths({ HOME: home, COPILOT_OTEL_FILE_EXPORTER_PATH: inside })).toEqual([path.join(home, '.copilot', 'otel')]);
    fs.copyFileSync(storeSample, path.join(home, '.copilot', 'session-store.db'));
    expect(copilotStorePaths({ HOME: home })).toEqual([path.join(home, '.copilot', 'session-store.db')]);
    expect(copilotOtelPaths({ HOME: home, COPILOT_OTEL_FILE_EXPORTER_PATH: exported })).toEqual([]); // the store holds the same calls
    expect([...copilotStorePaths({ HOME: home, COPILOT_HOME: tempDir() }), ...copilotOtelPaths({ HOME: home, COPILOT_HOME: tempDir() })]).toEqual([]);
  });
});
