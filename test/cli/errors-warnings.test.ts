import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentError } from '../../src/errors.js';
import { progressBar } from '../../src/format/progress.js';
import { cliRunsAsNobody, root, runCli, samples, tempDir, writeTemp } from '../helpers.js';

// Filesystem problems are user errors (exit 1, one line naming the path, a hint naming --db, --out or
// permissions), never "internal error"; input that silently does nothing gets a warning.

const errno = (code: string, syscall: string, p: string) => Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });
const oneError = (stderr: string) => expect(stderr).toMatch(/^recount: [^\n]+\nhint: [^\n]+\n$/);

describe('filesystem errors name the path and what to do', () => {
  it.each([
    [['import', samples('openai', 'usage-dashboard.csv'), '--db', '/proc/recount/l.duckdb'], '/proc/recount/l.duckdb: under /proc', /--db PATH/],
    [['summary', '--db', '/proc/self/l.duckdb'], '/proc/self/l.duckdb: under /proc', /--db PATH/],
    [['report', '--db', path.join(root, 'x.duckdb'), '--out', '/proc/self/x/r.html'], '/proc/self/x/r.html: under /proc', /--out PATH/],
    [['import', '/proc/self/status', '--db', path.join(root, 'never.duckdb')], '/proc/self/status: under /proc', /export files or folders/],
  ])('%j', (args, message, hint) => {
    const r = runCli(args, { RECOUNT_DB: '' });
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toContain(`recount: ${message}, the kernel's virtual file system`);
    expect(r.stderr.split('\n')[1]).toMatch(hint);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('$RECOUNT_DB under /proc is refused the same way', () => {
    const r = runCli(['summary'], { RECOUNT_DB: '/proc/self/ledger.duckdb' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^recount: \/proc\/self\/ledger\.duckdb: under \/proc.*\nhint: pass --db PATH/);
  });

  it('a permission or read-only error on the ledger says --db; on an output, --out; a temp name is reported as the file', () => {
    const ledger = environmentError(errno('EACCES', 'open', '/data/ro/recount.duckdb.wal'));
    expect(ledger?.message).toBe('/data/ro/recount.duckdb.wal: permission denied');
    expect(ledger?.hint).toMatch(/make \/data\/ro writable .*--db PATH/);
    const rofs = environmentError(new Error('IO Error: Cannot open file "/mnt/ro/recount.duckdb.wal": Read-only file system'));
    expect(rofs?.message).toBe('/mnt/ro/recount.duckdb.wal: read-only file system');
    expect(rofs?.hint).toMatch(/^an import writes the ledger .*\/mnt\/ro is on a read-only disk.*--db PATH/);
    const out = environmentError(errno('EACCES', 'open', '/data/reports/.recount-all.html.4242.tmp'));
    expect(out?.message).toBe('/data/reports/recount-all.html: permission denied');
    expect(out?.hint).toMatch(/make \/data\/reports writable .*--out PATH/);
    const csv = environmentError(errno('EROFS', 'open', '/data/x.csv.tmp-4242'));
    expect(csv?.message).toBe('/data/x.csv: read-only file system');
    expect(environmentError(errno('ENOENT', 'open', '/proc/.r.html.1.tmp'))?.message).toMatch(/^\/proc\/\.r\.html\.1\.tmp: under \/proc/);
  });

  // permissions cannot be taken from root: the commands run as nobody (uid 65534), when it can
  // reach this checkout: cliRunsAsNobody() says why it may not
  it.skipIf(!cliRunsAsNobody())('an unwritable ledger folder, --out folder or reports/ folder: exit 1, the path, the flag', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const ledger = path.join(dir, 'ledger.duckdb');
    expect(runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', ledger]).status).toBe(0);
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o755 });
    fs.copyFileSync(ledger, path.join(locked, 'ledger.duckdb'));
    fs.chmodSync(path.join(locked, 'ledger.duckdb'), 0o666);
    fs.chmodSync(ledger, 0o666);
    const asNobody = (args: string[], cwd = dir) =>
      spawnSync(process.execPath, [path.join(root, 'bin', 'recount.js'), ...args], { cwd, uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, HOME: dir, CI: '1', TZ: 'UTC' } });

    const wal = asNobody(['import', samples('anthropic'), '--db', path.join(locked, 'ledger.duckdb')]);
    expect(wal.status).toBe(1);
    oneError(wal.stderr);
    expect(wal.stderr).toMatch(new RegExp(`^recount: ${locked}/ledger\\.duckdb(\\.wal)?: (permission denied|cannot be opened)`));
    expect(wal.stderr).toMatch(/--db/);

    const out = asNobody(['report', '--db', ledger, '--out', path.join(locked, 'r.html')]);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(`recount: ${locked}/r.html: permission denied\nhint: make ${locked} writable (chmod u+w), or pass --out PATH to write somewhere you can\n`);

    const reports = asNobody(['report', '--db', ledger], locked);
    expect(reports.status).toBe(1);
    expect(reports.stderr).toBe(`recount: ${locked}/reports: permission denied\nhint: make ${locked} writable (chmod u+w), or pass --out PATH to write somewhere you can\n`);
  }, 300_000);
});

describe('warnings for input that silently does nothing', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'ledger.duckdb');
    const r = runCli(['import', samples('claude-code'), samples('anthropic'), '--db', db]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('a forced --format that reads no usable row says what the file looks like instead', () => {
    const file = samples('openai', 'usage-dashboard.csv');
    const r = runCli(['import', file, '--format', 'anthropic-usage-csv', '--db', path.join(tempDir(), 'f.duckdb')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: --format anthropic-usage-csv read 0 rows from it; it looks like openai-usage-csv: import it without --format, or with --format openai-usage-csv\n`);
  });

  it('a policy rule naming an unknown task type, or matching no request in the period', () => {
    const policy = writeTemp('typo.yaml', 'version: 1\nrules:\n  - name: typo\n    when: { task_type: file_nav }\n    route: { model: claude-haiku-4-5 }\n  - name: nobody\n    when: { provider: nobody }\n    route: { model: claude-haiku-4-5 }\n  - name: default\n    when: {}\n');
    const r = runCli(['whatif', '--db', db, '--policy', policy]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: ${policy}: rule 'typo' names task type 'file_nav' that no classifier rule gives \\(known: .*file_navigation`));
    expect(r.stderr).toContain(`warning: ${policy}: rule 'nobody' matches no request in all time\n`);
    expect(r.stderr).not.toMatch(/rule 'default'/);
  });

  it('--policy takes a bundled policy by its bare name', () => {
    const r = runCli(['whatif', '--db', db, '--policy', 'cheap-by-default', '--json'], {}, tempDir());
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policies[0].file).toBe(samples('policies', 'cheap-by-default.yaml'));
  });

  it('an empty period says what the ledger covers, in summary, query, forensics and report', () => {
    const note = /no usage between 2020-01-01 and 2020-01-31; the ledger holds \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/;
    for (const args of [['summary'], ['query', 'spend_by_model'], ['forensics']]) {
      const r = runCli([...args, '--db', db, '--month', '2020-01']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, args[0]).toMatch(note);
    }
    const report = runCli(['report', '--db', db, '--month', '2020-01', '--out', path.join(tempDir(), 'r.html')]);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stderr).toMatch(new RegExp(`^note: ${note.source}`));
    const within = runCli(['query', 'spend_by_model', '--db', db, '--month', '2026-10']);
    expect(within.stdout).not.toMatch(/no usage between/);
  }, 300_000);
});

describe('recount rejects --import ID', () => {
  it('shows the rows that import rejected, also after a re-import of the same file', () => {
    const dir = tempDir();
    writeTemp('gateway/spend.jsonl', `${fs.readFileSync(samples('litellm', 'spend-logs.jsonl'), 'utf8').trimEnd()}\n{"request_id": "cut", "spend": "not json\n`, dir);
    const db = path.join(dir, 'l.duckdb');
    const ids = [1, 2].map(() => {
      const r = JSON.parse(runCli(['import', path.join(dir, 'gateway'), '--db', db, '--full', '--json']).stdout);
      expect(r.totals.rejected).toBe(1);
      return r.import_id as string;
    });
    for (const id of ids) {
      const listed = JSON.parse(runCli(['rejects', '--db', db, '--import', id, '--json']).stdout);
      expect(listed, id).toHaveLength(1);
      expect(listed[0].source_line).toBe(fs.readFileSync(samples('litellm', 'spend-logs.jsonl'), 'utf8').trimEnd().split('\n').length + 1);
    }
    expect(JSON.parse(runCli(['rejects', '--db', db, '--json']).stdout)).toHaveLength(1); // kept once
  });
});

describe('progress bar', () => {
  const tty = () => {
    const written: string[] = [];
    return { stream: { isTTY: true, columns: 200, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
  };

  it('advances by bytes read, with a rate and an ETA, once the planned bytes are known', () => {
    const env = process.env.CI;
    delete process.env.CI;
    try {
      let t = 0;
      let read = 1_000_000;
      const { stream, written } = tty();
      const bar = progressBar(stream, { now: () => t, readBytes: () => read });
      bar.plan(40_000_000);
      t = 2_000;
      read += 10_000_000;
      bar.listener({ phase: 'reading 600 files (claude-code)', percent: 0 });
      expect(written.at(-1)).toContain('[######------------------]  25% reading 600 files (claude-code) · 10 MB of 40 MB · 5.0 MB/s · ETA 6 s');
      t = 4_000;
      read += 40_000_000; // more than planned (other reads): never shown as done before the merge
      bar.listener({ phase: 'reading 600 files (claude-code)', percent: 0 });
      expect(written.at(-1)).toMatch(/ 99% reading/);
      bar.done();
      expect(written.at(-1)).toBe('\r\x1b[2K');
    } finally {
      if (env != null) process.env.CI = env;
    }
  });

  it('writes nothing when stderr is not a terminal', () => {
    const written: string[] = [];
    const bar = progressBar({ isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, { now: () => 5_000, readBytes: () => 1 });
    bar.plan(10);
    bar.listener({ phase: 'reading x', percent: 50 });
    bar.done();
    expect(written).toEqual([]);
  });
});
