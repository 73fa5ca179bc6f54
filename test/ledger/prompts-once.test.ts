import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { Ledger } from '../../src/db/ledger.js';
import { listMigrations } from '../../src/db/migrate.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { importPaths, newLedger, priceLedger, runCli, samples, tempDir } from '../helpers.js';

// Prompts are stored once (queries/schema/010_store_prompts_once.sql): usage rows carry the md5 of
// their prompt, the prompts table its text, once; usage_with_prompts shows rows with their text.

const count = async (ledger: Ledger, sql: string) => (await ledger.one<{ n: number }>(sql)).n;

/** A ledger file as recount wrote it before migration 010, with prompts on every row. */
async function ledgerBeforePrompts(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())');
  for (const m of listMigrations().filter((m) => m.version < 10)) {
    await conn.run(m.sql);
    await conn.run(`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}')`);
  }
  await conn.run(`INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, output_tokens, session_id, prompt_text)
    VALUES ('msg:a', 'claude-code', 'imp_old', TIMESTAMPTZ '2026-10-20 10:00:00+00', 'anthropic', 'claude-opus-4-6', 'claude-opus-4-6', 1, 10, 's1', 'fix the flaky test'),
           ('msg:b', 'claude-code', 'imp_old', TIMESTAMPTZ '2026-10-20 10:01:00+00', 'anthropic', 'claude-opus-4-6', 'claude-opus-4-6', 1, 20, 's1', 'fix the flaky test'),
           ('msg:c', 'claude-code', 'imp_old', TIMESTAMPTZ '2026-10-20 10:02:00+00', 'anthropic', 'claude-opus-4-6', 'claude-opus-4-6', 1, 30, 's1', 'now add docs'),
           ('csv:d', 'openai-usage-csv', 'imp_old', TIMESTAMPTZ '2026-10-20 00:00:00+00', 'openai', 'gpt-5', 'gpt-5', 3, 40, NULL, NULL)`);
  conn.closeSync();
  instance.closeSync();
}

describe('prompts stored once', () => {
  it('an older ledger moves its prompts into the prompts table when it opens', async () => {
    const file = path.join(tempDir(), 'old.duckdb');
    await ledgerBeforePrompts(file);
    const ledger = await Ledger.open(file);
    expect(await ledger.all('SELECT prompt_text, count(*) AS n FROM prompts GROUP BY ALL ORDER BY ALL')).toEqual([
      { prompt_text: 'fix the flaky test', n: 1 },
      { prompt_text: 'now add docs', n: 1 },
    ]);
    expect(await count(ledger, 'SELECT count(*) AS n FROM usage WHERE prompt_text IS NOT NULL')).toBe(0);
    expect(await ledger.all('SELECT record_key, prompt_hash = md5(prompt_text) AS hashed, prompt_text FROM usage_with_prompts ORDER BY record_key')).toEqual([
      { record_key: 'csv:d', hashed: null, prompt_text: null },
      { record_key: 'msg:a', hashed: true, prompt_text: 'fix the flaky test' },
      { record_key: 'msg:b', hashed: true, prompt_text: 'fix the flaky test' },
      { record_key: 'msg:c', hashed: true, prompt_text: 'now add docs' },
    ]);
    // runaway_sessions tells the two prompts apart by their md5
    await priceLedger(ledger);
    const [session] = await runNamedQuery<{ prompts: number; max_requests_per_prompt: number }>(ledger, 'runaway_sessions', { max_session_usd: '0' });
    expect(session).toMatchObject({ prompts: 2, max_requests_per_prompt: 2 });
    ledger.close();
  });

  it('an import stores each distinct prompt once, and a re-import adds none', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('claude-code')]);
    const distinct = await count(ledger, 'SELECT count(DISTINCT prompt_hash) AS n FROM usage');
    expect(distinct).toBeGreaterThan(1);
    expect(await ledger.all('SELECT count(*) AS n, count(DISTINCT prompt_hash) AS d FROM prompts')).toEqual([{ n: distinct, d: distinct }]);
    expect(await count(ledger, 'SELECT count(*) AS n FROM usage u WHERE prompt_hash NOT IN (SELECT prompt_hash FROM prompts)')).toBe(0);
    expect(await count(ledger, 'SELECT count(*) AS n FROM usage WHERE prompt_text IS NOT NULL')).toBe(0);
    expect(await count(ledger, 'SELECT count(*) AS n FROM prompts WHERE md5(prompt_text) <> prompt_hash')).toBe(0);
    await importPaths(ledger, [samples('claude-code')]);
    expect(await count(ledger, 'SELECT count(*) AS n FROM prompts')).toBe(distinct);
  });

  it('the export and the report leave prompts out, and forget takes them with their import', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    expect(runCli(['import', samples('claude-code'), '--db', db]).status).toBe(0);
    expect(runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', db]).status).toBe(0);
    const ledger = await Ledger.open(db, { readOnly: true });
    await priceLedger(ledger);
    const [row] = await runNamedQuery<Record<string, unknown>>(ledger, 'ledger_rows');
    expect(Object.keys(row)).not.toContain('prompt_text');
    expect(Object.keys(row)).not.toContain('prompt_hash');
    const [claude] = await ledger.all<{ import_id: string }>("SELECT DISTINCT import_id FROM usage WHERE source = 'claude-code'");
    expect(await count(ledger, 'SELECT count(*) AS n FROM prompts')).toBeGreaterThan(0);
    ledger.close();

    const r = runCli(['forget', '--import', claude.import_id, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const after = await Ledger.open(db, { readOnly: true });
    expect(await count(after, 'SELECT count(*) AS n FROM prompts')).toBe(0);
    expect(await count(after, 'SELECT count(*) AS n FROM usage')).toBeGreaterThan(0);
    after.close();
  });
});
