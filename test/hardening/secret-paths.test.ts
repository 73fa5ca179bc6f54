import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { holdsSecret, maskSecretsIn } from '../../src/import/mask-path.js';
import { sql } from '../../src/db/sql.js';
import { newLedger, runCli, samples, tempDir, type CliResult } from '../helpers.js';

// Issue 14: a folder named after an API key (exports/sk-ant-api03-…/usage.csv) must not put the key in
// the ledger (usage, invoice_lines, rejects, import_files, file_state), in any command's output or in
// the report; the next import still finds the file's remembered state and skips it.

const KEYS = {
  ant: 'sk-ant-api03-Qm7Vx2Lp9Kd4Wr8Tz3Hn6Bc1Fj5Gs0YaUe4Ri7Oo2Pw9As3Df6Gh1Jk8Lz5Xc0Vb-_Nm4Qw7Er2Ty9Ui3Op6-AbCdEfGhIjAA',
  proj: 'sk-proj-Rk3Lm8Nq2Wv7Xz4Bt9Hc5Jd1Fg6Ps0YuTr5Ew',
  github: 'ghp_Zx9Cv8Bn7Ma6Sd5Fg4Hj3Kl2Qw1Er0TyUiO',
  aws: 'AKIAQX7RZ4MB2KW9TLNE',
};
/** The parts of a key no output may hold: all but the short prefix a mask keeps. */
const tails = Object.values(KEYS).flatMap((k) => [k.slice(10, 26), k.slice(-16)]);
const leaks = (text: string) => tails.filter((t) => text.includes(t));

describe('maskSecretsIn: secrets in paths', () => {
  let ledger: Ledger | undefined;
  afterEach(() => ledger?.close());

  it('masks every shape the ledger masks, keeps a stable hash per key and changes nothing twice', async () => {
    const paths = [
      `/data/exports/${KEYS.ant}/usage.csv`,
      `/data/${KEYS.proj}/logs.jsonl`,
      `/data/${KEYS.github}-spend.jsonl`,
      `/data/${KEYS.aws}/usage.csv`,
      `/data/${'sk-or-v1-' + '0123456789abcdef'.repeat(4)}/a.json`,
      `/data/${'AIza' + 'SyB7xK2mQ9wL4tR8vN3pZ6cH1jF5gD0sA'}/b.csv`,
      '/data/Bearer eyJhbGciOiJIUzI1NiJ9abcdef/c.csv',
      '/data/client_secret=Wm3Kq8Lx2Nv7Bz4Hc9Td/d.csv',
    ];
    ledger = await newLedger();
    await ledger.run(sql('import/macros/mask_secrets'));
    for (const p of paths) {
      const masked = maskSecretsIn(p);
      const { sql_masks } = await ledger.one<{ sql_masks: boolean }>('SELECT mask_secrets($p) <> $p AS sql_masks', { p });
      expect([sql_masks, holdsSecret(p)], p).toEqual([true, true]);
      expect(masked).toMatch(/…[0-9a-f]{12}/);
      expect(maskSecretsIn(masked), p).toBe(masked);
      expect(leaks(masked), p).toEqual([]);
      expect(path.basename(masked).length).toBeGreaterThan(0);
    }
    expect(maskSecretsIn(paths[0])).toBe(maskSecretsIn(paths[0]));
    expect(maskSecretsIn(paths[0])).toMatch(/^\/data\/exports\/sk-ant-api…[0-9a-f]{12}\/usage\.csv$/);
    // another key in the same place is another name: two folders stay two files
    expect(maskSecretsIn(paths[0].replace('AbCdEfGhIjAA', 'AbCdEfGhIjBB'))).not.toBe(maskSecretsIn(paths[0]));
  });

  it('leaves ordinary paths alone', () => {
    for (const p of ['/home/dev/task-management-system/usage.csv', '/srv/exports/2026-10/console-usage.csv', '/x/secrets/usage.csv', '/x/desk-organizer-exports/a.jsonl']) {
      expect(maskSecretsIn(p), p).toBe(p);
    }
  });
});

describe('an import from folders named after keys', () => {
  const root = tempDir('recount-secret-paths-');
  const db = path.join(root, 'ledger.duckdb');
  const antDir = path.join(root, 'exports', KEYS.ant);
  const gatewayFile = path.join(root, 'gateway', KEYS.proj, `${KEYS.github}-spend-logs.jsonl`);
  const awsFile = path.join(root, 'exports', KEYS.aws, 'usage [october].csv'); // a glob character too
  const outputs: { args: string; r: CliResult }[] = [];
  const cli = (...args: string[]) => {
    const r = runCli([...args, '--db', db]);
    outputs.push({ args: args.join(' '), r });
    return r;
  };

  beforeAll(() => {
    fs.mkdirSync(antDir, { recursive: true });
    fs.mkdirSync(path.dirname(gatewayFile), { recursive: true });
    fs.mkdirSync(path.dirname(awsFile), { recursive: true });
    // a row that is rejected, so rejects names the file too
    const bad = '2026-10-20,claude-sonnet-4-5-20250929,prod-backend,Production,standard,≤ 200k,lots,0,0,0,10,0,global,\n';
    fs.writeFileSync(path.join(antDir, 'console-usage.csv'), fs.readFileSync(samples('anthropic', 'console-usage.csv'), 'utf8') + bad);
    fs.copyFileSync(samples('anthropic', 'console-cost.csv'), path.join(antDir, 'console-cost.csv'));
    fs.copyFileSync(samples('litellm', 'spend-logs.jsonl'), gatewayFile);
    fs.copyFileSync(samples('openai', 'usage-dashboard.csv'), awsFile);
  });

  it('stores no key and shows none, and the next import still skips the unchanged files', async () => {
    const first = cli('import', root, '--verbose', '--wide');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/sk-ant-api…[0-9a-f]{12}/); // the file, named masked
    expect(first.stdout).toContain('see the rejected rows');

    const again = cli('import', root, '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: [], unchanged_files: 4 });

    // a grown gateway log is read from where the last import stopped, under the same stored name
    const lines = fs.readFileSync(gatewayFile, 'utf8').trimEnd().split('\n');
    fs.appendFileSync(gatewayFile, `${lines.at(-1)!.replace(/"request_id":"([^"]+)"/, '"request_id":"$1-appended"')}\n`);
    const grown = cli('import', root, '--json');
    expect(grown.status, grown.stderr).toBe(0);
    expect(JSON.parse(grown.stdout)).toMatchObject({ unchanged_files: 3, resumed_files: 1, totals: { files: 1, imported: 1 } });

    const missing = cli('import', path.join(antDir, 'missing.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/sk-ant-api…[0-9a-f]{12}\/missing\.csv: no such file/);

    for (const args of [['rejects'], ['rejects', '--json'], ['query', 'imported_files', '--json'], ['query', 'ledger_rows', '--json'], ['summary', '--month', '2026-10']]) {
      expect(cli(...args).status, args.join(' ')).toBe(0);
    }
    expect(outputs.find((o) => o.args === 'rejects --json')!.r.stdout).toMatch(/sk-ant-api…[0-9a-f]{12}\/console-usage\.csv/);
    const report = path.join(root, 'report.html');
    expect(cli('report', '--month', '2026-10', '--out', report).status).toBe(0);
    const exported = path.join(root, 'rows.csv');
    expect(cli('export', '--format', 'csv', '--out', exported, '--month', '2026-10').status).toBe(0);

    for (const { args, r } of outputs) expect(leaks(r.stdout + r.stderr), args).toEqual([]);
    expect(leaks(fs.readFileSync(report, 'utf8'))).toEqual([]);
    expect(leaks(fs.readFileSync(exported, 'utf8'))).toEqual([]);

    // the ledger: every text column of every table, then the file's bytes after a checkpoint
    const instance = await DuckDBInstance.create(db);
    const conn = await instance.connect();
    const stored = (await conn.runAndReadAll(STORED_PATHS)).getRowObjectsJS() as { place: string; path: string }[];
    expect(new Set(stored.map((s) => s.place))).toEqual(new Set(['usage', 'invoice_lines', 'rejects', 'import_files', 'file_state']));
    expect(stored.filter((s) => leaks(s.path).length)).toEqual([]);
    const gateway = stored.filter((s) => s.place === 'usage' && s.path.includes('spend-logs')).map((s) => s.path);
    expect(gateway).toEqual([expect.stringMatching(/\/gateway\/sk-proj-Rk3…[0-9a-f]{12}\/ghp_…[0-9a-f]{12}-spend-logs\.jsonl$/)]);
    expect((await conn.runAndReadAll("SELECT count(*)::INTEGER AS n FROM file_state")).getRowObjectsJS()).toEqual([{ n: 4 }]);
    const columns = (await conn.runAndReadAll(TEXT_COLUMNS)).getRowObjectsJS() as { table_name: string; column_name: string }[];
    expect(columns.length).toBeGreaterThan(40);
    const params = Object.fromEntries(tails.map((t, i) => [`t${i}`, t]));
    for (const { table_name, column_name } of columns) {
      const holds = tails.map((_, i) => `contains(CAST("${column_name}" AS VARCHAR), $t${i})`).join(' OR ');
      const [{ n }] = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM "${table_name}" WHERE ${holds}`, params)).getRowObjectsJS() as { n: number }[];
      expect(n, `${table_name}.${column_name}`).toBe(0);
    }
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    const bytes = fs.readFileSync(db).toString('latin1');
    expect(leaks(bytes)).toEqual([]);
  }, 240_000);
});

const STORED_PATHS = `
SELECT DISTINCT 'usage' AS place, source_file AS path FROM usage
UNION ALL SELECT DISTINCT 'invoice_lines', source_file FROM invoice_lines
UNION ALL SELECT DISTINCT 'rejects', source_file FROM rejects
UNION ALL SELECT DISTINCT 'import_files', path FROM import_files
UNION ALL SELECT DISTINCT 'file_state', path FROM file_state`;

const TEXT_COLUMNS = `
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = 'main' AND (data_type LIKE 'VARCHAR%' OR data_type LIKE 'JSON%' OR data_type LIKE 'MAP%' OR data_type LIKE 'STRUCT%')
  AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')`;
