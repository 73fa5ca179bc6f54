import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { Ledger } from '../db/ledger.js';
import { RecountError } from '../errors.js';
import { sql } from '../db/sql.js';
import { onThreadsThatFit } from '../db/threads.js';
import type { Period } from '../period.js';
import { observedBreaks } from './frame-breaks.js';
import { loadRates, type RateTable } from './rates.js';

export { emptyRateTable, homeRateIx, type RateTable } from './rates.js';

/**
 * The replay's input, loaded once and shared by every policy and scenario: the period's counted
 * requests in replay order as typed arrays (no per-row JS objects), the dictionaries behind their
 * ids, and list rates per (price list, model, UTC day). Built by loadReplayFrame from queries/replay/;
 * tests build frames directly (test/replay/frame-builder.ts) to check the engine's invariants.
 */
export interface ReplayFrame {
  rows: number;
  tS: Float64Array; // started_at, epoch seconds
  requests: Float64Array;
  input: Float64Array; // uncached input tokens (U)
  cacheRead: Float64Array; // R
  write5m: Float64Array; // W5
  write1h: Float64Array; // W1h
  output: Float64Array; // O
  webSearch: Float64Array;
  listCostUsd: Float64Array; // the priced history (NaN = unpriced): identity reproduces it exactly
  costUsd: Float64Array; // billed where known, else list (NaN = neither)
  breakCostUsd: Float64Array; // what an observed prefix break cost over a warm read
  rewrittenTokens: Float64Array; // the tokens a prefix break wrote (or sent uncached) that a warm cache would have read
  observedBreak: Int32Array; // 0 none, 1 prefix_break, 2 context_reset
  isBucket: Int32Array; // a provider's aggregate bucket, not one request
  isLongBucket: Int32Array; // aggregate bucket in the vendor's long-context bucket
  taskTier: Int32Array; // 1..3 from the task-type rules, 0 unclassified
  threadIx: Int32Array; // -1: no thread (aggregate bucket, or a request without a session)
  sessionIx: Int32Array;
  providerIx: Int32Array; // the price list the row is served under (see rateIx)
  modelIx: Int32Array;
  taskTypeIx: Int32Array;
  keyIx: Int32Array;
  projectIx: Int32Array;
  serviceTierIx: Int32Array;
  dayIx: Int32Array;
  threads: number;
  days: string[]; // day_ix → YYYY-MM-DD (UTC)
  /** id → value; null where the rows had none. models also lists policy targets after the rows' own. */
  models: (string | null)[];
  providers: (string | null)[]; // price lists (usage_priced's price_provider)
  taskTypes: (string | null)[];
  apiKeys: (string | null)[];
  projects: (string | null)[];
  sessions: (string | null)[];
  serviceTiers: (string | null)[];
  rates: RateTable;
}

/**
 * Where row i's rates on `model` sit in the rate table: its provider's own rates for that model where
 * the provider has them (with the rates its entry lacks borrowed from the home provider's), else the
 * model's home provider's — as usage_priced prices the row.
 */
export function rateIx(f: ReplayFrame, i: number, model: number): number {
  const r = f.rates;
  return r.slotOf[f.providerIx[i] * r.models + model] * r.days + f.dayIx[i];
}

/** The dictionary entry of an id no row of the period uses. */
const ABSENT = '(not in this period)';

const FLOAT_COLUMNS = [
  ['tS', 't_s'],
  ['requests', 'requests'],
  ['input', 'input_tokens'],
  ['cacheRead', 'cache_read_tokens'],
  ['write5m', 'cache_write_5m_tokens'],
  ['write1h', 'cache_write_1h_tokens'],
  ['output', 'output_tokens'],
  ['webSearch', 'web_search_requests'],
  ['listCostUsd', 'list_cost_usd'],
  ['costUsd', 'cost_usd'],
  ['breakUsdPerMtok', 'break_usd_per_mtok'], // what observedBreaks prices a prefix break with; not kept
  ['tierMultiplier', 'tier_multiplier'],
] as const;
const INT_COLUMNS = [
  ['isBucket', 'is_bucket'],
  ['isLongBucket', 'is_long_bucket'],
  ['taskTier', 'task_tier'],
  ['threadIx', 'thread_ix'],
  ['sessionIx', 'session_ix'],
  ['providerIx', 'provider_ix'],
  ['modelIx', 'model_ix'],
  ['taskTypeIx', 'task_type_ix'],
  ['keyIx', 'key_ix'],
  ['projectIx', 'project_ix'],
  ['serviceTierIx', 'service_tier_ix'],
  ['dayIx', 'day_ix'],
] as const;

/**
 * Builds replay_rows for the period, reads it into a frame and finds its observed breaks. `targets` are the models policies may
 * route to: they get ids after the rows' own models and rates for every day.
 * The ledger session must have usage_counted and the period macros installed (withSession).
 */
export async function loadReplayFrame(ledger: Ledger, period: Period, targets: string[], input: 'counted' | 'agents' = 'counted'): Promise<ReplayFrame> {
  await buildReplayCore(ledger, period, input);
  const { breakUsdPerMtok, tierMultiplier, ...frame } = await readRows(ledger);
  // ids are dense over the whole ledger; ids of values absent from the period get a placeholder, so
  // null stays the id of rows that have no value (no key: no per-key budget applies)
  const dict = await ledger.all<{ dictionary: string; ix: number; value: string | null }>(sql('replay/replay_dictionary'));
  const pick = (name: string, ids: Int32Array) => usedValues(dict.filter((d) => d.dictionary === name), ids, frame.rows);
  const models = pick('model', frame.modelIx);
  for (const t of targets) if (!models.includes(t)) models.push(t);
  const days = pick('day', frame.dayIx) as string[];
  const serviceTiers = pick('service_tier', frame.serviceTierIx);
  const providers = pick('provider', frame.providerIx);
  let threads = 0;
  for (let i = 0; i < frame.rows; i++) if (frame.threadIx[i] + 1 > threads) threads = frame.threadIx[i] + 1;
  // without period bounds the rows hold every thread whole, so its requests' predecessors too
  const place = placesOf.get(ledger)!;
  const breaks = await observedBreaks(ledger, { ...frame, breakUsdPerMtok, tierMultiplier }, threads, period.since == null && period.until == null, (id) => placeOf(place, id));

  return {
    ...frame,
    ...breaks,
    threads,
    days,
    models,
    providers,
    taskTypes: pick('task_type', frame.taskTypeIx),
    apiKeys: pick('api_key', frame.keyIx),
    projects: pick('project', frame.projectIx),
    sessions: pick('session', frame.sessionIx),
    serviceTiers,
    rates: await loadRates(ledger, models, Math.max(providers.length, 1), days.length, serviceTiers.length),
  };
}

/**
 * Each ledger session's replay_core row ids → places in replay order, kept with the temp table they
 * describe (readRows sets them each time it reads a new replay_core), so rule matches need no sort.
 */
const placesOf = new WeakMap<Ledger, Int32Array>();

/**
 * Memory create_replay_rows takes of DuckDB's limit per thread for each ledger row of the period,
 * with a margin. At the default 384MB, two threads built it for 7.2M rows of the scale ledger and
 * ran out at 8.8M and 10.1M, where one thread finished (docs/benchmarks.md, "What-if at 10M rows"):
 * a thread takes 22–27 bytes a row. 32 keeps two threads up to 6M rows at 384MB.
 */
export const FRAME_BYTES_PER_ROW_PER_THREAD = 32;

/**
 * Builds replay_core and its dictionaries from `input` (the counted rows, or the agent usage a plan
 * meters: plan-routing.ts). replay_core's statement runs on as many threads as the period's ledger
 * rows fit in, and again on one thread if it still runs out; the narrow scans around it keep them all.
 */
async function buildReplayCore(ledger: Ledger, period: Period, input: 'counted' | 'agents'): Promise<void> {
  const bounds = { since: period.since, until: period.until, tz: period.tz };
  for (const step of [`create_replay_input_${input}`, 'create_replay_threads', 'create_replay_dictionaries']) await ledger.run(sql(`replay/${step}`));
  const { n } = await ledger.one<{ n: bigint }>(sql('ledger/count_period_rows'), { since: period.since, until: period.until });
  await onThreadsThatFit(ledger, Number(n), FRAME_BYTES_PER_ROW_PER_THREAD, () => ledger.run(sql('replay/create_replay_rows'), bounds));
  await ledger.run(sql('replay/create_replay_rows_view'));
}

type FrameColumns = Omit<
  ReplayFrame,
  'threads' | 'days' | 'models' | 'providers' | 'taskTypes' | 'apiKeys' | 'projects' | 'sessions' | 'serviceTiers' | 'rates' | 'observedBreak' | 'breakCostUsd' | 'rewrittenTokens'
> & { breakUsdPerMtok: Float64Array; tierMultiplier: Float64Array };

/**
 * Reads replay_core in replay order into typed arrays. They are allocated once the row count is known
 * and filled chunk by chunk, so DuckDB's chunks never pile up in memory next to the arrays. Each row's
 * id comes along: the rule matches read unsorted and put each row in its place by it (assignRules).
 * (Reading unsorted here too, by id, cost the same CPU at 2M rows and 220 MB more peak memory.)
 */
async function readRows(ledger: Ledger): Promise<FrameColumns> {
  const [{ rows }] = await ledger.all<{ rows: number }>(sql('replay/replay_row_count'));
  const frame: Record<string, Float64Array | Int32Array | number> = { rows };
  for (const [key] of FLOAT_COLUMNS) frame[key] = new Float64Array(rows);
  for (const [key] of INT_COLUMNS) frame[key] = new Int32Array(rows);
  const ids = new Int32Array(rows);
  const result = await ledger.conn.stream(sql('replay/read_replay_rows'));
  const names = result.columnNames();
  const columns = [...FLOAT_COLUMNS, ...INT_COLUMNS, ['ids', 'row_id'] as const].map(([key, column]) => ({
    out: key === 'ids' ? ids : (frame[key] as Float64Array | Int32Array),
    column: names.indexOf(column),
  }));
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const c of columns) copyColumn(chunk, c.column, c.out, at);
    at += chunk.rowCount;
  }
  placesOf.set(ledger, placesFrom(ids, at, rows));
  return frame as unknown as FrameColumns;
}

/** Where each of replay_core's row ids goes in replay order, read on its own (replay_order.sql). */
async function replayPlaces(ledger: Ledger, rows: number): Promise<Int32Array> {
  const order = new Int32Array(rows);
  const result = await ledger.conn.stream(sql('replay/replay_order'));
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    copyColumn(chunk, 0, order, at);
    at += chunk.rowCount;
  }
  return placesFrom(order, at, rows);
}

/** place[row id] = position, from the ids in replay order. */
function placesFrom(order: Int32Array, count: number, rows: number): Int32Array {
  // ids of a table just created are 0…rows−1; anything else would put rows out of place
  const place = new Int32Array(rows).fill(-1);
  for (let k = 0; k < count; k++) {
    const id = order[k];
    if (!(id >= 0 && id < rows) || place[id] >= 0) throw new RecountError(`replay_core row ids are not 0…${rows - 1} (found ${id})`, 'this is a bug in recount: please report it');
    place[id] = k;
  }
  return place;
}

function placeOf(place: Int32Array, id: number): number {
  const k = id >= 0 && id < place.length ? place[id] : -1;
  if (k < 0) throw new RecountError(`replay_core row id ${id} is not in replay order`, 'this is a bug in recount: please report it');
  return k;
}

/**
 * A dictionary as the period sees it: the values of the ids its rows use, up to the largest such id,
 * and a placeholder for ids between them that no row of the period uses.
 */
export function usedValues(entries: { ix: number; value: string | null }[], ids: Int32Array, rows: number): (string | null)[] {
  const used = new Uint8Array(entries.reduce((m, d) => Math.max(m, d.ix + 1), 0));
  for (let i = 0; i < rows; i++) used[ids[i]] = 1;
  const out: (string | null)[] = Array.from({ length: used.lastIndexOf(1) + 1 }, () => ABSENT);
  for (const d of entries) if (used[d.ix]) out[d.ix] = d.value;
  return out;
}

/**
 * Copies one column of a chunk into `out` at `at`. DOUBLE, INTEGER and SMALLINT vectors hold their
 * data in a typed array (the client's `items`); copying it whole is ~10× faster than a getItem() call
 * per value, and the replay's queries coalesce every column, so there are no NULLs to mask.
 */
function copyColumn(chunk: DuckDBDataChunk, column: number, out: Float64Array | Int32Array | Int16Array, at: number): void {
  const n = chunk.rowCount;
  const vector = chunk.getColumnVector(column);
  const items = (vector as unknown as { items?: unknown }).items;
  if (items != null && Object.getPrototypeOf(items) === Object.getPrototypeOf(out)) {
    out.set((items as typeof out).subarray(0, n), at);
  } else {
    for (let i = 0; i < n; i++) out[at + i] = Number(vector.getItem(i) ?? 0);
  }
}

/**
 * Rule index per row for one policy's first-match rules, evaluated in DuckDB over replay_rows
 * (ruleIndexSql: row id, rule index), in replay order.
 */
export async function assignRules(ledger: Ledger, rows: number, ruleSql: { sql: string; params: Record<string, string | number> }): Promise<Int16Array> {
  let place = placesOf.get(ledger);
  if (!place || place.length !== rows) placesOf.set(ledger, (place = await replayPlaces(ledger, rows)));
  const out = new Int16Array(rows);
  const result = await ledger.conn.stream(ruleSql.sql, ruleSql.params);
  let ids = new Int32Array(4096);
  let rules = new Int16Array(4096);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (chunk.rowCount > ids.length) [ids, rules] = [new Int32Array(chunk.rowCount), new Int16Array(chunk.rowCount)];
    copyColumn(chunk, 0, ids, 0);
    copyColumn(chunk, 1, rules, 0);
    for (let j = 0; j < chunk.rowCount; j++) out[placeOf(place, ids[j])] = rules[j];
  }
  return out;
}
