import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/replay/plan-model.js';
import { evaluatePlans } from '../../src/replay/plan-outcome.js';
import { runSeat, type PlanRequest } from '../../src/replay/plan-replay.js';
import type { Policy } from '../../src/replay/policy.js';

// Plans replayed over hand-built agent requests: rolling 5-hour and weekly windows per seat that open
// at the first request after the previous window ended, allowances in API-equivalent dollars or tokens.

const point = (x: number) => ({ low: x, central: x, high: x });
const req = (at: string, costUsd: number, more: Partial<PlanRequest> = {}): PlanRequest => ({
  seat: 'alice', atMs: Date.parse(at), provider: 'anthropic', model: 'claude-sonnet-4-5', tokens: 0, costUsd, ...more,
});
const plan = (p: Partial<Plan>): Plan => ({ feeUsdPerMonth: point(100), providers: ['anthropic'], unit: 'usd', per5h: null, perWeek: null, onLimit: 'wait', ...p });
const asPolicy = (name: string, p: Plan): Policy => ({ name, plan: p, description: null, file: `${name}.yaml`, fingerprint: name } as unknown as Policy);
const OCTOBER = { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' };

describe('a plan over the 5-hour windows', () => {
  // alice's evening: the first window (20:00 → 01:00) spans midnight
  const evening = [req('2026-10-04T20:00:00Z', 4), req('2026-10-05T00:59:59.999Z', 4), req('2026-10-05T01:00:00Z', 4)];

  it('bills the part past the allowance at list prices; a request exactly 5 h after the first opens a new window', () => {
    const run = runSeat(evening, plan({ per5h: { default: point(6) }, onLimit: 'overflow' }), 'central');
    expect(run.overflowUsd).toBeCloseTo(2, 9); // 4 + 4 against 6: the second request's last $2
    expect(run.windows).toBe(2); // 01:00:00 is not in the first window
    expect(run.blockedHours).toBe(0);
    expect(run.trips).toEqual([{ seat: 'alice', limit: '5h', window_start: '2026-10-04T20:00:00.000Z', tripped_at: '2026-10-05T00:59:59.999Z', resumes_at: null }]);
  });

  it('waits until the window ends, then runs the waiting work in the next window (which can run out too)', () => {
    const rs = [req('2026-10-04T20:00:00Z', 4), req('2026-10-04T22:00:00Z', 4), req('2026-10-05T02:00:00Z', 4), req('2026-10-05T07:00:00Z', 1)];
    const run = runSeat(rs, plan({ per5h: { default: point(5) } }), 'central');
    // 22:00 waits 3 h for 01:00; its window 01:00 → 06:00 holds it, so 02:00 waits 4 h for 06:00
    expect(run.trips.map((t) => [t.window_start, t.tripped_at, t.resumes_at])).toEqual([
      ['2026-10-04T20:00:00.000Z', '2026-10-04T22:00:00.000Z', '2026-10-05T01:00:00.000Z'],
      ['2026-10-05T01:00:00.000Z', '2026-10-05T02:00:00.000Z', '2026-10-05T06:00:00.000Z'],
    ]);
    expect(run.blockedHours).toBe(7);
    expect(run.windows).toBe(3); // 20:00, 01:00, 06:00 (07:00 falls in the last)
    expect(run.overflowUsd).toBe(0);
  });

  it('lets a request larger than a whole fresh allowance run alone instead of waiting forever', () => {
    const run = runSeat([req('2026-10-04T20:00:00Z', 9), req('2026-10-04T20:30:00Z', 1)], plan({ per5h: { default: point(5) } }), 'central');
    expect(run.trips.map((t) => t.resumes_at)).toEqual([null, '2026-10-05T01:00:00.000Z']);
    expect(run.blockedHours).toBe(4.5);
  });

  it('meters a token allowance per model family, the first family the model id contains', () => {
    const rs = [
      req('2026-10-04T20:00:00Z', 10, { model: 'claude-opus-4-6', tokens: 600 }),
      req('2026-10-04T20:10:00Z', 1, { model: 'claude-haiku-4-5', tokens: 5000 }),
      req('2026-10-04T20:20:00Z', 10, { model: 'claude-opus-4-6', tokens: 600 }),
    ];
    const run = runSeat(rs, plan({ unit: 'tokens', per5h: { opus: point(1000), default: point(10_000) }, onLimit: 'overflow' }), 'central');
    expect(run.overflowUsd).toBeCloseTo(10 * (200 / 600), 9); // opus 1200 of 1000: the last 200 tokens' share
    expect(run.trips).toHaveLength(1);
  });

  it('bills usage on providers the plan does not cover at list prices, outside the allowance', () => {
    const run = runSeat([req('2026-10-04T20:00:00Z', 3, { provider: 'openai', model: 'gpt-5-codex' }), req('2026-10-04T20:01:00Z', 4)], plan({ per5h: { default: point(5) } }), 'central');
    expect([run.uncoveredUsd, run.coveredUsd, run.trips.length]).toEqual([3, 4, 0]);
  });
});

describe('a plan over the weekly windows', () => {
  // rolling weeks: a week opened Monday 10:00 runs to the next Monday 10:00, across Sunday → Monday
  const rs = [req('2026-10-05T10:00:00Z', 6), req('2026-10-11T22:00:00Z', 3), req('2026-10-12T02:00:00Z', 3), req('2026-10-12T10:30:00Z', 3)];

  it('keeps one weekly window across the calendar week boundary and trips it there', () => {
    const run = runSeat(rs, plan({ per5h: { default: point(100) }, perWeek: { default: point(10) } }), 'central');
    expect(run.trips).toEqual([{ seat: 'alice', limit: 'week', window_start: '2026-10-05T10:00:00.000Z', tripped_at: '2026-10-12T02:00:00.000Z', resumes_at: '2026-10-12T10:00:00.000Z' }]);
    expect(run.blockedHours).toBe(8);
    // Sunday 22:00 → Monday 03:00 is one 5-hour window; the waiting request opens one at 10:00 that 10:30 joins
    expect(run.windows).toBe(3);
  });

  it('has the optimistic end at the high allowance and the pessimistic end at the low one', () => {
    const p = plan({ perWeek: { default: { low: 8, central: 10, high: 20 } }, onLimit: 'overflow' });
    expect(['low', 'central', 'high'].map((e) => runSeat(rs, p, e as 'low').overflowUsd)).toEqual([0, 2, 4]);
  });
});

describe('plans for a team', () => {
  // bob works hard (two $60 windows), carol lightly ($5 in all)
  const rs = [
    req('2026-10-06T09:00:00Z', 60, { seat: 'bob' }),
    req('2026-10-07T09:00:00Z', 60, { seat: 'bob' }),
    req('2026-10-06T09:00:00Z', 5, { seat: 'carol' }),
  ];
  const max = asPolicy('max', plan({ feeUsdPerMonth: { low: 90, central: 100, high: 110 }, per5h: { default: { low: 50, central: 80, high: 100 } } }));
  const api = asPolicy('api', plan({ feeUsdPerMonth: point(0), providers: null, onLimit: 'overflow' }));
  const report = evaluatePlans(rs, OCTOBER, [max, api]);

  it('charges the fee per seat and what overflows, per month, with bounds', () => {
    expect(report.seats).toEqual(['bob', 'carol']);
    expect(report.months).toBeCloseTo(31 / 30.4375, 9);
    const [m, a] = report.plans;
    expect(m.cost_usd_per_month).toEqual({ low: 180, central: 200, high: 220 });
    expect(m.limited_windows).toEqual({ low: 0, central: 0, high: 2 }); // $60 in a window of $50 at the low allowance
    expect(m.blocked_hours).toEqual({ low: 0, central: 0, high: 0 }); // one request alone in a fresh window runs
    expect(a.cost_usd_per_month.central).toBeCloseTo(125 / report.months, 9);
    expect(a.break_even_usd_per_seat_month).toBeNull();
    expect(m.break_even_usd_per_seat_month).toBe(100);
    expect(m.seats_past_break_even).toBe(1); // bob's $116 a month, not carol's $4.9
  });

  it('puts each seat on its cheapest plan', () => {
    expect(report.cheapest_mix.map((c) => [c.seat, c.plan])).toEqual([['bob', 'max'], ['carol', 'api']]);
    expect(report.cheapest_mix_usd_per_month).toBeCloseTo(100 + 5 / report.months, 9);
  });

  it('prefers a plan that never blocks the seat over a cheaper one that does', () => {
    const tight = asPolicy('tight', plan({ feeUsdPerMonth: point(20), per5h: { default: point(30) } }));
    const busy = [req('2026-10-06T09:00:00Z', 25, { seat: 'bob' }), req('2026-10-06T09:30:00Z', 25, { seat: 'bob' })];
    const r = evaluatePlans(busy, OCTOBER, [tight, max]);
    expect(r.plans[0].blocked_hours.central).toBe(4.5);
    expect(r.cheapest_mix).toEqual([{ seat: 'bob', plan: 'max', cost_usd_per_month: 100, blocked_hours: 0 }]);
  });
});
