import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { generateClaudeCodeProjects } from '../../bench/generate-claude-code.js';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';

const SAMPLE_FILE = samples('claude-code', 'projects', '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl');

type Seen = { threads: number; background: boolean };

async function settings(ledger: Ledger): Promise<Seen> {
  const row = await ledger.one<{ threads: number; background: boolean }>(
    "SELECT CAST(current_setting('threads') AS INTEGER) AS threads, CAST(current_setting('allocator_background_threads') AS BOOLEAN) AS background",
  );
  return { threads: Number(row.threads), background: row.background };
}

/** The settings in force when each statement that reads Claude Code lines ran. */
function watchReads(ledger: Ledger): Seen[] {
  const seen: Seen[] = [];
  const run = ledger.run.bind(ledger);
  ledger.run = async (statement, params, types) => {
    if (statement.includes('FROM claude_code_staged(')) seen.push(await settings(ledger));
    return run(statement, params, types);
  };
  return seen;
}

describe('DuckDB settings of an import run', () => {
  it('reads a small run on one thread, then puts the default back', async () => {
    const ledger = await newLedger();
    const before = await settings(ledger);
    const seen = watchReads(ledger);
    await importPaths(ledger, [samples('claude-code')]); // one pass (new source)
    await importPaths(ledger, [samples('claude-code')]); // unchanged: nothing read
    const copy = writeTemp('copy.jsonl', fs.readFileSync(SAMPLE_FILE));
    await importPaths(ledger, [samples('claude-code'), path.dirname(copy)]); // a new file: staged and merged
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(seen.map(() => ({ threads: 1, background: false })));
    expect(await settings(ledger)).toEqual(before);
    ledger.close();
  });

  it('reads a run of a reader batch or more on every core, the allocator purging on a background thread', async () => {
    const dir = tempDir();
    generateClaudeCodeProjects(dir, 4.5 * 1024 * 1024);
    const ledger = await newLedger();
    const before = await settings(ledger);
    const seen = watchReads(ledger);
    const report = await importPaths(ledger, [path.join(dir, 'projects')]);
    expect(report.totals.rejected).toBe(0);
    expect(seen).toEqual([{ threads: before.threads, background: true }]);
    expect(await settings(ledger)).toEqual(before);
    ledger.close();
  }, 60_000);

  it('keeps a ledger opened on one thread there for a small run, and gives a large run every core', async () => {
    const dbFile = path.join(tempDir(), 'l.duckdb');
    const plain = await Ledger.open(dbFile);
    const cores = (await settings(plain)).threads;
    plain.close();
    const small = await Ledger.open(dbFile, { oneThread: true });
    expect(small.oneThread).toBe(true);
    const seenSmall = watchReads(small);
    await importPaths(small, [samples('claude-code')]);
    expect(seenSmall.length).toBeGreaterThan(0);
    expect(seenSmall).toEqual(seenSmall.map(() => ({ threads: 1, background: false })));
    expect(await settings(small)).toEqual({ threads: 1, background: false });
    small.close();

    const dir = tempDir();
    generateClaudeCodeProjects(dir, 4.5 * 1024 * 1024);
    const large = await Ledger.open(dbFile, { oneThread: true });
    const seenLarge = watchReads(large);
    await importPaths(large, [path.join(dir, 'projects')]);
    expect(seenLarge).toEqual([{ threads: cores, background: true }]);
    large.close();
  }, 60_000);

  it('puts a setting back when the work fails, inside a transaction too', async () => {
    const ledger = await Ledger.open(path.join(tempDir(), 'l.duckdb'));
    const before = await settings(ledger);
    await expect(ledger.withSettings({ threads: 1 }, () => ledger.run('SELECT no_such_column FROM usage'))).rejects.toThrow(/no_such_column/);
    expect(await settings(ledger)).toEqual(before);
    await expect(
      ledger.transaction(() => ledger.withSettings({ threads: 1, allocator_background_threads: true }, () => ledger.run('SELECT no_such_column FROM usage'))),
    ).rejects.toThrow(/no_such_column/);
    expect(await settings(ledger)).toEqual(before);
    await expect(ledger.withSettings({ 'threads = 1; SET memory_limit': 1 }, async () => undefined)).rejects.toThrow(/not a DuckDB setting name/);
    ledger.close();
  });

  it('turns the progress bar off after a watched statement', async () => {
    const ledger = await newLedger();
    const progress = async () => (await ledger.one<{ on: boolean }>("SELECT CAST(current_setting('enable_progress_bar') AS BOOLEAN) AS on")).on;
    let during: boolean | undefined;
    await ledger.runWatched('SELECT 1', undefined, () => undefined);
    const run = ledger.run.bind(ledger);
    ledger.run = async (statement, params, types) => {
      if (statement === 'SELECT 2') during = await progress();
      return run(statement, params, types);
    };
    await ledger.runWatched('SELECT 2', undefined, () => undefined);
    expect(during).toBe(true);
    expect(await progress()).toBe(false);
    ledger.close();
  });
});
