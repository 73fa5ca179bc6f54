import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The version compared against; installed at bench time into a temp folder, never into the project. */
export const CCUSAGE_SPEC = 'ccusage@20.0.24';

export type CcusageInstall = { entry: string } | { error: string };

/** ccusage's `daily --json` totals. */
export interface CcusageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
}

/**
 * `npm install --prefix <prefix> ccusage@…` and the path of its entry script (a small Node launcher
 * that runs the platform's native binary). Resolves to an error message instead of throwing.
 */
export function installCcusage(prefix: string): Promise<CcusageInstall> {
  fs.mkdirSync(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', prefix, CCUSAGE_SPEC, '--no-audit', '--no-fund', '--loglevel=error'];
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(npm, args, { cwd: prefix, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    child.on('error', (err) => resolve({ error: err.message }));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ error: `npm exited with ${code}: ${npmErrorSummary(output)}` });
      try {
        resolve({ entry: entryScript(prefix) });
      } catch (err) {
        resolve({ error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
}

/** The script named by ccusage's package.json "bin". */
function entryScript(prefix: string): string {
  const pkgDir = path.join(prefix, 'node_modules', 'ccusage');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.ccusage;
  if (!bin) throw new Error('ccusage package.json has no "bin"');
  return path.join(pkgDir, bin);
}

/** Parses `ccusage claude daily --json` output; null when it is not the expected shape. */
export function parseCcusageTotals(stdout: string): CcusageTotals | null {
  try {
    const totals = (JSON.parse(stdout) as { totals?: CcusageTotals }).totals;
    return totals && typeof totals.totalTokens === 'number' ? totals : null;
  } catch {
    return null;
  }
}

/** The first lines of npm's error report (e.g. "code ECONNREFUSED | FetchError: …"), warnings left out. */
function npmErrorSummary(output: string): string {
  const errors = output
    .split('\n')
    .filter((line) => /^npm (error|ERR!)/.test(line))
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter(Boolean);
  return (errors.length ? errors.slice(0, 3) : [output.trim().split('\n').at(-1) ?? '']).join(' | ');
}
