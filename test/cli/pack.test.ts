import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, tempDir } from '../helpers.js';

// The published package: `npm pack` builds it (prepack) from a copy of the sources, so this test
// never rewrites the dist/ other tests run; a global install of the tarball into a temp prefix
// then runs `recount demo` from another folder. Offline: the dependencies come from npm's cache
// (npm ci filled it), so no network is needed, and none is used.

const SOURCES = ['bin', 'src', 'queries', 'rules', 'samples', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE'];

function npm(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the published package', () => {
  it('packs without source maps, bench code or sources; installs globally offline; runs recount demo from any folder', () => {
    const work = tempDir('recount-pack-');
    const copy = path.join(work, 'src');
    fs.mkdirSync(copy);
    for (const entry of SOURCES) fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir'); // tsc for prepack

    const packed = npm(['pack', '--json', '--pack-destination', work], copy);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/src/cli.js');
    expect(files).toContain('dist/vendor/duckdb-node-api.cjs'); // start-up (scripts/build-dist.mjs)
    expect(files).toContain('dist/price-cache/price_rows.parquet');
    expect(files).toContain('samples/policies/cheap-by-default.yaml');
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('dist/bench') || f.endsWith('.ts'))).toEqual([]);
    expect(fs.readFileSync(path.join(copy, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} recount contributors\n/);
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts[hook], hook).toBeUndefined();

    const prefix = path.join(work, 'prefix');
    const tarball = path.join(work, info.filename);
    const installed = npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], work);
    if (installed.status !== 0) {
      // npm ci caches the tarballs but not the registry's metadata, which `install -g` needs to
      // resolve: offline, the same global layout is made from the tarball and the lockfile instead
      expect(installed.stderr).toMatch(/ENOTCACHED/);
      const pkg = path.join(prefix, 'lib', 'node_modules', 'recount');
      fs.mkdirSync(pkg, { recursive: true });
      expect(spawnSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']).status).toBe(0);
      fs.copyFileSync(path.join(root, 'package-lock.json'), path.join(pkg, 'package-lock.json'));
      const deps = npm(['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], pkg);
      expect(deps.status, deps.stderr).toBe(0);
      fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
      fs.symlinkSync(path.join(pkg, 'bin', 'recount.js'), path.join(prefix, 'bin', 'recount'));
    }

    const elsewhere = tempDir('recount-elsewhere-');
    const demo = spawnSync(path.join(prefix, 'bin', 'recount'), ['demo'], {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', CI: '1' },
    });
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout.trim()).toBe(path.join(fs.realpathSync(elsewhere), 'reports', 'demo.html'));
    expect(fs.statSync(path.join(elsewhere, 'reports', 'demo.html')).size).toBeGreaterThan(10_000);

    // a bundled policy by its bare name, found in the installed package
    const whatif = spawnSync(path.join(prefix, 'bin', 'recount'), ['whatif', '--db', path.join(elsewhere, 'reports', 'demo.duckdb'), '--policy', 'cheap-by-default'], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', CI: '1' } });
    expect(whatif.status, whatif.stderr).toBe(0);
    expect(whatif.stdout).toMatch(/cheap-by-default/);

    // the installed package starts from the bundled DuckDB client and the price cache (scripts/build-dist.mjs)
    const probe = path.join(work, 'probe.cjs');
    fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write('MODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
    const installedBin = fs.realpathSync(path.join(prefix, 'bin', 'recount'));
    const query = spawnSync(process.execPath, ['--require', probe, installedBin, 'query', 'spend_by_model', '--json', '--db', path.join(elsewhere, 'reports', 'demo.duckdb')], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', CI: '1' } });
    expect(query.status, query.stderr).toBe(0);
    const loaded = JSON.parse(/MODULES (.*)/.exec(query.stderr)![1]) as string[];
    expect(loaded.filter((f) => f.endsWith(path.join('dist', 'vendor', 'duckdb-node-api.cjs')))).toHaveLength(1);
    expect(loaded.filter((f) => f.includes(path.join('genai-prices', 'dist')))).toEqual([]);
  }, 900_000);
});
