import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { fixtures, root, runCli, samples, tempDir, writeTemp } from '../helpers.js';
import { Ledger } from '../../src/db/ledger.js';
import { ccAssistant, ccUser } from '../importers/util.js';

const SUMMARY_FIELDS = [
  'records', 'requests', 'input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens',
  'billed_cost_usd', 'list_cost_usd', 'cost_usd', 'unpriced_records', 'unpriced_models',
];
// the samples of the first importers (the counts below are theirs; later sources have their own tests)
const FIRST_SOURCES = ['samples/openai', 'samples/anthropic', 'samples/claude-code'];
const BUCKETS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens'];

describe('recount CLI on the bundled samples', () => {
  const dir = tempDir();
  const db = path.join(dir, 'ledger.duckdb');
  let importJson: { import_id: string; files: Record<string, unknown>[]; totals: Record<string, number> };

  beforeAll(() => {
    const r = runCli(['import', ...FIRST_SOURCES, '--db', db, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    importJson = JSON.parse(r.stdout);
  });

  it('--help works and lists every command', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['import', 'summary', 'query', 'export', 'prices', 'sources', 'rejects']) expect(r.stdout).toContain(c);
  });

  it('import --json reports per file and totals', () => {
    expect(importJson.files).toHaveLength(13);
    for (const f of importJson.files) {
      expect(Object.keys(f).sort()).toEqual(['duplicates', 'format', 'imported', 'path', 'rejected', 'rows_read'].sort());
      expect(f.rows_read).toBe((f.imported as number) + (f.duplicates as number) + (f.rejected as number));
    }
    expect(importJson.totals).toMatchObject({ files: 13, rows_read: 460, imported: 426, duplicates: 33, rejected: 1 });
  });

  it('a second import of the same files changes nothing', () => {
    const before = JSON.parse(runCli(['summary', '--db', db, '--json']).stdout);
    const again = JSON.parse(runCli(['import', ...FIRST_SOURCES, '--db', db, '--json']).stdout);
    expect(again.totals.imported).toBe(0);
    expect(again.totals.duplicates + again.totals.rejected).toBe(again.totals.rows_read);
    expect(JSON.parse(runCli(['summary', '--db', db, '--json']).stdout)).toEqual(before);
  });

  it('summary --json has the public fields as numbers', () => {
    const s = JSON.parse(runCli(['summary', '--db', db, '--json']).stdout);
    for (const k of SUMMARY_FIELDS) expect(s, k).toHaveProperty(k);
    for (const k of SUMMARY_FIELDS.filter((k) => k !== 'unpriced_models')) expect(typeof s[k], k).toBe('number');
    expect(s).toMatchObject({ records: 153, unpriced_records: 0, unpriced_models: [] });
    expect(s.cost_usd).toBeCloseTo(s.list_cost_usd, 6);
    expect(s.price_catalog.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a month in another zone keeps the providers\' daily buckets on their UTC dates', () => {
    const utc = JSON.parse(runCli(['summary', '--db', db, '--json', '--month', '2026-10']).stdout);
    const ny = JSON.parse(runCli(['summary', '--db', db, '--json', '--month', '2026-10', '--tz', 'America/New_York']).stdout);
    expect(ny.cost_usd).toBeCloseTo(utc.cost_usd, 6); // nothing slips into September
  });

  it('summary filters by period', () => {
    const s = JSON.parse(runCli(['summary', '--db', db, '--json', '--since', '2026-10-20', '--until', '2026-10-21']).stdout);
    expect(s).toMatchObject({ records: 58, input_tokens: 350, cache_read_tokens: 3_047_720, cache_write_5m_tokens: 114_544, cache_write_1h_tokens: 168_063, output_tokens: 18_061 });
  });

  it.each(['spend_by_model', 'spend_by_day', 'spend_by_source'])('query %s returns buckets and costs as numbers', (name) => {
    const rows = JSON.parse(runCli(['query', name, '--db', db, '--json']).stdout) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) for (const k of [...BUCKETS, 'list_cost_usd', 'cost_usd']) expect(typeof row[k], `${name}.${k}`).toBe('number');
    const total = rows.reduce((n, r) => n + (r.cost_usd as number), 0);
    const s = JSON.parse(runCli(['summary', '--db', db, '--json']).stdout);
    expect(total).toBeCloseTo(s.cost_usd, 6);
  });

  it('query --csv prints a header and rows; --param binds', () => {
    const r = runCli(['query', 'spend_by_day', '--db', db, '--csv', '--param', 'since=2026-10-20', '--param', 'until=2026-10-20']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(',')[0]).toBe('day');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2026-10-20,/);
  });

  it('query --tz moves day boundaries', () => {
    const days = (tz: string) =>
      (JSON.parse(runCli(['query', 'spend_by_day', '--db', db, '--json', '--since', '2026-10-20', '--until', '2026-10-22', '--tz', tz]).stdout) as { day: string }[]).map((r) => r.day);
    expect(days('UTC')).toEqual(['2026-10-20', '2026-10-21']);
    // UTC+14: the afternoon of the 21st (UTC) is already the 22nd
    expect(days('Pacific/Kiritimati')).toEqual(['2026-10-20', '2026-10-22']);
  });

  it('exports Parquet, Arrow IPC and CSV that other tools read back', async () => {
    const out = tempDir();
    for (const format of ['parquet', 'arrow', 'csv']) {
      const r = runCli(['export', '--db', db, '--format', format, '--out', path.join(out, `ledger.${format}`)]);
      expect(r.status, r.stderr).toBe(0);
    }
    const arrow = tableFromIPC(fs.readFileSync(path.join(out, 'ledger.arrow')));
    expect(arrow.numRows).toBe(153);
    expect(arrow.schema.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['record_key', 'started_at', 'tools', 'cost_usd']));
    expect(arrow.schema.fields.map((f) => f.name)).not.toContain('prompt_text');
    const tokens = arrow.getChild('output_tokens')!.toArray() as BigInt64Array;
    expect(tokens.reduce((a, b) => a + b, 0n)).toBe(48_265_749n);

    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const read = async (q: string) => (await conn.runAndReadAll(q)).getRowObjectsJS()[0];
    expect(await read(`SELECT count(*)::INT AS n, sum(output_tokens)::BIGINT AS o FROM '${path.join(out, 'ledger.parquet')}'`)).toEqual({ n: 153, o: 48_265_749n });
    expect(await read(`SELECT count(*)::INT AS n FROM read_csv('${path.join(out, 'ledger.csv')}')`)).toEqual({ n: 153 });
    conn.closeSync();
    instance.closeSync();
  });

  it('exports one query result', () => {
    const out = path.join(tempDir(), 'by-model.csv');
    const r = runCli(['export', '--db', db, '--query', 'spend_by_model', '--format', 'csv', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^provider,model,records/);
  });

  it('rejects lists the rejected rows with file, line and reason', () => {
    const rows = JSON.parse(runCli(['rejects', '--db', db, '--json']).stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source_line: 19, format: 'claude-code', reason: 'not valid JSON (a truncated or corrupted line)' });
    expect(rows[0].source_file).toMatch(/a6deca95-bec2-49a4-b5b0-124ec6348ff6\.jsonl$/);
  });
});

describe('recount CLI errors and listings', () => {
  it('names an unsupported file and the formats tried, without a stack trace', () => {
    const r = runCli(['import', fixtures('bad', 'not-a-format.csv'), '--db', path.join(tempDir(), 'x.duckdb')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^recount: .*not-a-format\.csv: not a supported format \(tried gemini-cli, qwen-code, claude-code, /);
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads Claude Code logs from CLAUDE_CONFIG_DIR with --claude-code', () => {
    const db = path.join(tempDir(), 'cc.duckdb');
    const r = runCli(['import', '--claude-code', '--db', db, '--json'], { CLAUDE_CONFIG_DIR: `${samples('claude-code')},/nonexistent` });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals).toMatchObject({ files: 3, imported: 58 });
  });

  it('a blank line in a transcript still sends its file to the line-by-line reading (lines counted ahead, on a worker)', async () => {
    const dir = tempDir();
    const ts = '2026-10-22T20:00:00.000Z';
    const file = writeTemp('s.jsonl', [ccUser('go', ts), '', ccAssistant({ msgId: 'msg_1', ts, usage: { output: 5 } })].join('\n') + '\n', dir);
    const db = path.join(tempDir(), 'blank.duckdb');
    const r = runCli(['import', dir, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files).toEqual([{ path: file, format: 'claude-code', rows_read: 1, imported: 1, duplicates: 0, rejected: 0 }]);
    const ledger = await Ledger.open(db, { readOnly: true });
    expect(await ledger.all('SELECT source_line, prompt_text FROM usage_with_prompts')).toEqual([{ source_line: 3, prompt_text: 'go' }]);
    ledger.close();
  });

  it('an import that fails before it needs the line counts exits without waiting for them', () => {
    const dir = tempDir();
    const unknown = writeTemp('unknown.jsonl', '{"hello":"world"}\n', dir);
    const fifo = path.join(dir, 'never-written.jsonl'); // the line-counting worker blocks opening it
    spawnSync('mkfifo', [fifo]);
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'recount.js'), 'import', unknown, fifo, '--db', path.join(dir, 'x.duckdb')], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown.jsonl: not a supported format');
  });

  it('reads Codex rollouts from CODEX_HOME with --codex', () => {
    const db = path.join(tempDir(), 'codex.duckdb');
    const r = runCli(['import', '--codex', '--db', db, '--json'], { CODEX_HOME: samples('codex') });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files.every((f: { format: string }) => f.format === 'codex')).toBe(true);
    const missing = runCli(['import', '--codex', '--db', db], { CODEX_HOME: path.join(tempDir(), 'nothing-here') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no Codex sessions found');
  });

  it('uses RECOUNT_DB when --db is not given', () => {
    const db = path.join(tempDir(), 'env.duckdb');
    const r = runCli(['import', samples('openai', 'usage-dashboard.csv')], { RECOUNT_DB: db });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
  });

  it('sources lists every importer with an example file that exists', () => {
    const rows = JSON.parse(runCli(['sources', '--json']).stdout) as { format: string; example: string }[];
    expect(rows.map((r) => r.format)).toEqual(expect.arrayContaining(['claude-code', 'openai-usage-api', 'openai-usage-csv', 'openai-costs-api', 'openai-cost-csv', 'anthropic-usage-api', 'anthropic-usage-csv', 'anthropic-cost-api', 'anthropic-cost-csv']));
    for (const r of rows) expect(fs.existsSync(path.join(root, r.example)), r.example).toBe(true);
  });

  it('prices --model shows one model and the fingerprint', () => {
    const r = runCli(['prices', '--model', 'claude-sonnet-4-5-20250929', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.model).toBe('claude-sonnet-4-5');
    expect(out.prices[0]).toMatchObject({ input_usd_per_mtok: 3, output_usd_per_mtok: 15 });
    expect(out.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(runCli(['prices', '--model', 'no-such-model']).stderr).toContain("no price for 'no-such-model'");
  });

  it('summary names unpriced models in human output', () => {
    const dir = tempDir();
    const file = path.join(dir, 'usage.csv');
    fs.writeFileSync(file, 'start_time,end_time,project_id,num_model_requests,model,batch,input_tokens,output_tokens,input_cached_tokens\n1790812800,1790899200,p1,3,gpt-9-turbo,FALSE,1000,10,0\n');
    const db = path.join(dir, 'l.duckdb');
    expect(runCli(['import', file, '--db', db]).status).toBe(0);
    const r = runCli(['summary', '--db', db]);
    expect(r.stdout).toContain('UNPRICED');
    expect(r.stdout).toContain('gpt-9-turbo');
  });
});
