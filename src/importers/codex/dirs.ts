import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../../errors.js';

/**
 * Codex CLI's rollout folders: $CODEX_HOME/sessions and $CODEX_HOME/archived_sessions, CODEX_HOME
 * defaulting to ~/.codex. Returns the ones that exist; none is an error with a hint.
 */
export function codexSessionDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = env.CODEX_HOME?.trim();
  const home = configured || path.join(env.HOME || os.homedir(), '.codex');
  const candidates = [path.join(home, 'sessions'), path.join(home, 'archived_sessions')];
  const dirs = candidates.filter((d) => fs.existsSync(d) && fs.statSync(d).isDirectory());
  if (!dirs.length) {
    throw new RecountError(
      `no Codex sessions found (looked in ${candidates.join(', ')})`,
      configured
        ? 'check CODEX_HOME (it should hold sessions/), or pass the folder: recount import PATH'
        : 'set CODEX_HOME to your Codex home folder, or pass the folder: recount import PATH',
    );
  }
  return dirs;
}
