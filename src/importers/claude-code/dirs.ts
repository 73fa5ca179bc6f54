import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../../errors.js';

/** Claude Code's transcript folders: $CLAUDE_CONFIG_DIR (comma-separated), ~/.claude, ~/.config/claude. */
export function claudeCodeDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const home = env.HOME ?? os.homedir();
  const candidates = configured.length ? configured : [path.join(home, '.claude'), path.join(home, '.config', 'claude')];
  const dirs = candidates.map((d) => path.join(d, 'projects')).filter((d) => fs.existsSync(d));
  if (!dirs.length) {
    throw new RecountError(
      `no Claude Code transcripts found (looked in ${candidates.map((d) => path.join(d, 'projects')).join(', ')})`,
      'set CLAUDE_CONFIG_DIR to your Claude config folder, or pass the folder: recount import PATH',
    );
  }
  return dirs;
}
