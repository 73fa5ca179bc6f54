import fs from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { root, runCli, samples, tempDir, writeTemp, type CliResult } from '../helpers.js';
import { releaseSpillDir, spillDir } from '../../src/db/spill-dir.js';
import { checkOutPath, type OutCheck } from '../../src/report/write.js';

// the CLI against a hostile environment: concurrent readers, --out aimed at things it must not
// replace, a reader that closes the pipe, foreign DuckDB files, bad zones (issue 14)

const NO_STACK = /\n\s+at |Error: |node:internal/;

/** Runs the built CLI without waiting, so several can run at once. */
function startCli(args: string[], env: Record<string, string> = {}): { pid: number; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'recount.js'), ...args], {
    cwd: root,
    env: { ...process.env, TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', NO_COLOR: '1', CI: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr })));
  return { pid: child.pid!, done };
}

/** The spill folders a traced run reports (`[ledger] <db> spills to <dir>`). */
const spillDirs = (stderr: string) => [...stderr.matchAll(/^\[ledger\] .* spills to (.*)$/gm)].map((m) => m[1]);

/** A process id that is certainly not running: one that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

// one ledger of the OpenAI and Anthropic samples for every test here (its folder holds nothing else)
let db: string;
beforeAll(() => {
  db = path.join(tempDir(), 'ledger.duckdb');
  const r = runCli(['import', samples('openai'), samples('anthropic'), '--db', db]);
  expect(r.status, r.stderr).toBe(0);
});

describe('concurrent readers and the spill folder', () => {
  it('4 reports at once over one ledger all succeed, each spilling to its own folder, none left behind', async () => {
    const dir = tempDir();
    // r1.html is an earlier recount report: replaced without --force
    writeTemp('r1.html', '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="generator" content="recount 0.0.1">\n', dir);
    const runs = [1, 2, 3, 4].map((i) => ({ i, ...startCli(['report', '--db', db, '--out', path.join(dir, `r${i}.html`)], { RECOUNT_TRACE_SQL: '1' }) }));
    const results = await Promise.all(runs.map((r) => r.done));
    const folders = results.map((r, k) => {
      expect(r.status, r.stderr.split('\n').filter((l) => !l.startsWith('[')).join('\n')).toBe(0);
      const own = spillDirs(r.stderr);
      expect(own.length).toBeGreaterThan(0);
      for (const f of own) {
        expect(path.dirname(f)).toBe(path.dirname(db)); // beside the ledger, on the disk the user chose
        expect(path.basename(f)).toMatch(new RegExp(`^ledger\\.duckdb\\.tmp-[0-9a-f]{8}-${runs[k].pid}-[0-9a-f]{8}$`));
      }
      return own;
    });
    expect(new Set(folders.flat()).size).toBe(folders.flat().length);
    for (const { i } of runs) expect(fs.readFileSync(path.join(dir, `r${i}.html`), 'utf8')).toMatch(/<meta name="generator" content="recount (?!0\.0\.1)[^]*<\/html>/);
    expect(fs.readdirSync(path.dirname(db)).filter((f) => f.includes('.tmp'))).toEqual([]);
  }, 180_000); // four reports at once on a busy machine

  it('removes the spill folders of dead processes (and the old shared one, once it holds the write lock)', () => {
    const probe = spillDir(db); // the name this machine's processes use: its host tag
    releaseSpillDir(probe);
    const [, tag] = /\.tmp-([0-9a-f]{8})-/.exec(probe)!;
    const stale = `${db}.tmp-${tag}-${deadPid()}-0badf00d`;
    const live = `${db}.tmp-${tag}-${process.pid}-0badf00d`; // this test's process: running
    const legacy = `${db}.tmp`;
    for (const d of [stale, live, legacy]) writeTemp(d === legacy ? 'duckdb_temp_storage_S32K-0.tmp' : 'spilled.block', 'raw keys', d);

    expect(runCli(['summary', '--db', db]).status).toBe(0); // a reader: only the dead process's folder goes
    expect([fs.existsSync(stale), fs.existsSync(live), fs.existsSync(legacy)]).toEqual([false, true, true]);
    expect(runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', db]).status).toBe(0); // a writer: the shared folder too
    expect([fs.existsSync(live), fs.existsSync(legacy)]).toEqual([true, false]);
    fs.rmSync(live, { recursive: true });
  });
});

describe('--out never replaces what it must not', () => {
  const refused = (r: CliResult, message: string, hint: RegExp) => {
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`recount: ${message}`);
    expect(r.stderr.split('\n')[1]).toMatch(hint);
    expect(r.stderr).not.toMatch(NO_STACK);
  };
  const check = (out: string, c: OutCheck) => () => checkOutPath(out, c);

  it('refuses the ledger itself (by name, through a link, or its WAL), and leaves it intact', () => {
    const before = fs.readFileSync(db);
    refused(runCli(['report', '--db', db, '--out', db, '--force']), `--out ${db} is the ledger itself`, /^hint: name another file/);
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    const link = path.join(tempDir(), 'report.html');
    fs.symlinkSync(db, link);
    expect(check(link, { kind: 'html', ledger: db, force: true })).toThrow(`--out ${link} is the ledger itself`);
    expect(check(`${db}.wal`, { kind: 'csv', ledger: db, force: true })).toThrow(`--out ${db}.wal is the ledger itself`);
  });

  it('refuses a device or a FIFO, even with --force', () => {
    refused(runCli(['report', '--db', db, '--out', '/dev/null', '--force']), '--out /dev/null is not a regular file (a device, FIFO or socket)', /^hint: name a regular file/);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = path.join(tempDir(), 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(check(fifo, { kind: 'parquet', force: true })).toThrow(`--out ${fifo} is not a regular file`);
  });

  it('refuses an unrelated file unless --force (an earlier report is replaced: see the concurrent reports)', () => {
    const notes = writeTemp('notes.html', 'my notes\n');
    refused(runCli(['report', '--db', db, '--out', notes]), `--out ${notes} exists and is not an earlier recount report`, /^hint: choose another path, or pass --force/);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
    const forced = runCli(['report', '--db', db, '--out', notes, '--force', '--title', 'forced']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(fs.readFileSync(notes, 'utf8')).toContain('<title>forced</title>');
  });

  it('an export is known as recount\'s by its own signature; a file of the same format that is not, is refused', () => {
    const dir = tempDir();
    const exported = (format: string) => {
      const out = path.join(dir, `ledger.${format}`);
      expect(runCli(['export', '--db', db, '--format', format, '--out', out]).status).toBe(0);
      return out;
    };
    const header = fs.readFileSync(exported('csv'), 'utf8').split('\n')[0];
    for (const [kind, label] of [['parquet', 'Parquet export'], ['arrow', 'Arrow export']] as const) {
      const out = exported(kind);
      expect(check(out, { kind })).not.toThrow(); // its marker: generator=recount
      const theirs = writeTemp(`theirs.${kind}`, kind === 'parquet' ? 'PAR1 a notebook\'s table PAR1' : 'ARROW1 a notebook\'s table', dir);
      expect(check(theirs, { kind })).toThrow(`--out ${theirs} exists and is not an earlier recount ${label}`);
      expect(check(out, { kind: kind === 'parquet' ? 'arrow' : 'parquet' })).toThrow(); // not the format asked for
    }
    // a CSV has no place for a mark: the header this export writes is its signature
    const csv = path.join(dir, 'ledger.csv');
    expect(check(csv, { kind: 'csv', csvHeader: header })).not.toThrow();
    const r = runCli(['export', '--db', db, '--format', 'csv', '--query', 'spend_by_model', '--out', csv]);
    refused(r, `--out ${csv} exists and is not an earlier recount CSV export of these columns`, /--force/);
    const parquet = path.join(dir, 'theirs.parquet');
    expect(runCli(['export', '--db', db, '--format', 'parquet', '--out', parquet, '--force']).status).toBe(0);
    expect(check(parquet, { kind: 'parquet' })).not.toThrow(); // written, and recount's now
  });
});

describe('stdout that goes away', () => {
  it('a reader that closes the pipe early: exit 0, nothing on stderr', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'recount.js'), 'query', 'ledger_rows', '--db', db, '--json'], { cwd: root });
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length; // like `head -c 100`: read a little, then close
      child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(150_000); // the full output (≈150 KB) did not fit in one read
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it.skipIf(!fs.existsSync('/dev/full'))('stdout on a full disk: one line and a hint, exit 1', () => {
    const fd = fs.openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'recount.js'), 'query', 'ledger_rows', '--db', db, '--json'], { cwd: root, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    fs.closeSync(fd);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('recount: stdout: no space left on the device\nhint: free some space on that disk, or write to another one\n');
  });
});

describe('inputs that are not what they claim', () => {
  it('a DuckDB file of another tool is refused, for reading and importing, and left as it was', async () => {
    const file = path.join(tempDir(), 'analytics.duckdb');
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run('CREATE TABLE events (id INTEGER); INSERT INTO events VALUES (1)');
    conn.closeSync();
    instance.closeSync();
    for (const args of [['summary'], ['import', samples('openai', 'usage-dashboard.csv')]]) {
      const r = runCli([...args, '--db', file]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `recount: ${file} is a DuckDB database but not a recount ledger (it holds events)\nhint: pass --db with a recount ledger or a new file name; recount does not add its tables to another database\n`,
      );
    }
    const check = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const c = await check.connect();
    const tables = (await c.runAndReadAll('SELECT table_name FROM information_schema.tables')).getRowObjectsJS().map((r) => r.table_name);
    c.closeSync();
    check.closeSync();
    expect(tables).toEqual(['events']);
  });

  it('an empty DuckDB file is set up as a ledger', async () => {
    const file = path.join(tempDir(), 'empty.duckdb');
    (await DuckDBInstance.create(file)).closeSync();
    const r = runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(runCli(['summary', '--db', file, '--json']).stdout).records).toBeGreaterThan(0);
  });

  it.each([
    [['--param', 'tz=Mars/Olympus'], "--param tz: unknown time zone 'Mars/Olympus'"],
    [['--tz', 'Mars/Olympus'], "--tz: unknown time zone 'Mars/Olympus'"],
  ])('a zone that does not exist (%j) is one line and a hint', (flags, message) => {
    // spend_by_model without a period never evaluates the zone in SQL: it must be checked before
    const r = runCli(['query', 'spend_by_model', '--db', db, ...flags]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`recount: ${message}\nhint: use an IANA zone such as UTC, Europe/Berlin or America/New_York\n`);
  });

  it('a huge --limit or a negative limit parameter names the flag', () => {
    const huge = runCli(['rejects', '--db', db, '--limit', '99999999999999999999999']);
    expect(huge.status).toBe(1);
    expect(huge.stderr).toBe("recount: --limit '99999999999999999999999' is not a positive whole number up to 9007199254740991\nhint: e.g. --limit 500\n");
    const negative = runCli(['query', 'imported_files', '--db', db, '--param', 'limit=-1']);
    expect(negative.status).toBe(1);
    expect(negative.stderr).toBe("recount: query 'imported_files': LIMIT/OFFSET cannot be negative\nhint: check the --param values (limit BIGINT)\n");
  });
});
