import type { Ledger } from '../db/ledger.js';
import { BIGINT, LIST, listValue } from '../db/duckdb.js';
import { sql } from '../db/sql.js';
import { onThreadsThatFit } from '../db/threads.js';
import type { Period } from '../period.js';
import { observedBreaks } from './frame-breaks.js';
import { readFrameColumns } from './frame-read.js';
import type { TagValues } from './rule-match.js';
import { loadRates, type RateTable } from './rates.js';

export { emptyRateTable, homeRateIx, type RateTable } from './rates.js';

/**
 * The replay's input, loaded once and shared by every policy and scenario: the period's counted
 * requests in replay order as typed arrays (no per-row JS objects), the dictionaries behind their
 * ids, and list rates per (price list, model, UTC day). Built by loadReplayFrame from queries/replay/
 * (the rows by frame-read.ts); the rules a policy tests read their fields from it too (rule-match.ts);
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
  rowProviderIx: Int32Array; // the provider that served the row (rule field `provider`), not its price list
  sourceIx: Int32Array;
  toolsIx: Int32Array; // the row's tool list (toolSets)
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
  sources: (string | null)[];
  rowProviders: (string | null)[];
  toolSets: (readonly string[] | null)[]; // distinct tool lists (null: a row without tools)
  tags: ReadonlyMap<string, TagValues>; // the values of each tag the policies test (tags.<name>)
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

/**
 * Memory writing the frame's rows to their temp table (create_replay_frame_rows.sql) takes of DuckDB's
 * limit per thread for each ledger row of the period, with a margin. Two threads at the default 384MB
 * wrote the wider table before it for 7.2M rows of the scale ledger and ran out at 8.8M and 10.1M,
 * where one thread finished (docs/benchmarks.md, "What-if at 10M rows"): a thread took 22–27 bytes a
 * row. 32 keeps two threads up to 6M rows at 384MB.
 */
export const FRAME_BYTES_PER_ROW_PER_THREAD = 32;

/**
 * Reads the period's rows into a frame and finds their observed breaks. `targets` are the models
 * policies may route to: they get ids after the rows' own models and rates for every day. `input`:
 * the counted rows, or the agent usage a plan meters (plan-routing.ts). `tags`: the tag names the
 * policies' rules test (testedTags). The ledger session must have usage_counted and the period
 * macros installed (withSession).
 */
export async function loadReplayFrame(ledger: Ledger, period: Period, targets: string[], input: 'counted' | 'agents' = 'counted', tags: readonly string[] = []): Promise<ReplayFrame> {
  for (const step of [`create_replay_input_${input}`, 'create_replay_keys_macro', 'create_replay_threads', 'create_replay_dictionaries']) await ledger.run(sql(`replay/${step}`));
  const { n } = await ledger.one<{ n: bigint }>(sql('ledger/count_period_rows'), { since: period.since, until: period.until });
  const capacity = Number(n);
  const { breakUsdPerMtok, tierMultiplier, ...frame } = await onThreadsThatFit(ledger, capacity, FRAME_BYTES_PER_ROW_PER_THREAD, () => readFrameColumns(ledger, period, capacity));
  // ids are dense over the whole ledger; ids of values absent from the period get a placeholder, so
  // null stays the id of rows that have no value (no key: no per-key budget applies)
  const dict = await ledger.all<{ dictionary: string; ix: number; value: string | null; tools: string[] | null }>(sql('replay/replay_dictionary'));
  const entries = (name: string) => dict.filter((d) => d.dictionary === name);
  const pick = (name: string, ids: Int32Array) => usedValues(entries(name), ids, frame.rows);
  const models = pick('model', frame.modelIx);
  for (const t of targets) if (!models.includes(t)) models.push(t);
  const days = pick('day', frame.dayIx) as string[];
  const serviceTiers = pick('service_tier', frame.serviceTierIx);
  const providers = pick('provider', frame.providerIx);
  let threads = 0;
  for (let i = 0; i < frame.rows; i++) if (frame.threadIx[i] + 1 > threads) threads = frame.threadIx[i] + 1;
  const breaks = await observedBreaks(ledger, { ...frame, breakUsdPerMtok, tierMultiplier }, threads, period);
  await ledger.run(sql('replay/create_replay_used_ids'), { days: usedIds(days), providers: usedIds(providers), service_tiers: usedIds(serviceTiers) }, USED_ID_TYPES);
  const toolSets: (readonly string[] | null)[] = [];
  for (const d of entries('tools')) toolSets[d.ix] = d.tools;
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
    sources: pick('source', frame.sourceIx),
    rowProviders: pick('row_provider', frame.rowProviderIx),
    toolSets,
    tags: await readTags(ledger, period, tags, frame.rows),
    rates: await loadRates(ledger, models, Math.max(providers.length, 1), days.length, serviceTiers.length),
  };
}

const USED_ID_TYPES = { days: LIST(BIGINT), providers: LIST(BIGINT), service_tiers: LIST(BIGINT) };

/** Each tag's values on the frame's rows (read_replay_tag.sql), as ids into its distinct values. */
async function readTags(ledger: Ledger, period: Period, names: readonly string[], rows: number): Promise<Map<string, TagValues>> {
  const out = new Map<string, TagValues>();
  for (const name of names) {
    const values: (string | null)[] = [null];
    const ids = new Map<string, number>();
    const ix = new Int32Array(rows);
    for (const r of await ledger.all<{ place: number; value: string }>(sql('replay/read_replay_tag'), { name, since: period.since, until: period.until, tz: period.tz })) {
      let id = ids.get(r.value);
      if (id === undefined) ids.set(r.value, (id = values.push(r.value) - 1));
      ix[r.place] = id;
    }
    out.set(name, { ix, values });
  }
  return out;
}

/** The ids a dictionary as the period sees it (usedValues) holds a value for, as a DuckDB list (create_replay_used_ids.sql). */
function usedIds(values: (string | null)[]): ReturnType<typeof listValue> {
  const out: bigint[] = [];
  values.forEach((v, id) => v !== ABSENT && out.push(BigInt(id)));
  return listValue(out);
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
