import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { Ledger } from '../db/ledger.js';
import { RecountError } from '../errors.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';

/** replay_frame_rows' columns (create_replay_frame_rows.sql), each into the typed array of the same key. */
const FLOAT_COLUMNS = {
  tS: 't_s',
  requests: 'requests',
  input: 'input_tokens',
  cacheRead: 'cache_read_tokens',
  write5m: 'cache_write_5m_tokens',
  write1h: 'cache_write_1h_tokens',
  output: 'output_tokens',
  webSearch: 'web_search_requests',
  listCostUsd: 'list_cost_usd',
  costUsd: 'cost_usd',
  breakUsdPerMtok: 'break_usd_per_mtok',
  tierMultiplier: 'tier_multiplier',
} as const;
const INT_COLUMNS = {
  isBucket: 'is_bucket',
  isLongBucket: 'is_long_bucket',
  taskTier: 'task_tier',
  threadIx: 'thread_ix',
  sessionIx: 'session_ix',
  providerIx: 'provider_ix',
  modelIx: 'model_ix',
  taskTypeIx: 'task_type_ix',
  keyIx: 'key_ix',
  projectIx: 'project_ix',
  serviceTierIx: 'service_tier_ix',
  dayIx: 'day_ix',
  rowProviderIx: 'row_provider_ix',
  sourceIx: 'source_ix',
  toolsIx: 'tools_ix',
} as const;

/** The period's rows in replay order, one typed array per column (ids index replay_dictionaries). */
export type FrameColumns = { rows: number } & { [K in keyof typeof FLOAT_COLUMNS]: Float64Array } & { [K in keyof typeof INT_COLUMNS]: Int32Array };

/**
 * The period's rows (create_replay_frame_rows.sql) as typed arrays, in replay order; DuckDB's table
 * goes once they are read. The arrays are allocated once for `capacity` rows (at least the rows of the
 * period: count_period_rows.sql) and filled chunk by chunk, so DuckDB's chunks never pile up in memory
 * next to them; the arrays handed back are views of the rows read.
 */
export async function readFrameColumns(ledger: Ledger, period: Period, capacity: number): Promise<FrameColumns> {
  await ledger.run(sql('replay/create_replay_frame_rows'), { since: period.since, until: period.until, tz: period.tz });
  try {
    return await readRows(ledger, capacity);
  } finally {
    await ledger.run(sql('replay/drop_replay_frame_rows'));
  }
}

async function readRows(ledger: Ledger, capacity: number): Promise<FrameColumns> {
  const result = await ledger.conn.stream(sql('replay/read_replay_frame_rows'));
  const names = result.columnNames();
  const column = (type: typeof Float64Array | typeof Int32Array) => ([key, name]: [string, string]) => ({ key, column: names.indexOf(name), out: new type(capacity) as Float64Array | Int32Array });
  const columns = [...Object.entries(FLOAT_COLUMNS).map(column(Float64Array)), ...Object.entries(INT_COLUMNS).map(column(Int32Array))];
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (at + chunk.rowCount > capacity) throw new RecountError(`the replay read more rows than the period holds (${capacity})`, 'this is a bug in recount: please report it');
    for (const c of columns) copyColumn(chunk, c.column, c.out, at);
    at += chunk.rowCount;
  }
  const frame: Record<string, Float64Array | Int32Array | number> = { rows: at };
  for (const c of columns) frame[c.key] = at === capacity ? c.out : c.out.subarray(0, at);
  return frame as FrameColumns;
}

/**
 * Copies one column of a chunk into `out` at `at`. DOUBLE and INTEGER vectors hold their data in a
 * typed array (the client's `items`); copying it whole is ~10× faster than a getItem() call per value,
 * and create_replay_frame_rows coalesces every column, so there are no NULLs to mask.
 */
function copyColumn(chunk: DuckDBDataChunk, column: number, out: Float64Array | Int32Array, at: number): void {
  const n = chunk.rowCount;
  const vector = chunk.getColumnVector(column);
  const items = (vector as unknown as { items?: unknown }).items;
  if (items != null && Object.getPrototypeOf(items) === Object.getPrototypeOf(out)) {
    out.set((items as typeof out).subarray(0, n), at);
  } else {
    for (let i = 0; i < n; i++) out[at + i] = Number(vector.getItem(i) ?? 0);
  }
}
