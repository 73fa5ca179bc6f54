import type { Period } from '../period.js';
import type { Allowance, Plan } from './plan-model.js';
import { bySeat, periodMonths, runSeat, type End, type PlanRequest, type SeatRun, type Trip } from './plan-replay.js';
import type { Policy } from './policy.js';
import type { PlanRouting, RoutedPlan } from './plan-routing.js';

/**
 * The plan comparison `recount whatif` prints for plan policies (the `plans` field of its JSON; README
 * "whatif JSON"): per plan, what the seats would have paid a month (fees + overflow + usage the plan
 * does not cover), where the limits would have tripped, the hours blocked, and the break-even usage;
 * and the cheapest plan per seat.
 */

export interface Range {
  low: number;
  central: number;
  high: number;
}

export interface PlansReport {
  months: number; // the period's length in months of 30.4375 days (per-month figures divide by it)
  seats: string[];
  api_equivalent_usd: number; // the period's agent usage at list prices
  plans: PlanOutcome[];
  /** per seat, the cheapest plan (central) among those that never block it; else the cheapest */
  cheapest_mix: { seat: string; plan: string; cost_usd_per_month: number; blocked_hours: number }[];
  cheapest_mix_usd_per_month: number;
  assumptions: string;
}

export interface PlanOutcome {
  name: string;
  description: string | null;
  file: string;
  fingerprint: string;
  on_limit: Plan['onLimit'];
  unit: Plan['unit'];
  providers: string[] | null;
  fee_usd_per_month: Range; // per seat
  allowance_per_5h: AllowanceRow[] | null;
  allowance_per_week: AllowanceRow[] | null;
  seats: number;
  cost_usd_per_month: Range; // fees + overflow + uncovered, all seats; low: low fee, high allowance
  fees_usd_per_month: Range;
  overflow_usd_per_month: Range;
  uncovered_usd_per_month: number; // other providers' agent usage, at list prices
  api_equivalent_usd_per_month: number; // the covered usage at list prices
  windows: number; // 5-hour windows opened (central)
  limited_windows: Range; // windows (5-hour or weekly) whose allowance ran out, over the period
  blocked_hours: Range; // over the period, all seats (wait plans)
  trips: Trip[]; // central, first 200 in time order
  trips_total: number;
  break_even_usd_per_seat_month: number | null; // API-equivalent usage a month at which the fee pays off
  seats_past_break_even: number;
  by_seat: SeatOutcome[];
  /** a plan file with rules: what the routing did to the requests the plan meters; null without rules */
  routing: PlanRouting | null;
}

export interface AllowanceRow {
  family: string;
  low: number;
  central: number;
  high: number;
}

export interface SeatOutcome {
  seat: string;
  api_equivalent_usd_per_month: number;
  cost_usd_per_month: Range;
  overflow_usd_per_month: number;
  blocked_hours: number;
  limited_windows: number;
}

const ENDS: End[] = ['low', 'central', 'high'];
const TRIPS_KEPT = 200;

export const PLAN_ASSUMPTIONS =
  'Plans are replayed against the agent usage (Claude Code and Codex) as it happened, seat by seat (a seat is a user, else an API key). ' +
  'Windows are rolling: 5 hours and 7 days from the first request after the previous window ended. Allowances are in API-equivalent dollars at list prices ' +
  'or in tokens (input, cache writes and output); vendors publish no exact limits, so fees and allowances are low/central/high assumptions in the plan files. ' +
  'Past a limit, a plan that waits blocks the seat until the window ends and runs the waiting work then; an overflow plan bills the rest at list prices. ' +
  'Usage on providers a plan does not cover is billed at list prices. Chat use outside the agents, taxes and annual discounts are not counted. ' +
  'The cheapest mix is a per-seat minimum (no pooled or team allowances).';

/** Said when a plan file has rules of its own (plan-routing.ts). */
export const ROUTED_PLAN_ASSUMPTIONS =
  ' A plan file with rules of its own meters the requests as its rules route them: replayed like a routing policy (cache effects, and the expected cost of ' +
  'redoing failed routed work in dollars; a token allowance counts the routed requests\' own tokens), its low end metering the routing\'s all-optimistic replay ' +
  'and its high end the all-pessimistic one. Requests of unpriced models are kept as they ran.';

/**
 * Replays every plan policy over the requests (as they ran); a plan with rules meters its routed
 * requests instead, at each end the routing's own end (plan-routing.ts). Pure.
 */
export function evaluatePlans(requests: readonly PlanRequest[], period: Period, policies: readonly Policy[], routed: ReadonlyMap<Policy, RoutedPlan> = new Map()): PlansReport {
  const months = periodMonths(period, requests);
  const seats = bySeat(requests);
  const plans = policies.filter((p) => p.plan).map((p) => evaluatePlan(p, p.plan!, seats, months, routed.get(p)));
  const cheapest = [...seats.keys()].map((seat) => cheapestFor(seat, plans));
  return {
    months,
    seats: [...seats.keys()],
    api_equivalent_usd: requests.reduce((s, r) => s + r.costUsd, 0),
    plans,
    cheapest_mix: cheapest,
    cheapest_mix_usd_per_month: cheapest.reduce((s, c) => s + c.cost_usd_per_month, 0),
    assumptions: PLAN_ASSUMPTIONS + (routed.size ? ROUTED_PLAN_ASSUMPTIONS : ''),
  };
}

function evaluatePlan(policy: Policy, plan: Plan, seats: Map<string, PlanRequest[]>, months: number, routed: RoutedPlan | undefined): PlanOutcome {
  // routed: each end meters the requests as that end of the routing served them (same seats, same times)
  const at = routed ? { low: bySeat(routed.at.low), central: bySeat(routed.at.central), high: bySeat(routed.at.high) } : { low: seats, central: seats, high: seats };
  const runs = [...seats.keys()].map((seat) => ({ seat, at: Object.fromEntries(ENDS.map((e) => [e, runSeat(at[e].get(seat) ?? [], plan, e)])) as Record<End, SeatRun> }));
  const n = runs.length;
  const sum = (end: End, f: (r: SeatRun) => number) => runs.reduce((s, x) => s + f(x.at[end]), 0);
  const total = (f: (r: SeatRun, end: End) => number, end: End) => sum(end, (r) => f(r, end));
  const range = (f: (r: SeatRun, end: End) => number): Range => ({ low: total(f, 'low'), central: total(f, 'central'), high: total(f, 'high') });
  const seatCost = (r: SeatRun, end: End) => plan.feeUsdPerMonth[end] + (r.overflowUsd + r.uncoveredUsd) / months;
  const trips = runs.flatMap((x) => x.at.central.trips).sort((a, b) => a.tripped_at.localeCompare(b.tripped_at) || a.seat.localeCompare(b.seat));
  const fee = plan.feeUsdPerMonth;
  const covered = sum('central', (r) => r.coveredUsd) / months;
  return {
    name: policy.name,
    description: policy.description,
    file: policy.file,
    fingerprint: policy.fingerprint,
    on_limit: plan.onLimit,
    unit: plan.unit,
    providers: plan.providers,
    fee_usd_per_month: fee,
    allowance_per_5h: allowanceRows(plan.per5h),
    allowance_per_week: allowanceRows(plan.perWeek),
    seats: n,
    cost_usd_per_month: range(seatCost),
    fees_usd_per_month: { low: fee.low * n, central: fee.central * n, high: fee.high * n },
    overflow_usd_per_month: range((r) => r.overflowUsd / months),
    uncovered_usd_per_month: sum('central', (r) => r.uncoveredUsd) / months,
    api_equivalent_usd_per_month: covered,
    windows: sum('central', (r) => r.windows),
    limited_windows: range((r) => r.trips.length),
    blocked_hours: range((r) => r.blockedHours),
    trips: trips.slice(0, TRIPS_KEPT),
    trips_total: trips.length,
    // below the allowance a plan costs its fee and the API costs the usage: equal at usage = fee
    break_even_usd_per_seat_month: fee.central > 0 ? fee.central : null,
    seats_past_break_even: fee.central > 0 ? runs.filter((x) => x.at.central.coveredUsd / months >= fee.central).length : 0,
    by_seat: runs.map(({ seat, at }) => ({
      seat,
      api_equivalent_usd_per_month: at.central.coveredUsd / months,
      cost_usd_per_month: { low: seatCost(at.low, 'low'), central: seatCost(at.central, 'central'), high: seatCost(at.high, 'high') },
      overflow_usd_per_month: at.central.overflowUsd / months,
      blocked_hours: at.central.blockedHours,
      limited_windows: at.central.trips.length,
    })),
    routing: routed?.routing ?? null,
  };
}

function allowanceRows(a: Allowance | null): AllowanceRow[] | null {
  return a ? Object.entries(a).map(([family, t]) => ({ family, ...t })) : null;
}

/** The seat's cheapest plan (central) among those that never block it; if every plan blocks it, the cheapest. */
function cheapestFor(seat: string, plans: readonly PlanOutcome[]): PlansReport['cheapest_mix'][number] {
  const options = plans.map((p) => ({ plan: p.name, s: p.by_seat.find((x) => x.seat === seat)! }));
  const free = options.filter((o) => o.s.blocked_hours === 0);
  const pool = free.length ? free : options;
  pool.sort((a, b) => a.s.cost_usd_per_month.central - b.s.cost_usd_per_month.central || a.s.blocked_hours - b.s.blocked_hours || a.plan.localeCompare(b.plan));
  const best = pool[0];
  return { seat, plan: best?.plan ?? '—', cost_usd_per_month: best?.s.cost_usd_per_month.central ?? 0, blocked_hours: best?.s.blocked_hours ?? 0 };
}
