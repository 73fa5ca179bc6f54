import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { listQueries, runNamedQuery } from '../../src/db/named-query.js';
import { priceLedger, runCli, samples, tempDir } from '../helpers.js';

// `recount forget` removes one import; `recount doctor` finds and moves rows that break the import
// rules (as an older recount could have written them); sums cannot overflow on a ledger at the limits.

const count = async (ledger: Ledger, table: string, where = 'true') => (await ledger.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).n;

/** Plants rows as an older recount, without the rules, could have written them. */
async function plant(db: string, rows: { key: string; bucket?: string; tokens: bigint | number; started?: string; cost?: number | null }[]): Promise<void> {
  const ledger = await Ledger.open(db);
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, source_file, source_line, import_id, started_at, bucket_width, provider, model, model_raw, requests,
                          input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, billed_cost_usd, task_type, status)
       VALUES ($key, 'litellm-spendlogs-jsonl', 'old.jsonl', 1, 'imp_old', CAST($started AS TIMESTAMPTZ), $bucket, 'anthropic', 'claude-sonnet-4-5',
               'claude-sonnet-4-5', 1, CAST($tokens AS BIGINT), CAST($tokens AS BIGINT), CAST($tokens AS BIGINT), CAST($tokens AS BIGINT), CAST($tokens AS BIGINT), $cost, 'unclassified', 'ok')`,
      { key: r.key, bucket: r.bucket ?? null, tokens: String(r.tokens), started: r.started ?? '2026-10-05T10:00:00Z', cost: r.cost ?? null },
    );
  }
  ledger.close();
}

describe('recount forget', () => {
  it('removes one import run and nothing else, in one transaction', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    expect(runCli(['import', samples('litellm', 'spend-logs.jsonl'), '--db', db]).status).toBe(0);
    expect(runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', db]).status).toBe(0);
    const ledger = await Ledger.open(db, { readOnly: true });
    const [first] = await ledger.all<{ import_id: string }>("SELECT DISTINCT import_id FROM import_files WHERE path LIKE '%spend-logs.jsonl'");
    const others = await count(ledger, 'usage', `import_id <> '${first.import_id}'`);
    ledger.close();

    const r = runCli(['forget', '--import', first.import_id, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).removed.usage_rows).toBeGreaterThan(0);
    const after = await Ledger.open(db, { readOnly: true });
    for (const table of ['usage', 'invoice_lines', 'rejects', 'import_files']) expect(await count(after, table, `import_id = '${first.import_id}'`)).toBe(0);
    expect(await count(after, 'usage')).toBe(others);
    after.close();
    // the file can come back
    expect(runCli(['import', samples('litellm', 'spend-logs.jsonl'), '--db', db]).stdout).toMatch(/[1-9]\d* imported/);
  });

  it('says so when there is no such import', () => {
    const db = path.join(tempDir(), 'l.duckdb');
    expect(runCli(['import', samples('litellm', 'spend-logs.jsonl'), '--db', db]).status).toBe(0);
    const r = runCli(['forget', '--import', 'imp_nope', '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no import imp_nope');
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('recount doctor', () => {
  it('lists rows that break the rules, and --fix moves them to rejects so every command works again', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    expect(runCli(['import', samples('litellm', 'spend-logs.jsonl'), '--db', db]).status).toBe(0);
    await plant(db, [
      { key: 'overflow-a', tokens: 9_000_000_000_000_000_000n },
      { key: 'overflow-b', tokens: 9_000_000_000_000_000_000n },
      { key: 'negative', tokens: -5 },
      { key: 'nan-cost', tokens: 10, cost: Number.NaN },
      { key: 'epoch-ms', tokens: 10, started: '1970-01-21T08:53:20Z' },
    ]);
    const listed = runCli(['doctor', '--db', db, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const found = JSON.parse(listed.stdout) as { implausible_rows: number; rows: { record_key: string; reason: string }[] };
    expect(found.implausible_rows).toBe(5);
    expect(found.rows.find((r) => r.record_key === 'epoch-ms')!.reason).toContain('epoch seconds read as milliseconds');

    const fixed = runCli(['doctor', '--fix', '--db', db]);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('moved 5 implausible rows to rejects');
    expect(runCli(['doctor', '--db', db]).stdout).toContain('every usage row is plausible');
    const rejects = runCli(['rejects', '--db', db, '--json']);
    expect((JSON.parse(rejects.stdout) as { reason: string }[]).filter((r) => r.reason.startsWith('doctor: '))).toHaveLength(5);
    for (const args of [['summary'], ['forensics'], ['report', '--out', path.join(path.dirname(db), 'r.html')]]) {
      const r = runCli([...args, '--db', db]);
      expect(r.status, `${args[0]}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('a ledger at the limits of the rules', () => {
  it('runs every named query and read command without an overflow', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    // rows at the largest plausible values: aggregated buckets at 10^13 tokens, requests at 10^9
    await plant(db, [
      ...Array.from({ length: 40 }, (_, k) => ({ key: `bucket-${k}`, bucket: '1d', tokens: 10_000_000_000_000, started: `2026-10-${String((k % 28) + 1).padStart(2, '0')}T00:00:00Z` })),
      ...Array.from({ length: 40 }, (_, k) => ({ key: `request-${k}`, tokens: 1_000_000_000, cost: 1e6 })),
    ]);
    const ledger = await Ledger.open(db);
    await priceLedger(ledger);
    for (const q of listQueries()) {
      const given = Object.fromEntries(q.params.filter((p) => p.defaultValue === undefined).map((p) => [p.name, p.type === 'DATE' ? '2026-10-01' : '1']));
      await expect(runNamedQuery(ledger, q.name, given), q.name).resolves.toBeDefined();
    }
    const [total] = await runNamedQuery<{ input_tokens: number }>(ledger, 'summary');
    // the 40 requests fall on a day two buckets cover: they count, and the buckets add only the rest
    expect(Number(total.input_tokens)).toBe(40 * 1e13);
    ledger.close();

    // and every command that reads the ledger
    const out = tempDir();
    const policies = ['identity', 'cheap-by-default', 'budget-cap'].flatMap((p) => ['--policy', samples('policies', `${p}.yaml`)]);
    const commands = [
      ['summary', '--json'],
      ['forensics', '--json', '--cap', '10'],
      ['whatif', ...policies, '--json'],
      ['report', ...policies, '--out', path.join(out, 'r.html')],
      ...['parquet', 'csv', 'arrow'].map((f) => ['export', '--format', f, '--out', path.join(out, `e.${f}`)]),
    ];
    for (const args of commands) {
      const r = runCli([...args, '--db', db]);
      expect(r.status, `${args[0]} ${args[2] ?? ''}: ${r.stderr}`).toBe(0);
    }
  }, 300_000); // seven CLI runs, each starting Node and DuckDB
});
