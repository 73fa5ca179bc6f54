import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentError } from '../../src/errors.js';
import { cliRunsAsNobody, root, runCli, samples, tempDir } from '../helpers.js';

// the machine's failures (a full disk, memory, permissions) are one line and a hint, not "internal
// error" (exit 70). The DuckDB messages below are the ones DuckDB 1.5 gave on a 2 MB tmpfs.

const errno = (code: string, syscall: string, p: string) => Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });

describe('environmentError', () => {
  const spill = '/data/ledger.duckdb.tmp-5bce98f7-4242-0a1b2c3d';

  it.each([
    [errno('ENOSPC', 'write', '/data/out.html'), '/data/out.html: no space left on the device', /^free some space/],
    [errno('EACCES', 'scandir', '/data/logs/private'), '/data/logs/private: permission denied (listing a folder)', /^check its permissions/],
    [errno('EMFILE', 'open', '/data/a.jsonl'), '/data/a.jsonl: too many open files', /ulimit -n/],
    [new Error('Out of Memory Error: failed to offload data block of size 256.0 KiB (1.6 MiB/1.7 MiB used).\nThis limit was set by the \'max_temp_directory_size\' setting.'), "no disk space left for DuckDB's temp files in /data", /RECOUNT_TEMP_DIR/],
    [new Error('IO Error: Could not write file "/data/ledger.duckdb": No space left on device'), '/data/ledger.duckdb: no space left on the device', /^free some space/],
    [new Error(`IO Error: Failed to create directory "${spill}": Permission denied`), `DuckDB cannot create its temp folder ${spill}`, /RECOUNT_TEMP_DIR/],
    [new Error('Out of Memory Error: failed to allocate data of size 32.0 KiB (7.6 MiB/7.6 MiB used)'), 'DuckDB ran out of memory: failed to allocate data of size 32.0 KiB (7.6 MiB/7.6 MiB used)', /RECOUNT_MEMORY_LIMIT/],
  ])('%s', (err, message, hint) => {
    const e = environmentError(err, spill);
    expect(e?.message).toBe(message);
    expect(e?.hint).toMatch(hint);
  });

  it('leaves anything else to be reported as a bug', () => {
    expect(environmentError(new Error('Binder Error: Referenced column x not found'), spill)).toBeUndefined();
    expect(environmentError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
  });
});

describe('the CLI on a hostile machine', () => {
  it('DuckDB out of memory names RECOUNT_MEMORY_LIMIT, exit 1', () => {
    const r = runCli(['import', samples('claude-code'), '--db', path.join(tempDir(), 'l.duckdb')], { RECOUNT_MEMORY_LIMIT: '8MB' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^recount: DuckDB ran out of memory: .*\nhint: set RECOUNT_MEMORY_LIMIT \(now 8MB\) higher, e.g\. RECOUNT_MEMORY_LIMIT=2GB, or import fewer files at once, or read a shorter period \(--since\/--until\)\n$/);
  });

  // permissions cannot be taken from root: the commands run as nobody (uid 65534), when it can
  // reach this checkout: cliRunsAsNobody() says why it may not
  it.skipIf(!cliRunsAsNobody())('an unreadable sub-folder or ledger is named, not an internal error', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const locked = path.join(dir, 'exports', 'private');
    fs.mkdirSync(locked, { recursive: true });
    fs.copyFileSync(samples('openai', 'usage-dashboard.csv'), path.join(dir, 'exports', 'usage.csv'));
    fs.chmodSync(path.join(dir, 'exports'), 0o777);
    fs.chmodSync(locked, 0o700);
    const asNobody = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'recount.js'), ...args], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, HOME: dir } });

    const folder = asNobody(['import', path.join(dir, 'exports'), '--db', path.join(dir, 'l.duckdb')]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toBe(`recount: ${locked}: cannot be read (EACCES)\nhint: check that the file exists and is readable, or leave it out\n`);

    const ledger = path.join(dir, 'private.duckdb');
    expect(runCli(['import', samples('openai', 'usage-dashboard.csv'), '--db', ledger]).status).toBe(0);
    fs.chmodSync(ledger, 0o600);
    const read = asNobody(['summary', '--db', ledger]);
    expect(read.status).toBe(1);
    expect(read.stderr).toMatch(new RegExp(`^recount: ${ledger}: cannot be opened \\(permission denied\\)\\nhint: check the ledger's permissions`));
  });
});
