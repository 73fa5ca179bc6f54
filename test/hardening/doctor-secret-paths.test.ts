import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskSecretsIn } from '../../src/import/mask-path.js';
import { type CliResult, type Run, runCli, samples, tempDir, withDb } from '../helpers.js';

// Issue 14: a ledger written before paths were stored masked still holds a folder's planted key in every
// column that stores a path (and in record keys built from a path). `recount doctor` lists them masked;
// `--fix` stores them as a new import would, so nothing of the key is left and re-imports still skip and
// dedupe.

const KEY = 'sk-ant-api03-Hd7Kq2Vm9Lx4Wp8Tz3Bn6Rc1Fj5Gs0YaUe4Ri7Oo2Pw9As3Df6Gh1Jk8Lz5Xc0Vb-_Nm4Qw7Er2Ty9Ui3Op6-ZyXwVuTsRqAA';
/** The parts of the key no output may hold: all but the short prefix a mask keeps. */
const TAILS = [KEY.slice(10, 26), KEY.slice(40, 56), KEY.slice(-16)];
const leaks = (text: string) => TAILS.filter((t) => text.includes(t));

/** What a new import stores wherever a path or a record key is kept: compared before and after. */
const STORED = {
  usage: 'SELECT source, record_key, source_file, source_line FROM usage ORDER BY ALL',
  invoice_lines: 'SELECT source, record_key, source_file, source_line FROM invoice_lines ORDER BY ALL',
  agent_events: 'SELECT source, record_key, source_file, source_line FROM agent_events ORDER BY ALL',
  rejects: 'SELECT source_file, source_line, reason FROM rejects ORDER BY ALL',
  import_files: 'SELECT import_id, path, rows_read FROM import_files ORDER BY ALL',
  file_state: 'SELECT path, size_bytes, mtime_ms, consumed_bytes FROM file_state ORDER BY ALL',
};
type Stored = Record<keyof typeof STORED, unknown[]>;

const readStored = (db: string): Promise<Stored> =>
  withDb(db, async (run) => Object.fromEntries(await Promise.all(Object.entries(STORED).map(async ([t, q]) => [t, await run(q)] as const))) as Stored);

/**
 * Turns a ledger into one an older recount wrote: every stored path holds the raw folder, and a codex
 * row keyed by its file's path (the log names no session id) carries that key raw.
 */
async function makeOlder(db: string, rawDir: string): Promise<void> {
  const p = { masked: maskSecretsIn(rawDir), raw: rawDir };
  await withDb(db, async (run) => {
    await rawCodexKeys(run, p);
    for (const [table, column] of [['usage', 'source_file'], ['invoice_lines', 'source_file'], ['agent_events', 'source_file'], ['rejects', 'source_file'], ['import_files', 'path'], ['file_state', 'path']]) {
      await run(`UPDATE ${table} SET ${column} = replace(${column}, $masked, $raw)`, p);
    }
  });
}

/**
 * Codex rows keyed by their file's path get the raw key an older recount stored: rebuilt from the rows
 * (path:cumulative totals) and checked against the hash the new import stored.
 */
async function rawCodexKeys(run: Run, p: Record<string, string>): Promise<void> {
  const keys = await run(
    `SELECT rowid AS rid, record_key,
            concat_ws(':', replace(source_file, $masked, $raw), sum(input_tokens + cache_read_tokens) OVER w, sum(cache_read_tokens) OVER w,
                      sum(output_tokens) OVER w, sum(reasoning_tokens) OVER w) AS raw_key
     FROM usage WHERE source = 'codex' WINDOW w AS (PARTITION BY source_file ORDER BY source_line)`,
    p,
  );
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) expect(k.record_key).toBe(`secret-…${(await run('SELECT left(sha256($k), 12) AS h', { k: String(k.raw_key) }))[0].h}`);
  await run('CREATE TEMP TABLE raw_keys AS SELECT * FROM (VALUES ' + keys.map((k) => `(${k.rid}, '${String(k.raw_key).replaceAll("'", "''")}')`).join(', ') + ') t(rid, raw_key)');
  await run('UPDATE usage SET record_key = k.raw_key FROM raw_keys k WHERE usage.rowid = k.rid');
}

/** A codex log without a session id, in a file whose name has none: its rows are keyed by the path. */
function writeCodexWithoutId(file: string): void {
  const codex = fs.readFileSync(samples('codex', 'archived_sessions', 'rollout-2026-10-02T16-05-44-01a0fd5d-4b46-7fad-b1d5-3af006786b7c.jsonl'), 'utf8');
  fs.writeFileSync(file, codex.replace(/"payload":\{"id":"[^"]+",/, '"payload":{'));
}

describe('recount doctor on a ledger that stores a folder\'s key raw', () => {
  const root = tempDir('recount-doctor-paths-');
  const db = path.join(root, 'ledger.duckdb');
  const dir = path.join(root, 'exports', KEY);
  const outputs: { args: string; r: CliResult }[] = [];
  const cli = (...args: string[]) => {
    const r = runCli([...args, '--db', db]);
    outputs.push({ args: args.join(' '), r });
    return r;
  };

  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'codex'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'claude', 'projects', '-home-dev-acme-web'), { recursive: true });
    // a row that is rejected, so rejects names the file too
    const bad = '2026-10-20,claude-sonnet-4-5-20250929,prod-backend,Production,standard,≤ 200k,lots,0,0,0,10,0,global,\n';
    fs.writeFileSync(path.join(dir, 'console-usage.csv'), fs.readFileSync(samples('anthropic', 'console-usage.csv'), 'utf8') + bad);
    fs.copyFileSync(samples('anthropic', 'console-cost.csv'), path.join(dir, 'console-cost.csv'));
    writeCodexWithoutId(path.join(dir, 'codex', 'rollout-2026-10-02T16-05-44.jsonl'));
    const claude = samples('claude-code', 'projects', '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl');
    fs.copyFileSync(claude, path.join(dir, 'claude', 'projects', '-home-dev-acme-web', path.basename(claude)));
  });

  it('lists the paths masked; --fix stores them as an import would, once; re-imports skip and dedupe', async () => {
    const first = cli('import', dir, '--json');
    expect(first.status, first.stderr).toBe(0);
    const asImported = await readStored(db);
    expect(asImported.agent_events.length).toBeGreaterThan(0);
    expect(asImported.rejects.length).toBeGreaterThan(0);

    await makeOlder(db, dir);
    expect(leaks(fs.readFileSync(db).toString('latin1')), 'the older ledger holds the key').not.toEqual([]);

    const listed = cli('doctor', '--wide');
    expect(listed.status, listed.stderr).toBe(0);
    for (const table of Object.keys(STORED)) expect(listed.stdout).toMatch(new RegExp(`\\d+ stored file paths hold what looks like a secret in ${table}\\n`));
    expect(listed.stdout).toContain(`${maskSecretsIn(dir)}/console-usage.csv`);
    expect(listed.stdout).toContain('run recount doctor --fix');
    const json = JSON.parse(cli('doctor', '--json').stdout) as { fixed: boolean; secret_paths: { paths: number; by_table: Record<string, number>; record_keys: Record<string, number> } };
    expect(json).toMatchObject({ fixed: false, secret_paths: { paths: 4, by_table: { usage: 3, import_files: 4, file_state: 4, invoice_lines: 1, rejects: 1, agent_events: 1 }, record_keys: { usage: 3 } } });

    const fixed = cli('doctor', '--fix');
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('stored 4 file paths and 3 record keys masked');
    const afterFix = await readStored(db);
    expect(afterFix).toEqual(asImported); // exactly as a new import stores them
    expect(leaks(fs.readFileSync(db).toString('latin1'))).toEqual([]);

    const again = cli('doctor', '--fix', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ fixed: false, secret_paths: { paths: 0, record_keys: {} } });
    expect(await readStored(db)).toEqual(afterFix);
    expect(cli('doctor').stdout).toContain('no stored file path holds a secret');

    const reimport = cli('import', dir, '--json');
    expect(reimport.status, reimport.stderr).toBe(0);
    expect(JSON.parse(reimport.stdout)).toMatchObject({ files: [], unchanged_files: 4, totals: { imported: 0 } });
    // read again (new modification times): every row is a duplicate of its stored key, the codex rows
    // too, whose keys are built from the path; the rejected line is not kept twice
    const later = new Date('2026-11-01T00:00:00Z');
    for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (f.isFile()) fs.utimesSync(path.join(f.parentPath, f.name), later, later);
    const reread = cli('import', dir, '--json');
    expect(reread.status, reread.stderr).toBe(0);
    const report = JSON.parse(reread.stdout) as { files: { path: string; imported: number; duplicates: number }[]; totals: { imported: number; duplicates: number } };
    expect(report.totals).toMatchObject({ imported: 0, duplicates: 111 });
    expect(report.files.find((f) => f.path.includes('/codex/'))).toMatchObject({ imported: 0, duplicates: 3 });
    const afterReread = await readStored(db);
    expect([afterReread.usage, afterReread.invoice_lines, afterReread.agent_events, afterReread.rejects]).toEqual([asImported.usage, asImported.invoice_lines, asImported.agent_events, asImported.rejects]);

    for (const { args, r } of outputs) expect(leaks(r.stdout + r.stderr), args).toEqual([]);
    expect(leaks(fs.readFileSync(db).toString('latin1'))).toEqual([]);
  }, 240_000);
});

describe('recount doctor after a newer recount imported the same files again', () => {
  it('keeps one row per key, one remembered state per file and one reject per line, and finishes a rewrite left pending', async () => {
    const root = tempDir('recount-doctor-shadow-');
    const db = path.join(root, 'ledger.duckdb');
    const dir = path.join(root, KEY);
    fs.mkdirSync(dir);
    const bad = '2026-10-20,claude-sonnet-4-5-20250929,prod-backend,Production,standard,≤ 200k,lots,0,0,0,10,0,global,\n';
    fs.writeFileSync(path.join(dir, 'console-usage.csv'), fs.readFileSync(samples('anthropic', 'console-usage.csv'), 'utf8') + bad);
    fs.copyFileSync(samples('anthropic', 'console-cost.csv'), path.join(dir, 'console-cost.csv'));
    writeCodexWithoutId(path.join(dir, 'rollout-2026-10-02T16-05-44.jsonl'));
    const run = (...args: string[]) => runCli([...args, '--db', db]);
    expect(run('import', dir).status).toBe(0);
    const asImported = await readStored(db);
    await makeOlder(db, dir);
    // the newer recount finds no raw path and no raw key: it reads the files again, and the codex rows,
    // keyed by their path, are stored a second time under the masked key
    expect(JSON.parse(run('import', dir, '--json').stdout)).toMatchObject({ unchanged_files: 0, totals: { imported: 3 } });
    const shadowed = await readStored(db);
    expect([shadowed.usage.length, shadowed.file_state.length, shadowed.rejects.length]).toEqual([asImported.usage.length + 3, 6, 2]);
    const listed = JSON.parse(run('doctor', '--json').stdout) as { secret_paths: { stored_twice: Record<string, number> } };
    expect(listed.secret_paths.stored_twice).toEqual({ usage: 3 });

    fs.chmodSync(db, 0o600);
    const fixed = run('doctor', '--fix', '--json');
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ fixed: true, rewritten_file: true, secret_paths: { paths: 3, by_table: { file_state: 3, rejects: 1 } } });
    const after = await readStored(db);
    expect(after.file_state.map((f) => (f as { path: string }).path)).toEqual(asImported.file_state.map((f) => (f as { path: string }).path));
    expect([after.usage, after.rejects]).toEqual([asImported.usage, asImported.rejects]);
    expect(fs.statSync(db).mode & 0o777).toBe(0o600); // the rewritten file is as private as the ledger was
    expect(leaks(fs.readFileSync(db).toString('latin1'))).toEqual([]);
    expect(JSON.parse(run('import', dir, '--json').stdout)).toMatchObject({ files: [], unchanged_files: 3 });

    // a rewrite that did not happen (a full disk) is finished by the next --fix
    await withDb(db, (q) => q("INSERT INTO settings (key, value) VALUES ('doctor_compact_pending', 'secret paths masked')"));
    expect(run('doctor').stdout).toContain('still holds old copies of masked values; run recount doctor --fix');
    expect(JSON.parse(run('doctor', '--fix', '--json').stdout)).toMatchObject({ fixed: false, rewritten_file: true });
    expect(JSON.parse(run('doctor', '--fix', '--json').stdout)).toMatchObject({ fixed: false, rewritten_file: false });
    expect(fs.readdirSync(root).filter((f) => f.includes('.doctor-'))).toEqual([]);
  }, 240_000);
});
