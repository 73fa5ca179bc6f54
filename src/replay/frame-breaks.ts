import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';

/**
 * The observed prompt-cache breaks a replay may recover or reset: the cold starts cold_starts()
 * (queries/forensics/create_cold_starts_macro.sql) classifies prefix_break (1) or context_reset (2),
 * with the defaults of cache_cold_starts.sql. When the frame holds every thread whole (no period
 * bounds), they are found here in one pass over the rows in replay order, each thread's previous
 * request kept in per-thread slots — far cheaper than the window over the ledger DuckDB runs
 * otherwise (create_replay_breaks.sql, placed by replay_keys). Both paths price a prefix break the same
 * way: its rewritten tokens at what the row paid for them over a warm read, as the macro does.
 */
export interface BreakInputs {
  rows: number;
  threadIx: Int32Array;
  tS: Float64Array;
  input: Float64Array;
  cacheRead: Float64Array;
  write5m: Float64Array;
  write1h: Float64Array;
  modelIx: Int32Array;
  breakUsdPerMtok: Float64Array; // paid rate of the row's written (or uncached) tokens − its cache read rate; NaN unpriced
  tierMultiplier: Float64Array;
}

export interface BreakColumns {
  observedBreak: Int32Array;
  breakCostUsd: Float64Array;
  rewrittenTokens: Float64Array;
}

// cache_cold_starts.sql's defaults
const MIN_PROMPT_TOKENS = 1024;
const COLD_READ_SHARE = 0.1;
const IDLE_MARGIN_S = 180;
const IDLE_MARGIN_1H_S = 3300;
const PREFIX_RATIO = 0.8;

const TTL_NONE = 0;
const TTL_5M = 1;
const TTL_1H = 2;

/**
 * The breaks of every row, in replay order. Without period bounds the rows hold each of their threads
 * whole, so a thread's predecessor is the previous row of its thread here; otherwise (or on a tie in
 * time) the window of create_replay_breaks.sql decides, its rows placed by replay_keys.
 */
export async function observedBreaks(ledger: Ledger, f: BreakInputs, threads: number, period: Period): Promise<BreakColumns> {
  const out: BreakColumns = { observedBreak: new Int32Array(f.rows), breakCostUsd: new Float64Array(f.rows), rewrittenTokens: new Float64Array(f.rows) };
  const wholeThreads = period.since == null && period.until == null;
  if (wholeThreads && threadBreaks(f, threads, out)) return out;
  out.observedBreak.fill(0);
  out.rewrittenTokens.fill(0);
  await ledger.run(sql('replay/create_replay_breaks'));
  const params = { since: period.since, until: period.until, tz: period.tz };
  for (const b of await ledger.all<{ place: number; observed_break: number; rewritten_tokens: number }>(sql('replay/replay_break_rows'), params)) {
    setBreak(f, out, b.place, b.observed_break, b.rewritten_tokens);
  }
  priceBreaks(f, out);
  return out;
}

/**
 * The cold_starts rules over each thread's requests in order. False when two requests of a thread
 * start in the same microsecond: the macro orders those by record key, which the frame does not
 * hold, so the SQL path decides them.
 */
export function threadBreaks(f: BreakInputs, threads: number, out: BreakColumns): boolean {
  const previous = new Int32Array(threads).fill(-1);
  const lastTtl = new Uint8Array(threads); // the thread's last cache write's TTL so far
  for (let i = 0; i < f.rows; i++) {
    const t = f.threadIx[i];
    if (t < 0) continue;
    const p = previous[t];
    if (p >= 0) {
      if (f.tS[i] === f.tS[p]) return false;
      const kind = breakKind(f, i, p, lastTtl[t]);
      if (kind > 0) setBreak(f, out, i, kind, Math.max(Math.min(promptTokens(f, p), promptTokens(f, i)) - f.cacheRead[i], 0));
    }
    const ttl = f.write1h[i] > 0 && f.write5m[i] === 0 ? TTL_1H : f.write5m[i] > 0 ? TTL_5M : TTL_NONE;
    if (ttl !== TTL_NONE) lastTtl[t] = ttl;
    previous[t] = i;
  }
  priceBreaks(f, out);
  return true;
}

/** 1 prefix break, 2 context reset, 0 neither (warm, too small, a new model, an idle expiry), row i after row p. */
function breakKind(f: BreakInputs, i: number, p: number, previousTtl: number): number {
  const prompt = promptTokens(f, i);
  const written = f.write5m[i] + f.write1h[i];
  if (!(prompt >= MIN_PROMPT_TOKENS && f.cacheRead[i] < COLD_READ_SHARE * prompt)) return 0;
  if (!(written > 0 || f.cacheRead[p] + f.write5m[p] + f.write1h[p] > 0)) return 0;
  if (f.modelIx[i] !== f.modelIx[p]) return 0;
  if (f.tS[i] - f.tS[p] >= (previousTtl === TTL_1H ? IDLE_MARGIN_1H_S : IDLE_MARGIN_S)) return 0;
  return prompt >= PREFIX_RATIO * promptTokens(f, p) ? 1 : 2;
}

function promptTokens(f: BreakInputs, i: number): number {
  return f.input[i] + f.cacheRead[i] + f.write5m[i] + f.write1h[i];
}

/** A context reset keeps no rewritten tokens (only a prefix break's are priced and recovered). */
function setBreak(f: BreakInputs, out: BreakColumns, i: number, kind: number, rewritten: number): void {
  out.observedBreak[i] = kind;
  out.rewrittenTokens[i] = kind === 1 ? rewritten : 0;
}

/** Each prefix break's cost as cold_starts prices it: rewritten × (paid − cache read) / 1e6 × tier multiplier, 0 where unpriced. */
function priceBreaks(f: BreakInputs, out: BreakColumns): void {
  for (let i = 0; i < f.rows; i++) {
    if (out.observedBreak[i] !== 1) continue;
    const usd = (out.rewrittenTokens[i] * f.breakUsdPerMtok[i]) / 1e6 * f.tierMultiplier[i];
    out.breakCostUsd[i] = Number.isNaN(usd) ? 0 : usd;
  }
}
