import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../../errors.js';

/** Shared folder finders for the coding agents' local logs (each agent file says which folder it reads). */

/** The user's home folder as the environment gives it (tests pass a fake HOME). */
export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** The folder an agent's env override names (trimmed), else `fallback` under the home folder. */
export function agentRoot(env: NodeJS.ProcessEnv, override: string, ...fallback: string[]): string {
  return env[override]?.trim() || path.join(homeOf(env), ...fallback);
}

/** `<root>/*\/<child>` folders that exist, sorted: one per project (or workspace) of an agent. */
export function childDirs(root: string, child: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(root, e.name, child))
    .filter((d) => fs.existsSync(d))
    .sort();
}

/** [dir] when it exists as a folder, else []. */
export function existingDir(dir: string): string[] {
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? [dir] : [];
}

/** An agent whose finder reports it missing (a RecountError) has no folders; any other error is real. */
export function foundOrNone(find: (env: NodeJS.ProcessEnv) => string[]): (env: NodeJS.ProcessEnv) => string[] {
  return (env) => {
    try {
      return find(env);
    } catch (err) {
      if (err instanceof RecountError) return [];
      throw err;
    }
  };
}
