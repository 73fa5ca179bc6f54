import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { Ledger } from '../../src/db/ledger.js';
import { listMigrations } from '../../src/db/migrate.js';
import { RecountError } from '../../src/errors.js';
import { runCli, samples, tempDir } from '../helpers.js';

describe('ledger file', () => {
  it('creates the schema with the public column names', async () => {
    const ledger = await Ledger.open(path.join(tempDir(), 'l.duckdb'));
    const cols = (await ledger.all<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'usage' ORDER BY ordinal_position")).map((c) => c.column_name);
    expect(cols).toEqual(expect.arrayContaining([
      'record_key', 'source', 'source_file', 'source_line', 'import_id', 'started_at', 'bucket_width', 'provider', 'model', 'model_raw',
      'requests', 'input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens',
      'reasoning_tokens', 'web_search_requests', 'service_tier', 'billed_cost_usd', 'session_id', 'project', 'api_key', 'user_id',
      'workspace', 'agent_id', 'is_sidechain', 'tags', 'tools', 'task_type', 'status', 'latency_ms',
    ]));
    ledger.close();
  });

  it('writes new ledgers in DuckDB 1.4 storage and leaves an older file in its own', async () => {
    const storage = async (ledger: Ledger) =>
      (await ledger.one<{ v: string }>("SELECT tags['storage_version'] AS v FROM duckdb_databases() WHERE database_name = current_database()")).v;
    const fresh = await Ledger.open(path.join(tempDir(), 'new.duckdb'));
    expect(await storage(fresh)).toBe('v1.4.0+');
    fresh.close();

    const file = path.join(tempDir(), 'plain.duckdb');
    const instance = await DuckDBInstance.create(file); // DuckDB's own default format
    instance.closeSync();
    const older = await Ledger.open(file); // creates the schema in it
    await older.run('CHECKPOINT');
    expect(await storage(older)).toBe('v1.0.0+');
    expect(await older.one('SELECT count(*) AS n FROM usage')).toEqual({ n: 0 });
    older.close();
  });

  it('upgrades an older ledger file when it opens', async () => {
    const file = path.join(tempDir(), 'old.duckdb');
    // a ledger written by a version that only had the first migration
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())');
    const [first] = listMigrations();
    await conn.run(first.sql);
    await conn.run(`INSERT INTO schema_migrations (version, name) VALUES (${first.version}, '${first.name}')`);
    conn.closeSync();
    instance.closeSync();

    const ledger = await Ledger.open(file, { readOnly: true });
    const versions = (await ledger.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
    expect(versions).toEqual(listMigrations().map((m) => m.version));
    ledger.close();
  });

  it('upgrades a ledger with rows in it from every older schema step', async () => {
    const steps = listMigrations();
    for (let done = 1; done < steps.length; done++) {
      const file = path.join(tempDir(), `step-${done}.duckdb`);
      const instance = await DuckDBInstance.create(file);
      const conn = await instance.connect();
      await conn.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())');
      for (const m of steps.slice(0, done)) {
        await conn.run(m.sql);
        await conn.run(`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}')`);
      }
      // rows every later step rewrites: an OpenAI CSV key (007), a row's time (008), a prompt (010)
      await conn.run(`INSERT INTO usage (record_key, source, source_file, import_id, started_at, provider, model, prompt_text) VALUES
        ('2026-10-01|gpt-4o|proj', 'openai-usage-csv', 'u.csv', 'i1', TIMESTAMPTZ '2026-10-01', 'openai', 'gpt-4o', NULL),
        ('msg_1:req_1', 'claude-code', 's.jsonl', 'i1', TIMESTAMPTZ '2026-10-01', 'anthropic', 'claude-sonnet-4-5', 'fix the test')`);
      conn.closeSync();
      instance.closeSync();

      const ledger = await Ledger.open(file);
      const rows = await ledger.all<{ record_key: string; prompt_text: string | null }>(
        'SELECT record_key, prompt_text FROM usage_with_prompts ORDER BY source',
      );
      const hashed = done < 7 ? (await ledger.one<{ k: string }>("SELECT md5('2026-10-01|gpt-4o|proj') AS k")).k : '2026-10-01|gpt-4o|proj';
      expect(rows, `from step ${done}`).toEqual([
        { record_key: 'msg_1:req_1', prompt_text: 'fix the test' },
        { record_key: hashed, prompt_text: null },
      ]);
      const notNull = await ledger.one<{ n: number }>(
        "SELECT count(*)::INTEGER AS n FROM duckdb_constraints() WHERE table_name = 'usage' AND constraint_type = 'NOT NULL' AND list_contains(constraint_column_names, 'record_key')",
      );
      expect(notNull.n, `record_key stays NOT NULL from step ${done}`).toBe(1);
      ledger.close();
    }
  });

  it('refuses to write a ledger a newer recount has migrated further', async () => {
    const file = path.join(tempDir(), 'newer.duckdb');
    const ledger = await Ledger.open(file);
    await ledger.run("INSERT INTO schema_migrations (version, name) VALUES (999, '999_from_the_future')");
    ledger.close();
    const err = await Ledger.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecountError);
    expect((err as RecountError).message).toMatch(/newer\.duckdb was written by a newer recount \(schema step 999; this one knows up to \d+\)/);
  });

  it('tells a second process that the ledger is locked, without a stack trace', async () => {
    const file = path.join(tempDir(), 'locked.duckdb');
    const holder = await Ledger.open(file);
    try {
      const r = runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', file]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^recount: ledger .*locked\.duckdb is locked by process \d+/);
      expect(r.stderr).toContain('hint: ');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  });

  it('runs a statement with a higher memory limit, unless RECOUNT_MEMORY_LIMIT sets one', async () => {
    const ledger = await Ledger.open(path.join(tempDir(), 'm.duckdb'));
    const limit = async () => (await ledger.one<{ v: string }>("SELECT current_setting('memory_limit') AS v")).v;
    const saved = process.env.RECOUNT_MEMORY_LIMIT;
    try {
      delete process.env.RECOUNT_MEMORY_LIMIT;
      const before = await limit();
      expect(await ledger.withMemoryLimit('768MB', limit)).not.toBe(before);
      expect(await limit()).toBe(before); // restored afterwards
      process.env.RECOUNT_MEMORY_LIMIT = '384MB';
      expect(await ledger.withMemoryLimit('768MB', limit)).toBe(before); // the user's limit holds
      await expect(ledger.withMemoryLimit('lots', limit)).resolves.toBe(before);
      delete process.env.RECOUNT_MEMORY_LIMIT;
      await expect(ledger.withMemoryLimit('lots', limit)).rejects.toThrow(/memory limit 'lots' is not a size/);
    } finally {
      if (saved === undefined) delete process.env.RECOUNT_MEMORY_LIMIT;
      else process.env.RECOUNT_MEMORY_LIMIT = saved;
      ledger.close();
    }
  });

  it('refuses a file that is not a ledger', () => {
    const file = path.join(tempDir(), 'notes.duckdb');
    fs.writeFileSync(file, 'hello, not a database');
    const r = runCli(['summary', '--db', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is not a recount ledger');
  });
});
