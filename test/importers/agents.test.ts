import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { RecountError } from '../../src/errors.js';
import { installedAgentDirs } from '../../src/import/agents.js';
import type { Ledger } from '../../src/db/ledger.js';
import { expectCountsBalance, usageTotals } from './util.js';

// `recount import --agents`: a home folder holding every agent's default folder, built in a temp dir.

const CLINE_EXTENSIONS = ['saoudrizwan.claude-dev', 'rooveterinaryinc.roo-cline', 'kilocode.kilo-code']; // as clineTaskFiles lists them
const clineLog = (home: string, ext: string) => {
  const tasks = path.join(home, '.config', 'Code', 'User', 'globalStorage', ext, 'tasks');
  return path.join(tasks, fs.readdirSync(tasks)[0], 'ui_messages.json');
};

const kimiWires = (home: string) =>
  [path.join(home, '.kimi'), path.join(home, '.kimi-code')].flatMap((root) =>
    (fs.readdirSync(path.join(root, 'sessions'), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => f.endsWith('wire.jsonl'))
      .map((f) => path.join(root, 'sessions', f))
      .sort(),
  );

function fakeHome(): string {
  const home = tempDir('recount-home-');
  fs.cpSync(samples('claude-code', 'projects'), path.join(home, '.claude', 'projects'), { recursive: true });
  fs.cpSync(samples('codex'), path.join(home, '.codex'), { recursive: true });
  fs.cpSync(samples('gemini-cli', 'tmp'), path.join(home, '.gemini', 'tmp'), { recursive: true });
  fs.mkdirSync(path.join(home, '.gemini', 'tmp', 'recount', 'logs'), { recursive: true }); // not a chats folder
  fs.cpSync(samples('qwen-code'), path.join(home, '.qwen'), { recursive: true });
  fs.cpSync(samples('kimi-cli', 'kimi-home'), path.join(home, '.kimi'), { recursive: true });
  fs.cpSync(samples('kimi-cli', 'kimi-code-home'), path.join(home, '.kimi-code'), { recursive: true });
  fs.cpSync(samples('amp'), path.join(home, '.local', 'share', 'amp'), { recursive: true });
  for (const ext of CLINE_EXTENSIONS) fs.cpSync(samples('cline', ext), path.join(home, '.config', 'Code', 'User', 'globalStorage', ext), { recursive: true });
  fs.cpSync(samples('cline', 'sessions'), path.join(home, '.cline', 'data', 'sessions'), { recursive: true }); // Cline's SDK sessions
  fs.cpSync(samples('opencode'), path.join(home, '.local', 'share', 'opencode'), { recursive: true });
  fs.cpSync(samples('copilot-cli'), path.join(home, '.copilot'), { recursive: true }); // the store and the otel export: the store is read
  return home;
}

const bySource = (ledger: Ledger, source: string) => usageTotals(ledger, `source = '${source}'`);

describe('recount import --agents', () => {
  it("imports every installed agent's default folder with the same totals as its own import", async () => {
    const home = fakeHome();
    const dirs = installedAgentDirs({ HOME: home });
    expect(dirs).toEqual([ // in the registry's order (src/importers/registry.ts)
      path.join(home, '.gemini', 'tmp', 'e3b7a19c04d2f6581b9e0a7c3d5f2e4b6a8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e', 'chats'),
      path.join(home, '.gemini', 'tmp', 'recount', 'chats'),
      path.join(home, '.qwen', 'projects', '-home-dev-recount', 'chats'),
      path.join(home, '.claude', 'projects'),
      path.join(home, '.codex', 'sessions'),
      path.join(home, '.codex', 'archived_sessions'),
      ...CLINE_EXTENSIONS.map((ext) => clineLog(home, ext)),
      ...['1773482400000_k3J9x', 'agent_7fQ2m'].map((stem) => path.join(home, '.cline', 'data', 'sessions', '1773482400000_k3J9x', `${stem}.messages.json`)),
      path.join(home, '.local', 'share', 'opencode', 'storage', 'message'),
      path.join(home, '.local', 'share', 'opencode', 'opencode.db'),
      path.join(home, '.copilot', 'session-store.db'),
      ...kimiWires(home),
      path.join(home, '.local', 'share', 'amp', 'threads'),
    ]);
    const ledger = await newLedger();
    const report = await importPaths(ledger, dirs);
    await expectCountsBalance(ledger, report);
    expect(new Set(report.files.map((f) => f.format))).toEqual(new Set(['claude-code', 'codex', 'gemini-cli', 'qwen-code', 'kimi-cli', 'amp', 'cline-tasks', 'cline-sessions', 'opencode-db', 'opencode', 'copilot-session-store']));
    expect(await bySource(ledger, 'gemini-cli')).toEqual({ rows: 5, requests: 5, input: 17133, cache_read: 32768, cache_write_5m: 0, cache_write_1h: 0, output: 2477 });
    expect(await bySource(ledger, 'qwen-code')).toEqual({ rows: 5, requests: 5, input: 13994, cache_read: 73216, cache_write_5m: 0, cache_write_1h: 0, output: 2409 });
    expect(await bySource(ledger, 'kimi-cli')).toEqual({ rows: 7, requests: 7, input: 23710, cache_read: 34304, cache_write_5m: 0, cache_write_1h: 0, output: 2186 });
    expect(await bySource(ledger, 'amp')).toEqual({ rows: 5, requests: 5, input: 10703, cache_read: 15946, cache_write_5m: 9165, cache_write_1h: 0, output: 879 });
    // the extension's task (3 requests) and the SDK session (5 calls: 170 in, 33210 read, 19970 written, 1300 out)
    expect(await bySource(ledger, 'cline')).toEqual({ rows: 8, requests: 8, input: 4794, cache_read: 67828, cache_write_5m: 40415, cache_write_1h: 0, output: 2638 });
    expect(await bySource(ledger, 'roo-code')).toEqual({ rows: 3, requests: 3, input: 1030, cache_read: 32090, cache_write_5m: 25380, cache_write_1h: 0, output: 1040 });
    expect(await bySource(ledger, 'kilo-code')).toEqual({ rows: 2, requests: 2, input: 20, cache_read: 15000, cache_write_5m: 15800, cache_write_1h: 0, output: 790 });
    expect(await bySource(ledger, 'opencode')).toEqual({ rows: 4, requests: 4, input: 6021, cache_read: 16258, cache_write_5m: 15070, cache_write_1h: 0, output: 1950 });
    expect(await bySource(ledger, 'copilot-cli-store')).toEqual({ rows: 3, requests: 3, input: 2180, cache_read: 26470, cache_write_5m: 21960, cache_write_1h: 0, output: 1143 });
    expect(await bySource(ledger, 'copilot-cli')).toMatchObject({ rows: 0 }); // the same calls as the store's: not read twice
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
    const dirs = installedAgentDirs({
      HOME: tempDir(), CODEX_HOME: path.join(home, '.codex'), GEMINI_CLI_HOME: elsewhere, QWEN_HOME: path.join(home, '.qwen'),
      KIMI_SHARE_DIR: path.join(home, '.kimi'), KIMI_CODE_HOME: path.join(home, '.kimi-code'), AMP_DATA_DIR: path.join(home, '.local', 'share', 'amp'),
      VSCODE_APPDATA: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), COPILOT_HOME: path.join(home, '.copilot'),
      CLINE_DIR: path.join(home, '.cline'),
    });
    expect(dirs).toHaveLength(6 + 4 + 3 + 2 + 2 + 1); // kimi: its 4 wire logs; Cline: the session's 2 messages files
    expect(dirs.every((d) => d.startsWith(home) || d.startsWith(elsewhere))).toBe(true);
    try {
      installedAgentDirs({ HOME: tempDir() });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RecountError);
      expect((err as RecountError).message).toMatch(/^no coding agent logs found under /);
      expect((err as RecountError).hint).toMatch(/gemini-cli \(\$GEMINI_CLI_HOME/);
      expect((err as RecountError).hint).toMatch(/qwen-code \(\$QWEN_RUNTIME_DIR, \$QWEN_HOME.*kimi-cli \(\$KIMI_SHARE_DIR.*amp \(\$AMP_DATA_DIR/);
    }
  });
});
