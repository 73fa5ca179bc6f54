import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { Ledger } from '../src/db/ledger.js';
import { importFiles, type ImportReport } from '../src/import/import-run.js';
import { discoverFiles } from '../src/import/discover.js';
import { loadCatalog } from '../src/pricing/catalog.js';
import { loadPriceBook } from '../src/pricing/install.js';
import { defineReadViews } from '../src/session.js';
import { tempDir } from './temp-dirs.js';

export { tempDir };

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const samples = (...p: string[]) => path.join(root, 'samples', ...p);
export const fixtures = (...p: string[]) => path.join(root, 'test', 'fixtures', ...p);

/** A new ledger file in a temp folder. */
export async function newLedger(): Promise<Ledger> {
  return Ledger.open(path.join(tempDir(), 'ledger.duckdb'));
}

export async function importPaths(ledger: Ledger, paths: string[], format?: string): Promise<ImportReport> {
  return importFiles(ledger, discoverFiles(paths), { format, modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z') });
}

/** Defines usage_priced, usage_counted and the query macros on an open ledger (what read commands do). */
export async function priceLedger(ledger: Ledger, pricesFile?: string): Promise<void> {
  await defineReadViews(ledger, loadPriceBook(pricesFile));
}

/** Writes a file into a temp folder and returns its path. */
export function writeTemp(name: string, content: string | Buffer, dir = tempDir()): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/recount.js → dist) with a pinned clock and zone. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = root): CliResult {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'recount.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', NO_COLOR: '1', CI: '1', ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Whether the CLI can run as nobody (uid 65534), for tests of permissions (root ignores them): only
 * as root, and only when nobody can reach this checkout (a clone in a 0700 folder, as `mktemp -d`
 * makes, cannot be read by anyone else).
 */
export function cliRunsAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = `require('fs').accessSync(${JSON.stringify(path.join(root, 'bin', 'recount.js'))}, require('fs').constants.R_OK)`;
  return spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534 }).status === 0;
}

/** Runs statements on a ledger file with DuckDB alone (no recount), as an older recount or a user's tool would. */
export type Run = (q: string, p?: Record<string, string>) => Promise<Record<string, unknown>[]>;

export async function withDb<T>(db: string, fn: (run: Run) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  try {
    return await fn(async (q, p) => (await conn.runAndReadAll(q, p)).getRowObjectsJS() as Record<string, unknown>[]);
  } finally {
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * A Claude Code transcript (two responses) of the first session in samples/otel's Claude Code
 * telemetry: with both imported, usage_counted counts that session from the transcript alone.
 */
export function transcriptOfTelemetrySession(): string {
  const session = '5f0c1d2e-aaaa-4bbb-8ccc-000000000001';
  const line = (k: number) =>
    JSON.stringify({
      type: 'assistant', sessionId: session, uuid: `u-${k}`, requestId: `req_t${k}`, timestamp: `2026-10-05T12:3${k}:00.000Z`, cwd: '/w/app',
      message: { id: `msg_t${k}`, model: 'claude-sonnet-4-5-20250929', role: 'assistant', content: [{ type: 'text', text: 'ok' }],
                 usage: { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 5 } },
    });
  const file = writeTemp(`projects/-w-app/${session}.jsonl`, `${line(1)}\n${line(2)}\n`);
  fs.utimesSync(file, new Date('2026-10-06T00:00:00Z'), new Date('2026-10-06T00:00:00Z'));
  return file;
}
