import os from 'node:os';
import path from 'node:path';
import { RecountError } from '../errors.js';
import type { Importer } from '../importers/format.js';
import { importers } from '../importers/registry.js';

/** The coding agents: each format that knows its local log folders (src/importers/<dir>/index.ts). */
const AGENTS: Importer[] = importers.filter((i) => i.local);

/** `recount import --agents`: the folders of every installed agent; none installed is an error with a hint. */
export function installedAgentDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = AGENTS.flatMap((a) => a.local!.find(env));
  if (!dirs.length) {
    const home = env.HOME || os.homedir();
    throw new RecountError(
      `no coding agent logs found under ${path.resolve(home)}`,
      `looked for ${AGENTS.map((a) => `${a.id} (${a.local!.where})`).join(', ')}; pass a folder instead: recount import PATH`,
    );
  }
  return dirs;
}
