import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { RecountError } from '../../src/errors.js';
import { installedAgentDirs } from '../../src/importers/agents.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { expectCountsBalance, usageTotals } from './util.js';

// `recount import --agents`: a home folder holding every agent's default folder, built in a temp dir.

function fakeHome(): string {
  const home = tempDir('recount-home-');
  fs.cpSync(samples('claude-code', 'projects'), path.join(home, '.claude', 'projects'), { recursive: true });
  fs.cpSync(samples('codex'), path.join(home, '.codex'), { recursive: true });
  fs.cpSync(samples('gemini-cli', 'tmp'), path.join(home, '.gemini', 'tmp'), { recursive: true });
  fs.mkdirSync(path.join(home, '.gemini', 'tmp', 'recount', 'logs'), { recursive: true }); // not a chats folder
  return home;
}

const bySource = (ledger: Ledger, source: string) => usageTotals(ledger, `source = '${source}'`);

describe('recount import --agents', () => {
  it("imports every installed agent's default folder with the same totals as its own import", async () => {
    const home = fakeHome();
    const dirs = installedAgentDirs({ HOME: home });
    expect(dirs).toEqual([
      path.join(home, '.claude', 'projects'),
      path.join(home, '.codex', 'sessions'),
      path.join(home, '.codex', 'archived_sessions'),
      path.join(home, '.gemini', 'tmp', 'e3b7a19c04d2f6581b9e0a7c3d5f2e4b6a8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e', 'chats'),
      path.join(home, '.gemini', 'tmp', 'recount', 'chats'),
    ]);
    const ledger = await newLedger();
    const report = await importPaths(ledger, dirs);
    await expectCountsBalance(ledger, report);
    expect(new Set(report.files.map((f) => f.format))).toEqual(new Set(['claude-code', 'codex', 'gemini-cli']));
    expect(await bySource(ledger, 'gemini-cli')).toEqual({ rows: 5, requests: 5, input: 17133, cache_read: 32768, cache_write_5m: 0, cache_write_1h: 0, output: 2477 });
    for (const [source, sample] of [['claude-code', samples('claude-code')], ['codex', samples('codex')]]) {
      const alone = await newLedger();
      await importPaths(alone, [sample]);
      const expected = await bySource(alone, source);
      expect(expected.rows).toBeGreaterThan(0);
      expect(await bySource(ledger, source), source).toEqual(expected);
    }
  });

  it('honours each agent’s env override, and says where it looked when no agent is installed', () => {
    const home = fakeHome();
    const elsewhere = tempDir();
    fs.renameSync(path.join(home, '.gemini'), path.join(elsewhere, '.gemini'));
    const dirs = installedAgentDirs({ HOME: tempDir(), CODEX_HOME: path.join(home, '.codex'), GEMINI_CLI_HOME: elsewhere });
    expect(dirs).toHaveLength(4);
    expect(dirs.every((d) => d.startsWith(home) || d.startsWith(elsewhere))).toBe(true);
    try {
      installedAgentDirs({ HOME: tempDir() });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RecountError);
      expect((err as RecountError).message).toMatch(/^no coding agent logs found under /);
      expect((err as RecountError).hint).toMatch(/gemini-cli \(\$GEMINI_CLI_HOME/);
    }
  });
});
