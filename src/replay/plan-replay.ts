import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';
import { familyOf, type Allowance, type Plan } from './plan-model.js';

/**
 * The agent usage of a period replayed against subscription plans (plan-model.ts), seat by seat:
 * rolling 5-hour and weekly windows that open at the first request after the previous one ended (as
 * queries/usage_windows.sql), the allowance each window meters, and what happens past it: `wait`
 * (the seat is blocked until the window ends, and the blocked work runs then, in the next window) or
 * `overflow` (the rest is billed at list prices). Each plan runs three times: its optimistic end (low
 * fee, high allowance), central, and pessimistic end (high fee, low allowance).
 */

export interface PlanRequest {
  seat: string;
  atMs: number;
  provider: string;
  model: string | null;
  tokens: number; // input + cache writes + output
  costUsd: number; // API-equivalent, at list prices
}

export type End = 'low' | 'central' | 'high';

export interface Trip {
  seat: string;
  limit: '5h' | 'week';
  window_start: string;
  tripped_at: string;
  resumes_at: string | null; // wait: when the window ends and the work goes on; overflow: null
}

/** One seat under one plan at one end of its assumptions, over the period. */
export interface SeatRun {
  coveredUsd: number; // the plan's providers, API-equivalent
  uncoveredUsd: number; // other providers: billed at list prices whatever the plan
  overflowUsd: number; // past the allowance, billed at list prices (overflow plans)
  blockedHours: number; // waiting for a window to end (wait plans)
  windows: number; // 5-hour windows opened
  trips: Trip[]; // windows whose allowance ran out, in time order
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 168 * HOUR_MS;
const EPS = 1e-9;

interface Meter {
  spanMs: number;
  allowance: Allowance;
  startMs: number;
  endMs: number;
  used: Map<string, number>;
  tripped: boolean;
}

/** Reads the period's agent usage, in time order per seat. */
export async function loadPlanRequests(ledger: Ledger, period: Period): Promise<PlanRequest[]> {
  const rows = await ledger.all<{ seat: string; started_at_ms: number | bigint; provider: string | null; model: string | null; counted_tokens: number; list_cost_usd: number }>(
    sql('replay/plan_requests'),
    { since: period.since, until: period.until, tz: period.tz },
  );
  return rows.map((r) => ({ seat: r.seat, atMs: Number(r.started_at_ms), provider: r.provider ?? '', model: r.model, tokens: r.counted_tokens, costUsd: r.list_cost_usd }));
}

/** A seat's requests (time order) against a plan at one end of its assumptions. Pure. */
export function runSeat(requests: readonly PlanRequest[], plan: Plan, end: End): SeatRun {
  // optimistic cost (low) comes with the largest allowance, and the other way round
  const allowanceEnd: End = end === 'low' ? 'high' : end === 'high' ? 'low' : 'central';
  const meters: Meter[] = [];
  if (plan.per5h) meters.push({ spanMs: 5 * HOUR_MS, allowance: plan.per5h, startMs: -Infinity, endMs: -Infinity, used: new Map(), tripped: false });
  if (plan.perWeek) meters.push({ spanMs: WEEK_MS, allowance: plan.perWeek, startMs: -Infinity, endMs: -Infinity, used: new Map(), tripped: false });
  const run: SeatRun = { coveredUsd: 0, uncoveredUsd: 0, overflowUsd: 0, blockedHours: 0, windows: 0, trips: [] };
  let resumeMs = -Infinity;
  for (const r of requests) {
    if (plan.providers && !plan.providers.includes(r.provider)) {
      run.uncoveredUsd += r.costUsd;
      continue;
    }
    run.coveredUsd += r.costUsd;
    if (!meters.length) {
      // no allowance at all: pay as you go (an overflow plan) or unlimited (a plan that waits needs one)
      if (plan.onLimit === 'overflow') run.overflowUsd += r.costUsd;
      continue;
    }
    const amount = plan.unit === 'usd' ? r.costUsd : r.tokens;
    let t = Math.max(r.atMs, resumeMs);
    for (;;) {
      run.windows += openWindows(meters, t);
      const over = meters.filter((m) => used(m, r) + amount > cap(m, r, allowanceEnd) + EPS);
      if (!over.length) break;
      if (plan.onLimit === 'overflow') {
        // the part past the fullest window's allowance is billed; a request already past it, in full
        const share = Math.max(...over.map((m) => Math.min(1, (used(m, r) + amount - cap(m, r, allowanceEnd)) / amount)));
        run.overflowUsd += share * r.costUsd;
        for (const m of over.filter((x) => !x.tripped)) trip(run, m, r.seat, t, null);
        break;
      }
      // wait: a request larger than a whole fresh allowance still runs (alone), or it would wait forever
      const blocking = over.filter((m) => used(m, r) > 0);
      if (!blocking.length) {
        for (const m of over.filter((x) => !x.tripped)) trip(run, m, r.seat, t, null);
        break;
      }
      const until = Math.max(...blocking.map((m) => m.endMs));
      for (const m of blocking) trip(run, m, r.seat, t, until);
      run.blockedHours += (until - t) / HOUR_MS;
      resumeMs = until;
      t = until;
    }
    for (const m of meters) m.used.set(familyOf(m.allowance, r.model), used(m, r) + amount);
  }
  return run;
}

/** Opens a new window on every meter whose window has ended by `t`; returns how many 5-hour windows opened. */
function openWindows(meters: Meter[], t: number): number {
  let opened = 0;
  for (const m of meters) {
    if (t < m.endMs) continue;
    m.startMs = t;
    m.endMs = t + m.spanMs;
    m.used = new Map();
    m.tripped = false;
    if (m.spanMs !== WEEK_MS) opened++;
  }
  return opened;
}

const used = (m: Meter, r: PlanRequest) => m.used.get(familyOf(m.allowance, r.model)) ?? 0;
const cap = (m: Meter, r: PlanRequest, end: End) => m.allowance[familyOf(m.allowance, r.model)][end];

function trip(run: SeatRun, m: Meter, seat: string, t: number, resumesMs: number | null): void {
  m.tripped = true;
  run.trips.push({
    seat,
    limit: m.spanMs === WEEK_MS ? 'week' : '5h',
    window_start: new Date(m.startMs).toISOString(),
    tripped_at: new Date(t).toISOString(),
    resumes_at: resumesMs == null ? null : new Date(resumesMs).toISOString(),
  });
}

/** Requests grouped by seat, each seat's in time order (the query's order, kept). */
export function bySeat(requests: readonly PlanRequest[]): Map<string, PlanRequest[]> {
  const out = new Map<string, PlanRequest[]>();
  for (const r of requests) {
    const list = out.get(r.seat);
    if (list) list.push(r);
    else out.set(r.seat, [r]);
  }
  for (const list of out.values()) list.sort((a, b) => a.atMs - b.atMs);
  return out;
}

/** The period's length in months (30.4375 days): its days when bounded, else the span of the usage (≥ 1 day). */
export function periodMonths(period: Period, requests: readonly PlanRequest[]): number {
  const day = 24 * HOUR_MS;
  let days: number;
  if (period.since && period.until) days = (Date.parse(`${period.until}T00:00:00Z`) - Date.parse(`${period.since}T00:00:00Z`)) / day + 1;
  else if (requests.length) {
    // a loop, not Math.min(...times): a month of requests is too many arguments
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of requests) {
      lo = Math.min(lo, r.atMs);
      hi = Math.max(hi, r.atMs);
    }
    const first = period.since ? Date.parse(`${period.since}T00:00:00Z`) : lo;
    const last = period.until ? Date.parse(`${period.until}T00:00:00Z`) + day : hi;
    days = Math.max(1, Math.ceil((last - first) / day));
  } else days = 30.4375;
  return days / 30.4375;
}
