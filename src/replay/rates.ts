import { listValue } from '../db/duckdb.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';

/**
 * List rates by slot and day: a slot's rate on day d sits at slot * days + d; NaN input = no price that
 * day. Slot m (< models) holds model m's home-provider rates; a price list with its own rates for a
 * model has a slot of its own (with the home rates on days it has none), found through slotOf.
 */
export interface RateTable {
  days: number;
  models: number;
  /** provider_ix * models + model_ix → slot */
  slotOf: Int32Array;
  input: Float64Array;
  output: Float64Array;
  cacheRead: Float64Array;
  write5m: Float64Array;
  write1h: Float64Array;
  hasCacheWrites: Uint8Array; // explicit-cache model (Anthropic-style billed writes)
  longContextAbove: Float64Array; // NaN: no long-context tier
  lcInput: Float64Array;
  lcOutput: Float64Array;
  lcCacheRead: Float64Array;
  lcWrite5m: Float64Array;
  lcWrite1h: Float64Array;
  webSearch: Float64Array;
  /** model_ix * serviceTiers + service_tier_ix → the model home provider's multiplier (1 where none applies) */
  tierMultiplier: Float64Array;
  serviceTiers: number;
}

/** Where `model`'s home-provider rates on day `day` sit (a model's own list price, whoever serves it). */
export function homeRateIx(r: RateTable, model: number, day: number): number {
  return model * r.days + day;
}

interface RateRow {
  provider_ix: number; // -1: the model's home rates
  model: string;
  day_ix: number;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cache_read_usd_per_mtok: number;
  cache_write_5m_usd_per_mtok: number;
  cache_write_1h_usd_per_mtok: number;
  has_cache_writes: boolean;
  long_context_above_tokens: number | null;
  lc_input_usd_per_mtok: number;
  lc_output_usd_per_mtok: number;
  lc_cache_read_usd_per_mtok: number;
  lc_cache_write_5m_usd_per_mtok: number;
  lc_cache_write_1h_usd_per_mtok: number;
  web_search_usd_per_request: number;
}

/** The rate table for `models` (rows' own, then policy targets) on the frame's days and price lists (replay_rates.sql). */
export async function loadRates(ledger: Ledger, models: (string | null)[], providers: number, days: number, serviceTiers: number): Promise<RateTable> {
  const named = models.filter((m): m is string => m != null);
  if (!named.length) return emptyRateTable(models.length, days, serviceTiers, providers); // nothing to price (an empty period under a policy that routes nowhere)
  const rows = await ledger.all<RateRow>(sql('replay/replay_rates'), { models: listValue(named) });
  const modelIx = new Map(named.map((m) => [m, models.indexOf(m)]));
  // a slot for each (price list, model) with rates of its own, after the models' home slots
  const own = new Map<number, number>();
  for (const r of rows) {
    const pair = r.provider_ix * models.length + modelIx.get(r.model)!;
    if (r.provider_ix >= 0 && !own.has(pair)) own.set(pair, models.length + own.size);
  }
  const table = emptyRateTable(models.length, days, serviceTiers, providers, own.size);
  for (const [pair, slot] of own) table.slotOf[pair] = slot;
  const filled = new Uint8Array(table.input.length);
  for (const r of rows) {
    const m = modelIx.get(r.model)!;
    const slot = r.provider_ix < 0 ? m : own.get(r.provider_ix * models.length + m)!;
    setRates(table, slot * days + r.day_ix, r);
    filled[slot * days + r.day_ix] = 1;
  }
  // a list's days without own rates are priced at the home provider's, as usage_priced falls back
  for (const [pair, slot] of own) {
    const home = pair % models.length;
    for (let d = 0; d < days; d++) if (!filled[slot * days + d]) copyRates(table, home * days + d, slot * days + d);
  }
  const multipliers = await ledger.all<{ model: string; service_tier_ix: number; multiplier: number }>(sql('replay/replay_tier_multipliers'), {
    models: listValue(named),
  });
  for (const m of multipliers) table.tierMultiplier[modelIx.get(m.model)! * table.serviceTiers + m.service_tier_ix] = m.multiplier;
  return table;
}

const RATE_ARRAYS = ['input', 'output', 'cacheRead', 'write5m', 'write1h', 'hasCacheWrites', 'longContextAbove', 'lcInput', 'lcOutput', 'lcCacheRead', 'lcWrite5m', 'lcWrite1h', 'webSearch'] as const;

function setRates(table: RateTable, at: number, r: RateRow): void {
  table.input[at] = r.input_usd_per_mtok;
  table.output[at] = r.output_usd_per_mtok;
  table.cacheRead[at] = r.cache_read_usd_per_mtok;
  table.write5m[at] = r.cache_write_5m_usd_per_mtok;
  table.write1h[at] = r.cache_write_1h_usd_per_mtok;
  table.hasCacheWrites[at] = r.has_cache_writes ? 1 : 0;
  table.longContextAbove[at] = r.long_context_above_tokens ?? NaN;
  table.lcInput[at] = r.lc_input_usd_per_mtok;
  table.lcOutput[at] = r.lc_output_usd_per_mtok;
  table.lcCacheRead[at] = r.lc_cache_read_usd_per_mtok;
  table.lcWrite5m[at] = r.lc_cache_write_5m_usd_per_mtok;
  table.lcWrite1h[at] = r.lc_cache_write_1h_usd_per_mtok;
  table.webSearch[at] = r.web_search_usd_per_request;
}

function copyRates(table: RateTable, from: number, to: number): void {
  for (const k of RATE_ARRAYS) table[k][to] = table[k][from];
}

/**
 * A rate table with no prices (NaN) and multipliers of 1: a home slot per model, `ownSlots` more,
 * every (provider, model) pointing at the model's home slot until loadRates says otherwise.
 */
export function emptyRateTable(models: number, days: number, serviceTiers: number, providers = 1, ownSlots = 0): RateTable {
  const size = (models + ownSlots) * days;
  const nan = () => new Float64Array(size).fill(NaN);
  const slotOf = new Int32Array(providers * models);
  for (let k = 0; k < slotOf.length; k++) slotOf[k] = k % models;
  return {
    days,
    models,
    slotOf,
    input: nan(),
    output: nan(),
    cacheRead: nan(),
    write5m: nan(),
    write1h: nan(),
    hasCacheWrites: new Uint8Array(size),
    longContextAbove: nan(),
    lcInput: nan(),
    lcOutput: nan(),
    lcCacheRead: nan(),
    lcWrite5m: nan(),
    lcWrite1h: nan(),
    webSearch: new Float64Array(size),
    tierMultiplier: new Float64Array(models * Math.max(serviceTiers, 1)).fill(1),
    serviceTiers: Math.max(serviceTiers, 1),
  };
}

// one (slot, day)'s rates side by side (packRates): a replayed request reads one line, not a dozen arrays
export const R_INPUT = 0;
export const R_OUTPUT = 1;
export const R_CACHE_READ = 2;
export const R_WRITE_5M = 3;
export const R_WRITE_1H = 4;
export const R_LC_INPUT = 5;
export const R_LC_OUTPUT = 6;
export const R_LC_CACHE_READ = 7;
export const R_LC_WRITE_5M = 8;
export const R_LC_WRITE_1H = 9;
export const R_LONG_ABOVE = 10;
export const R_WEB_SEARCH = 11;
export const R_EXPLICIT = 12; // hasCacheWrites, 0 or 1
export const RATE_STRIDE = 16;

/** The table's rates at [rate index × RATE_STRIDE + R_ field]: the same values, one line per (slot, day). */
export function packRates(r: RateTable): Float64Array {
  const out = new Float64Array(r.input.length * RATE_STRIDE);
  const fields = [r.input, r.output, r.cacheRead, r.write5m, r.write1h, r.lcInput, r.lcOutput, r.lcCacheRead, r.lcWrite5m, r.lcWrite1h, r.longContextAbove, r.webSearch, r.hasCacheWrites];
  for (let k = 0; k < r.input.length; k++) fields.forEach((x, j) => (out[k * RATE_STRIDE + j] = x[k]));
  return out;
}
