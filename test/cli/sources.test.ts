import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

// `recount sources`: every format, with the folder `recount import --agents` reads for it.

describe('recount sources', () => {
  it('gives each agent format its default folder and env override, and exports none', () => {
    const rows = JSON.parse(runCli(['sources', '--json']).stdout) as { format: string; default_folder: string | null }[];
    const folder = Object.fromEntries(rows.map((r) => [r.format, r.default_folder]));
    expect(folder).toMatchObject({
      'claude-code': '$CLAUDE_CONFIG_DIR or ~/.claude/projects',
      codex: '$CODEX_HOME or ~/.codex/sessions',
      'gemini-cli': '$GEMINI_CLI_HOME or ~/.gemini/tmp/*/chats',
      'qwen-code': '$QWEN_RUNTIME_DIR, $QWEN_HOME or ~/.qwen/projects/*/chats',
      'kimi-cli': '$KIMI_SHARE_DIR or ~/.kimi/sessions, $KIMI_CODE_HOME or ~/.kimi-code/sessions',
      amp: '$AMP_DATA_DIR or ~/.local/share/amp/threads',
      'openai-usage-csv': null,
      'anthropic-cost-api': null,
      'otlp-json': null,
    });
    expect(rows.every((r) => 'default_folder' in r)).toBe(true);
  });

  it('shows the folder column in the table, with — for an export', () => {
    const out = runCli(['sources'], { COLUMNS: '240' }).stdout;
    expect(out).toMatch(/^format\s+title\s+default_folder\b/m);
    expect(out).toMatch(/^amp\s+.*\$AMP_DATA_DIR or ~\/\.local\/share\/amp\/threads/m);
    expect(out).toMatch(/^openai-usage-csv\s+.*\s—\s/m);
  });
});
