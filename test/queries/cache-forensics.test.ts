import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
import { generateSyntheticMonth, loadRows, type SyntheticMonth } from '../fixtures/synthetic-month.js';
import { newLedger, priceLedger } from '../helpers.js';

/** Runs a named query with every parameter bound (header defaults, overridden by `given`). */
async function query<T = Row>(ledger: Ledger, name: string, given: Record<string, string> = {}): Promise<T[]> {
  const q = readQuery(name);
  return ledger.all<T>(q.sql, bindParams(q, given));
}

interface Turn {
  key: string;
  session: string;
  at: string; // HH:MM:SS on 2026-10-15 (UTC), or a full ISO time
  model: string;
  prompt: number; // prompt_tokens = input + read + writes
  read?: number;
  uncached?: number; // input_tokens; the rest of the prompt is written to cache
  ttl?: '5m' | '1h' | 'none';
  w5?: number; // explicit write split (overrides ttl)
  w1?: number;
  agent?: string;
  tier?: string;
}

/** A Claude Code request row: `prompt` tokens of which `read` come from cache, `uncached` (10) are plain input. */
function turn(t: Turn): Record<string, unknown> {
  const read = t.read ?? 0;
  const uncached = t.ttl === 'none' ? t.prompt - read : (t.uncached ?? 10);
  const write = t.prompt - read - uncached;
  return {
    record_key: t.key,
    source: 'claude-code',
    started_at: t.at.includes('T') ? t.at : `2026-10-15T${t.at}Z`,
    model: t.model,
    model_raw: t.model,
    input_tokens: uncached,
    cache_read_tokens: read,
    cache_write_5m_tokens: t.w5 ?? (t.ttl === '1h' || t.ttl === 'none' ? 0 : write),
    cache_write_1h_tokens: t.w1 ?? (t.ttl === '1h' ? write : 0),
    output_tokens: 100,
    service_tier: t.tier ?? 'standard',
    session_id: t.session,
    project: 'recount',
    agent_id: t.agent ?? null,
    is_sidechain: t.agent !== undefined,
    prompt_text: 'do the thing',
  };
}

const SONNET = 'claude-sonnet-4-5'; // $/Mtok: input 3, cache read 0.3, write 5m 3.75, write 1h 6
const OPUS = 'claude-opus-4-6'; // input 5, cache read 0.5, write 5m 6.25, write 1h 10
const usd = (tokens: number, ratePerMtok: number, multiplier = 1) => (tokens * ratePerMtok * multiplier) / 1e6;

interface ColdStart {
  session_id: string;
  agent_id: string | null;
  record_key: string;
  model: string;
  previous_model: string | null;
  gap_s: number | null;
  prompt_tokens: number;
  previous_prompt_tokens: number | null;
  cache_read_tokens: number;
  cache_write_tokens: number;
  rewritten_tokens: number;
  kind: string;
  extra_cost_usd: number | null;
  break_cost_usd: number | null;
}

describe('cache cold starts on a hand-built ledger', () => {
  let ledger: Ledger;
  let cold: Map<string, ColdStart>;

  beforeAll(async () => {
    ledger = await newLedger();
    await loadRows(ledger, [
      // main thread, 5-minute cache
      turn({ key: 'k01', session: 's-main', at: '10:00:00', model: SONNET, prompt: 20_000 }), // session_start
      turn({ key: 'k02', session: 's-main', at: '10:00:30', model: SONNET, prompt: 22_000, read: 19_990 }), // warm
      turn({ key: 'k03', session: 's-main', at: '10:01:30', model: SONNET, prompt: 24_000, read: 500 }), // prefix_break, 60 s
      turn({ key: 'k04', session: 's-main', at: '10:04:29', model: SONNET, prompt: 25_000 }), // prefix_break, 179 s < margin
      turn({ key: 'k05', session: 's-main', at: '10:07:29', model: SONNET, prompt: 26_000 }), // idle_expiry, 180 s
      turn({ key: 'k06', session: 's-main', at: '10:08:00', model: SONNET, prompt: 27_000, read: 25_990 }), // warm
      turn({ key: 'k07', session: 's-main', at: '10:08:30', model: OPUS, prompt: 28_000 }), // model_switch
      turn({ key: 'k08', session: 's-main', at: '10:09:00', model: OPUS, prompt: 30_000, read: 27_990 }), // warm
      turn({ key: 'k09', session: 's-main', at: '10:09:30', model: OPUS, prompt: 24_000 }), // exactly 80% of 30k: prefix_break
      turn({ key: 'k10', session: 's-main', at: '10:10:00', model: OPUS, prompt: 30_000, read: 23_990 }), // warm
      turn({ key: 'k11', session: 's-main', at: '10:10:30', model: OPUS, prompt: 23_999 }), // under 80%: context_reset
      turn({ key: 'k12', session: 's-main', at: '10:11:00', model: OPUS, prompt: 25_000, read: 2_500 }), // read exactly 10%: not cold
      turn({ key: 'k13', session: 's-main', at: '10:11:30', model: OPUS, prompt: 26_000, read: 2_599 }), // read < 10%: prefix_break
      // fast mode bills Opus 4.6 at 6x: so does the break
      turn({ key: 'f1', session: 's-fast', at: '11:00:00', model: OPUS, prompt: 10_000, tier: 'fast' }),
      turn({ key: 'f2', session: 's-fast', at: '11:00:20', model: OPUS, prompt: 12_000, read: 1_000, tier: 'fast' }),
      // a 1-hour cache: a 20-minute pause is no expiry, 56 minutes is
      turn({ key: 'h1', session: 's-1h', at: '12:00:00', model: SONNET, prompt: 20_000, ttl: '1h' }),
      turn({ key: 'h2', session: 's-1h', at: '12:20:00', model: SONNET, prompt: 21_000, read: 1_000, ttl: '1h' }), // prefix_break
      turn({ key: 'h3', session: 's-1h', at: '13:16:00', model: SONNET, prompt: 22_000, ttl: '1h' }), // idle_expiry (3360 s)
      // a mixed 5m + 1h write: priced at the write mix; the 5m part makes the next margin 3 minutes
      turn({ key: 'h4', session: 's-1h', at: '13:16:30', model: SONNET, prompt: 30_000, w5: 10_000, w1: 19_990 }), // prefix_break
      turn({ key: 'h5', session: 's-1h', at: '13:21:00', model: SONNET, prompt: 31_000, ttl: '1h' }), // idle_expiry (270 s)
      // subagents have their own cache: a1's cold first request is its own session start, not a break of main's
      turn({ key: 'm1', session: 's-agents', at: '14:00:00', model: OPUS, prompt: 20_000 }),
      turn({ key: 'm2', session: 's-agents', at: '14:00:20', model: OPUS, prompt: 22_000, read: 19_990 }),
      turn({ key: 'a1', session: 's-agents', at: '14:00:25', model: OPUS, prompt: 30_000, agent: 'a1' }),
      turn({ key: 'a2', session: 's-agents', at: '14:00:40', model: OPUS, prompt: 31_000, read: 29_990, agent: 'a1' }),
      turn({ key: 'm3', session: 's-agents', at: '14:01:00', model: OPUS, prompt: 24_000, read: 21_990 }),
      // no caching at all: nothing to break
      turn({ key: 'n1', session: 's-nocache', at: '15:00:00', model: SONNET, prompt: 5_000, ttl: 'none' }),
      turn({ key: 'n2', session: 's-nocache', at: '15:00:10', model: SONNET, prompt: 6_000, ttl: 'none' }),
      // caching stops mid-thread: the tokens go uncached, priced at the input rate
      turn({ key: 'c1', session: 's-stop', at: '15:10:00', model: SONNET, prompt: 5_000 }),
      turn({ key: 'c2', session: 's-stop', at: '15:10:10', model: SONNET, prompt: 6_000, ttl: 'none' }), // prefix_break
      turn({ key: 'c3', session: 's-stop', at: '15:10:20', model: SONNET, prompt: 7_000, ttl: 'none' }), // not a cache thread any more
      // a small prompt is never a cold start
      turn({ key: 'tiny', session: 's-tiny', at: '15:20:00', model: SONNET, prompt: 1_023 }),
      // an unknown model: its costs are NULL, never $0
      turn({ key: 'u1', session: 's-unpriced', at: '16:00:00', model: 'claude-opus-9-9', prompt: 10_000 }),
      turn({ key: 'u2', session: 's-unpriced', at: '16:00:10', model: 'claude-opus-9-9', prompt: 11_000 }),
      // a thread that began the day before: in a period starting on the 15th, its break is still a break
      turn({ key: 'l1', session: 's-late', at: '2026-10-14T23:59:00Z', model: SONNET, prompt: 20_000 }),
      turn({ key: 'l2', session: 's-late', at: '2026-10-15T00:00:30Z', model: SONNET, prompt: 22_000 }),
    ]);
    await priceLedger(ledger);
    cold = new Map((await query<ColdStart>(ledger, 'cache_cold_starts')).map((r) => [r.record_key, r]));
  });

  it('lists every cold start and only cold starts, each with its kind', () => {
    expect(Object.fromEntries([...cold.values()].map((r) => [r.record_key, r.kind]))).toEqual({
      k01: 'session_start',
      k03: 'prefix_break',
      k04: 'prefix_break',
      k05: 'idle_expiry',
      k07: 'model_switch',
      k09: 'prefix_break',
      k11: 'context_reset',
      k13: 'prefix_break',
      f1: 'session_start',
      f2: 'prefix_break',
      h1: 'session_start',
      h2: 'prefix_break',
      h3: 'idle_expiry',
      h4: 'prefix_break',
      h5: 'idle_expiry',
      m1: 'session_start',
      a1: 'session_start',
      c1: 'session_start',
      c2: 'prefix_break',
      u1: 'session_start',
      u2: 'prefix_break',
      l1: 'session_start',
      l2: 'prefix_break',
    });
  });

  it('prices a prefix break as the tokens rewritten at (write rate - read rate)', () => {
    // k03: min(22,000 previous, 24,000) - 500 read = 21,500 tokens written at 3.75 that could have been read at 0.30
    expect(cold.get('k03')).toMatchObject({ previous_prompt_tokens: 22_000, cache_read_tokens: 500, cache_write_tokens: 23_490, rewritten_tokens: 21_500, gap_s: 60 });
    expect(cold.get('k03')!.extra_cost_usd).toBeCloseTo(usd(21_500, 3.75 - 0.3), 12);
    expect(cold.get('k03')!.break_cost_usd).toBeCloseTo(0.074175, 12);
    expect(cold.get('k04')!.break_cost_usd).toBeCloseTo(usd(24_000, 3.45), 12); // 0.0828
    expect(cold.get('k13')!.break_cost_usd).toBeCloseTo(usd(25_000 - 2_599, 6.25 - 0.5), 12); // 0.12880575
  });

  it('applies the 80% rule: a prompt at 80% of the previous one is a break, below it a reset', () => {
    expect(cold.get('k09')).toMatchObject({ kind: 'prefix_break', prompt_tokens: 24_000, previous_prompt_tokens: 30_000, rewritten_tokens: 24_000 });
    expect(cold.get('k09')!.break_cost_usd).toBeCloseTo(0.138, 12);
    expect(cold.get('k11')).toMatchObject({ kind: 'context_reset', break_cost_usd: 0, rewritten_tokens: 23_999 });
    expect(cold.get('k11')!.extra_cost_usd).toBeCloseTo(usd(23_999, 5.75), 12);
  });

  it('tells an idle expiry from a break by the margin: 3 minutes, 55 minutes after 1h-only writes', () => {
    expect(cold.get('k04')).toMatchObject({ kind: 'prefix_break', gap_s: 179 });
    expect(cold.get('k05')).toMatchObject({ kind: 'idle_expiry', gap_s: 180, rewritten_tokens: 25_000 });
    expect(cold.get('k05')!.break_cost_usd).toBeCloseTo(usd(25_000, 3.45), 12); // 0.08625
    expect(cold.get('h2')).toMatchObject({ kind: 'prefix_break', gap_s: 1200, rewritten_tokens: 19_000 });
    expect(cold.get('h2')!.break_cost_usd).toBeCloseTo(usd(19_000, 6 - 0.3), 12); // 1h write rate: 0.1083
    expect(cold.get('h3')).toMatchObject({ kind: 'idle_expiry', gap_s: 3360 });
    expect(cold.get('h3')!.break_cost_usd).toBeCloseTo(usd(21_000, 5.7), 12); // 0.1197
    // h4 wrote 10,000 at 5m and 19,990 at 1h: priced at the mix, and the next pause is judged on a 5m TTL
    const mixRate = (10_000 * 3.75 + 19_990 * 6) / 29_990;
    expect(cold.get('h4')!.break_cost_usd).toBeCloseTo(usd(22_000, mixRate - 0.3), 12);
    expect(cold.get('h5')).toMatchObject({ kind: 'idle_expiry', gap_s: 270 });
    expect(cold.get('h5')!.break_cost_usd).toBeCloseTo(usd(30_000, 5.7), 12); // 0.171
  });

  it('reports unavoidable cold starts at $0 break cost but keeps their extra cost', () => {
    expect(cold.get('k01')).toMatchObject({ break_cost_usd: 0, previous_model: null, gap_s: null, rewritten_tokens: 20_000 });
    expect(cold.get('k01')!.extra_cost_usd).toBeCloseTo(0.069, 12); // the whole prompt written at 3.75 instead of read at 0.30
    expect(cold.get('k07')).toMatchObject({ break_cost_usd: 0, model: OPUS, previous_model: SONNET, rewritten_tokens: 27_000 });
    expect(cold.get('k07')!.extra_cost_usd).toBeCloseTo(usd(27_000, 6.25 - 0.5), 12); // 0.15525 at the new model's rates
  });

  it('applies the service tier multiplier (fast mode 6x)', () => {
    expect(cold.get('f1')!.extra_cost_usd).toBeCloseTo(usd(10_000, 5.75, 6), 12); // 0.345
    expect(cold.get('f2')!.break_cost_usd).toBeCloseTo(usd(9_000, 5.75, 6), 12); // 0.3105
  });

  it('keeps subagent threads apart from the main thread', () => {
    expect(cold.get('a1')).toMatchObject({ kind: 'session_start', agent_id: 'a1', previous_prompt_tokens: null, rewritten_tokens: 30_000 });
    expect(cold.get('m1')).toMatchObject({ kind: 'session_start', agent_id: null });
    expect([...cold.values()].filter((r) => r.session_id === 's-agents')).toHaveLength(2);
  });

  it('ignores threads that never used the cache and prices uncached re-sends at the input rate', () => {
    expect(cold.has('n1') || cold.has('n2') || cold.has('c3') || cold.has('tiny')).toBe(false);
    expect(cold.get('c2')).toMatchObject({ kind: 'prefix_break', cache_write_tokens: 0, rewritten_tokens: 5_000 });
    expect(cold.get('c2')!.break_cost_usd).toBeCloseTo(usd(5_000, 3 - 0.3), 12); // 0.0135
  });

  it('never prices an unpriced model at $0', () => {
    expect(cold.get('u1')).toMatchObject({ extra_cost_usd: null, break_cost_usd: 0 });
    expect(cold.get('u2')).toMatchObject({ extra_cost_usd: null, break_cost_usd: null });
  });

  it('classifies against the whole thread but lists only the period', async () => {
    const inPeriod = await query<ColdStart>(ledger, 'cache_cold_starts', { since: '2026-10-15', until: '2026-10-15' });
    expect(inPeriod.map((r) => r.record_key)).not.toContain('l1');
    expect(inPeriod.find((r) => r.record_key === 'l2')).toMatchObject({ kind: 'prefix_break', gap_s: 90 });
    const before = await query<ColdStart>(ledger, 'cache_cold_starts', { until: '2026-10-14' });
    expect(before.map((r) => r.record_key)).toEqual(['l1']);
  });

  it('takes its thresholds as parameters', async () => {
    // with a 5-minute margin k05 (180 s) is a break; with a 20% read threshold k12 (10%) is cold too
    const rows = await query<ColdStart>(ledger, 'cache_cold_starts', { idle_margin_s: '300', cold_read_share: '0.2' });
    const kinds = Object.fromEntries(rows.map((r) => [r.record_key, r.kind]));
    expect(kinds.k05).toBe('prefix_break');
    expect(kinds.k12).toBe('prefix_break');
  });

  it('ranks sessions by prefix-break cost, with idle expiries and the share of the session cost', async () => {
    const rows = await query<Record<string, number | string | null>>(ledger, 'cache_breaks_by_session');
    expect(rows.map((r) => r.session_id)).toEqual(['s-main', 's-fast', 's-1h', 's-late', 's-stop', 's-unpriced']);
    const main = rows[0];
    const prefix = usd(21_500, 3.45) + usd(24_000, 3.45) + usd(24_000, 5.75) + usd(22_401, 5.75);
    expect(main).toMatchObject({ project: 'recount', requests: 13, breaks: 4, idle_expiries: 1, prefix_break_rewritten_tokens: 21_500 + 24_000 + 24_000 + 22_401 });
    expect(main.prefix_break_cost_usd as number).toBeCloseTo(prefix, 12);
    expect(main.idle_expiry_cost_usd as number).toBeCloseTo(0.08625, 12);
    expect(main.break_cost_usd as number).toBeCloseTo(prefix + 0.08625, 12);
    const { cost } = await ledger.one<{ cost: number }>("SELECT sum(cost_usd) AS cost FROM usage_priced WHERE session_id = 's-main'");
    expect(main.session_cost_usd as number).toBeCloseTo(cost, 12);
    expect(main.share as number).toBeCloseTo((prefix + 0.08625) / cost, 12);
    const oneHour = rows.find((r) => r.session_id === 's-1h')!;
    expect(oneHour).toMatchObject({ breaks: 2, idle_expiries: 2 });
    expect(oneHour.idle_expiry_cost_usd as number).toBeCloseTo(0.1197 + 0.171, 12);
    expect(rows.at(-1)).toMatchObject({ session_id: 's-unpriced', breaks: 1, prefix_break_cost_usd: null, idle_expiry_cost_usd: 0, unpriced_requests: 2 });
  });
});

describe('cache hit ratio', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await loadRows(ledger, [
      turn({ key: 'x1', session: 'a', at: '2026-10-15T10:00:00Z', model: SONNET, prompt: 10_000 }),
      turn({ key: 'x2', session: 'a', at: '2026-10-15T10:01:00Z', model: SONNET, prompt: 12_000, read: 9_990 }),
      turn({ key: 'x3', session: 'b', at: '2026-10-15T23:30:00Z', model: OPUS, prompt: 40_000, read: 30_000 }),
      turn({ key: 'x4', session: 'b', at: '2026-10-16T08:00:00Z', model: OPUS, prompt: 50_000, read: 45_000 }),
      // an aggregate bucket is not per-request traffic
      { record_key: 'bucket', source: 'anthropic-usage-api', started_at: '2026-10-15T00:00:00Z', bucket_width: '1d', model: OPUS, model_raw: OPUS, cache_read_tokens: 1_000_000 },
    ]);
    await priceLedger(ledger);
  });

  it('divides cache reads by prompt tokens per model, costliest first', async () => {
    const rows = await query<Record<string, unknown>>(ledger, 'cache_hit_ratio');
    expect(rows.map((r) => [r.grain, r.key, r.requests, r.prompt_tokens, r.cache_read_tokens])).toEqual([
      ['model', OPUS, 2, 90_000, 75_000],
      ['model', SONNET, 2, 22_000, 9_990],
    ]);
    expect(rows[0].cache_hit_ratio).toBeCloseTo(75_000 / 90_000, 12);
    expect(rows[1].cache_hit_ratio).toBeCloseTo(9_990 / 22_000, 12);
    expect(rows[1].cache_write_tokens).toBe(9_990 + 2_000);
    expect(rows[0].cache_savings_usd as number).toBeCloseTo(usd(75_000, 5 - 0.5), 12);
  });

  it('groups by local day in the zone, or by session', async () => {
    const days = await query<Record<string, unknown>>(ledger, 'cache_hit_ratio', { grain: 'day', tz: 'Europe/Berlin' });
    // 23:30 UTC on the 15th is the 16th in Berlin
    expect(days.map((r) => [r.key, r.requests, r.cache_read_tokens])).toEqual([
      ['2026-10-15', 2, 9_990],
      ['2026-10-16', 2, 75_000],
    ]);
    const sessions = await query<Record<string, unknown>>(ledger, 'cache_hit_ratio', { grain: 'session' });
    expect(sessions.map((r) => [r.grain, r.key])).toEqual([
      ['session', 'b'],
      ['session', 'a'],
    ]);
    const { cost } = await ledger.one<{ cost: number }>("SELECT sum(cost_usd) AS cost FROM usage_priced WHERE session_id = 'a'");
    expect(sessions[1].cost_usd as number).toBeCloseTo(cost, 12);
  });

  it('rejects an unknown grain', async () => {
    await expect(query(ledger, 'cache_hit_ratio', { grain: 'week' })).rejects.toThrow(/grain must be model, day or session/);
  });
});

describe('cache forensics on a synthetic month', () => {
  let ledger: Ledger;
  let month: SyntheticMonth;
  let cold: ColdStart[];

  beforeAll(async () => {
    month = generateSyntheticMonth(1);
    ledger = await newLedger();
    await loadRows(ledger, month.rows);
    await priceLedger(ledger);
    cold = await query<ColdStart>(ledger, 'cache_cold_starts');
  });

  const keysOf = (kind: string) => cold.filter((r) => r.kind === kind).map((r) => r.record_key).sort();
  const sorted = (keys: string[]) => [...keys].sort();

  it('is a month of realistic traffic', async () => {
    expect(month.rows.length).toBeGreaterThan(5_000);
    const { n, sessions, models, days } = await ledger.one<{ n: number; sessions: number; models: number; days: number }>(
      'SELECT count(*) AS n, count(DISTINCT session_id) AS sessions, count(DISTINCT model) AS models, count(DISTINCT CAST(started_at AS DATE)) AS days FROM usage',
    );
    expect(n).toBe(month.rows.length);
    expect(sessions).toBe(month.sessions);
    expect(models).toBe(3);
    expect(days).toBeGreaterThan(20);
    expect(month.planted.prefixBreaks.length).toBeGreaterThan(20);
    expect(month.planted.idleExpiries.length).toBeGreaterThan(20);
    expect(month.planted.modelSwitches.length).toBeGreaterThan(0);
  });

  it('finds exactly the planted prefix breaks', () => {
    expect(keysOf('prefix_break')).toEqual(sorted(month.planted.prefixBreaks));
  });

  it('classifies every other cold start as planted', () => {
    expect(keysOf('idle_expiry')).toEqual(sorted(month.planted.idleExpiries));
    expect(keysOf('model_switch')).toEqual(sorted(month.planted.modelSwitches));
    expect(keysOf('context_reset')).toEqual(sorted(month.planted.contextResets));
    expect(keysOf('session_start')).toEqual(sorted(month.planted.sessionStarts));
  });

  it('ranks sessions by the cost of their breaks', async () => {
    const rows = await query<{ session_id: string; breaks: number; idle_expiries: number; prefix_break_cost_usd: number; share: number }>(ledger, 'cache_breaks_by_session');
    expect(rows.reduce((n, r) => n + r.breaks, 0)).toBe(month.planted.prefixBreaks.length);
    expect(rows.reduce((n, r) => n + r.idle_expiries, 0)).toBe(month.planted.idleExpiries.length);
    const costs = rows.map((r) => r.prefix_break_cost_usd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    const total = cold.filter((r) => r.kind === 'prefix_break').reduce((s, r) => s + r.break_cost_usd!, 0);
    expect(costs.reduce((s, c) => s + c, 0)).toBeCloseTo(total, 9);
    for (const r of rows) expect(r.share).toBeGreaterThan(0);
    for (const r of rows) expect(r.share).toBeLessThan(1);
  });

  it('shows high hit ratios on every model', async () => {
    const rows = await query<{ key: string; cache_hit_ratio: number; cost_usd: number }>(ledger, 'cache_hit_ratio');
    expect(rows.map((r) => r.key).sort()).toEqual(['claude-haiku-4-5', 'claude-opus-4-6', 'claude-sonnet-4-5']);
    for (const r of rows) expect(r.cache_hit_ratio).toBeGreaterThan(0.8);
    const days = await query(ledger, 'cache_hit_ratio', { grain: 'day' });
    expect(days.length).toBeGreaterThan(20);
  });
});
