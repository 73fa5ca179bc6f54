import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir } from '../helpers.js';

// What the build adds for start-up (scripts/build-dist.mjs): @duckdb/node-api as one bundled file
// and the catalog's price rows as a cache. The built CLI must give the same answers with or without
// them, and load neither the catalog package nor the package's many files when they fit.

const SOURCES = ['samples/openai', 'samples/anthropic', 'samples/claude-code', 'samples/bedrock'];
const OFF = { RECOUNT_DUCKDB_BUNDLE: 'off', RECOUNT_PRICE_CACHE: 'off' };

/** The CommonJS files a built-CLI command loaded (Node's require cache, read at exit). */
function modulesLoadedBy(args: string[], env: Record<string, string> = {}): string[] {
  const probe = path.join(tempDir(), 'probe.cjs');
  fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write('\\nMODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
  const r = spawnSync(process.execPath, ['--require', probe, path.join(root, 'bin', 'recount.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', CI: '1', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(/MODULES (.*)/.exec(r.stderr)![1]) as string[];
}

describe('start-up: the bundled DuckDB client and the price cache', () => {
  const db = path.join(tempDir(), 'ledger.duckdb');

  beforeAll(() => {
    const r = runCli(['import', ...SOURCES, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('the build wrote both', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'vendor', 'duckdb-node-api.cjs'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'dist', 'price-cache', 'price_rows.parquet'))).toBe(true);
  });

  it('a query loads the bundle and the cache, not the catalog package or the client’s own files', () => {
    const loaded = modulesLoadedBy(['query', 'spend_by_model', '--json', '--db', db]);
    expect(loaded.some((f) => f.endsWith(path.join('dist', 'vendor', 'duckdb-node-api.cjs')))).toBe(true);
    expect(loaded.filter((f) => f.includes(path.join('@duckdb', 'node-api', 'lib')))).toEqual([]);
    expect(loaded.filter((f) => f.includes('genai-prices') && !f.endsWith('package.json'))).toEqual([]);
    expect(loaded.filter((f) => f.includes(path.join('node_modules', 'yaml')))).toEqual([]); // the overrides' parser
  });

  it('without them (a plain tsc build) the package and the catalog are loaded instead', () => {
    const loaded = modulesLoadedBy(['query', 'spend_by_model', '--json', '--db', db], OFF);
    expect(loaded.some((f) => f.includes(path.join('@duckdb', 'node-api', 'lib')))).toBe(true);
    expect(loaded.some((f) => f.includes('genai-prices') && !f.endsWith('package.json'))).toBe(true);
  });

  it.each([
    [['query', 'spend_by_model', '--json']],
    [['summary', '--json']],
    [['query', 'outcomes_by_session', '--json']],
    [['query', 'cache_cold_starts', '--json']],
    [['query', 'spend_by_day', '--json', '--month', '2026-10', '--tz', 'Europe/Berlin']],
  ])('%j gives the same answer with and without them', (args) => {
    const fast = runCli([...args, '--db', db]);
    const slow = runCli([...args, '--db', db], OFF);
    expect(fast.status, fast.stderr).toBe(0);
    expect(slow.status, slow.stderr).toBe(0);
    const answer = roundedJson(fast.stdout);
    expect(answer).toEqual(roundedJson(slow.stdout));
    expect(Array.isArray(answer) ? answer.length : Object.keys(answer as object).length).toBeGreaterThan(1);
  });
});

/** Parsed JSON with numbers to 12 significant digits: DuckDB's parallel sums differ in the last bits from run to run. */
function roundedJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
}
