// Shared helpers for the importer tests (not a test file itself).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';

export interface TokenTotals {
  rows: number;
  requests: number | null;
  input: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
  output: number;
}

/** Sums of the disjoint token buckets over `usage` rows matching `where`. */
export async function usageTotals(ledger: Ledger, where = 'true'): Promise<TokenTotals> {
  const [row] = await ledger.all<TokenTotals>(`
    SELECT count(*)::BIGINT AS rows,
           sum(requests)::BIGINT AS requests,
           coalesce(sum(input_tokens), 0)::BIGINT AS input,
           coalesce(sum(cache_read_tokens), 0)::BIGINT AS cache_read,
           coalesce(sum(cache_write_5m_tokens), 0)::BIGINT AS cache_write_5m,
           coalesce(sum(cache_write_1h_tokens), 0)::BIGINT AS cache_write_1h,
           coalesce(sum(output_tokens), 0)::BIGINT AS output
    FROM usage WHERE ${where}`);
  return row;
}

/** Sum of invoice_lines.amount_usd (and count) for rows matching `where`. */
export async function invoiceTotals(ledger: Ledger, where = 'true'): Promise<{ rows: number; amount: number; list: number | null }> {
  const [row] = await ledger.all<{ rows: number; amount: number; list: number | null }>(`
    SELECT count(*)::BIGINT AS rows, coalesce(sum(amount_usd), 0) AS amount, sum(list_amount_usd) AS list
    FROM invoice_lines WHERE ${where}`);
  return row;
}

/** rows_read = imported + duplicates + rejected, for every file of the report and of the ledger's import_files. */
export async function expectCountsBalance(ledger: Ledger, report?: ImportReport): Promise<void> {
  for (const f of report?.files ?? []) {
    expect(f.rows_read, `${f.path} in the report`).toBe(f.imported + f.duplicates + f.rejected);
  }
  if (report) {
    const t = report.totals;
    expect(t.rows_read).toBe(t.imported + t.duplicates + t.rejected);
    expect(t.files).toBe(report.files.length);
  }
  const bad = await ledger.all('SELECT * FROM import_files WHERE rows_read <> imported + duplicates + rejected');
  expect(bad).toEqual([]);
}

/** The per-file outcome of a report, by file name (basename), without the path. */
export function outcome(report: ImportReport, file: string) {
  const found = report.files.filter((f) => f.path === file || path.basename(f.path) === file);
  expect(found, `exactly one outcome for ${file}`).toHaveLength(1);
  const { path: _p, ...rest } = found[0];
  return rest;
}

/** A full, order-independent picture of the ledger tables an import writes. */
export async function ledgerState(ledger: Ledger) {
  const dump = async (table: string) =>
    (await ledger.all(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  return {
    usage: await dump('usage'),
    invoice_lines: await dump('invoice_lines'),
    import_files: await dump('import_files'),
    rejects: await dump('rejects'),
  };
}

/** Copies a file into `dir` (keeping its name unless `name` is given) and sets its mtime. */
export function copyWithMtime(src: string, dir: string, mtime: Date, name = path.basename(src)): string {
  const dest = path.join(dir, name);
  fs.copyFileSync(src, dest);
  fs.utimesSync(dest, mtime, mtime);
  return dest;
}

// ---- Claude Code transcript lines ---------------------------------------------------------------

export interface CcUsage {
  input?: number;
  output: number;
  cacheRead?: number;
  write5m?: number;
  write1h?: number;
  /** write only the old unsplit cache_creation_input_tokens field */
  unsplit?: boolean;
  speed?: string;
  serviceTier?: string;
}

export interface CcAssistant {
  msgId?: string;
  requestId?: string | null;
  ts: string;
  usage: CcUsage;
  content?: unknown[];
  model?: string;
  sessionId?: string;
  cwd?: string;
  sidechain?: boolean;
  agentId?: string;
  uuid?: string;
  gitBranch?: string;
}

let uuidCounter = 0;

export function ccAssistant(a: CcAssistant): string {
  const u = a.usage;
  const usage: Record<string, unknown> = {
    input_tokens: u.input ?? 3,
    cache_creation_input_tokens: (u.write5m ?? 0) + (u.write1h ?? 0),
    cache_read_input_tokens: u.cacheRead ?? 0,
    output_tokens: u.output,
    service_tier: u.serviceTier ?? 'standard',
  };
  if (!u.unsplit) usage.cache_creation = { ephemeral_5m_input_tokens: u.write5m ?? 0, ephemeral_1h_input_tokens: u.write1h ?? 0 };
  if (u.speed) usage.speed = u.speed;
  const line: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: a.sidechain ?? false,
    userType: 'external',
    cwd: a.cwd ?? '/home/dev/widget',
    sessionId: a.sessionId ?? 'sess-1',
    version: '2.0.37',
    gitBranch: a.gitBranch ?? 'main',
    message: {
      ...(a.msgId === undefined ? {} : { id: a.msgId }),
      type: 'message',
      role: 'assistant',
      model: a.model ?? 'claude-sonnet-4-5-20250929',
      content: a.content ?? [{ type: 'text', text: 'ok' }],
      stop_reason: null,
      usage,
    },
    type: 'assistant',
    uuid: a.uuid ?? `uuid-${++uuidCounter}`,
    timestamp: a.ts,
  };
  if (a.agentId) line.agentId = a.agentId;
  if (a.requestId !== null) line.requestId = a.requestId ?? `req_${a.msgId ?? 'none'}`;
  return JSON.stringify(line);
}

export function ccUser(content: string | unknown[], ts: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/widget',
    sessionId: 'sess-1',
    version: '2.0.37',
    type: 'user',
    message: { role: 'user', content },
    uuid: `uuid-${++uuidCounter}`,
    timestamp: ts,
    ...extra,
  });
}

export const toolUse = (name: string, id = `toolu_${name}_${++uuidCounter}`) => ({ type: 'tool_use', id, name, input: {} });
export const toolResult = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'done' });

export const jsonl = (...lines: string[]) => lines.join('\n') + '\n';

/** sql.js (the SQLite the OpenCode and Copilot readers use), for tests that build databases with it. */
export interface SqlJs {
  Database: new () => { run(sql: string, params?: unknown[]): void; exec(sql: string): unknown; export(): Uint8Array };
}

export async function loadSqlJs(): Promise<SqlJs> {
  const require = createRequire(import.meta.url);
  const init = require('sql.js') as (c: { wasmBinary: Uint8Array }) => Promise<SqlJs>;
  return init({ wasmBinary: fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')) });
}
