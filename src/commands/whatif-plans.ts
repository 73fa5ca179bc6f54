import { renderTable, usd } from '../format/table.js';
import type { PlansReport } from '../replay/plan-outcome.js';
import type { PlanRouting } from '../replay/plan-routing.js';

/** The plan comparison of `recount whatif` as text: one row per plan, where limits tripped, the cheapest mix. */
export function renderPlans(r: PlansReport): string[] {
  const months = r.months.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const out = [
    `plans: ${r.seats.length} seat${r.seats.length === 1 ? '' : 's'} over ${months} month${r.months === 1 ? '' : 's'}; agent usage at list prices ${usd(r.api_equivalent_usd)}`,
    '',
    renderTable(
      r.plans.map((p) => ({
        plan: p.name,
        cost_usd: p.cost_usd_per_month.central,
        bounds: span(p.cost_usd_per_month),
        fees_usd: p.fees_usd_per_month.central,
        list_usd: p.overflow_usd_per_month.central + p.uncovered_usd_per_month,
        limited: `${p.limited_windows.central}${p.limited_windows.low !== p.limited_windows.high ? ` (${p.limited_windows.low}–${p.limited_windows.high})` : ''}`,
        blocked: hours(p.blocked_hours.central),
        break_even: p.break_even_usd_per_seat_month == null ? '— (no fee)' : `${usd(p.break_even_usd_per_seat_month)}/seat`,
      })),
      // the bounds and the fees go first when the line is too narrow
      [
        { key: 'plan', minWidth: 14 },
        { key: 'cost_usd', label: 'a month' },
        { key: 'bounds', label: 'low – high', priority: 9 },
        { key: 'fees_usd', label: 'fees', priority: 8 },
        { key: 'list_usd', label: 'at list prices', priority: 4 },
        { key: 'limited', label: 'limits hit', priority: 2 },
        { key: 'blocked', label: 'hours blocked', priority: 1 },
        { key: 'break_even', label: 'pays off above', priority: 5 },
      ],
    ).trimEnd(),
  ];
  const paying = r.plans.filter((p) => p.break_even_usd_per_seat_month != null);
  if (paying.length) {
    out.push('', `break-even: a plan pays off for a seat whose agent usage at list prices passes its fee, while its limits hold the work: ${paying.map((p) => `${p.name} ${usd(p.break_even_usd_per_seat_month)} a month (${p.seats_past_break_even} of ${p.seats} seats past it)`).join('; ')}`);
  }
  for (const p of r.plans) if (p.routing) out.push('', routingLine(p.name, p.routing));
  for (const p of r.plans.filter((x) => x.trips_total > 0)) {
    out.push('', `── ${p.name}: ${p.trips_total} limit${p.trips_total === 1 ? '' : 's'} tripped (central)${p.trips_total > 10 ? ', the first 10' : ''}`);
    for (const t of p.trips.slice(0, 10)) {
      const after = t.resumes_at ? `waits until ${when(t.resumes_at, t.tripped_at)}` : 'the rest at list prices';
      out.push(`  ${minute(t.tripped_at)} ${t.seat}: ${t.limit === '5h' ? '5-hour' : 'weekly'} limit (window from ${when(t.window_start, t.tripped_at)}); ${after}`);
    }
  }
  if (r.plans.length > 1 || r.seats.length > 1) {
    out.push('', `cheapest mix (per seat: the cheapest plan that never blocks it, else the cheapest): ${usd(r.cheapest_mix_usd_per_month)} a month`);
    for (const c of r.cheapest_mix) out.push(`  ${c.seat} → ${c.plan} (${usd(c.cost_usd_per_month)} a month${c.blocked_hours ? `, ${hours(c.blocked_hours)} h blocked` : ''})`);
  }
  out.push('', `plan assumptions: ${r.assumptions}`);
  return out;
}

/** What a plan file's own rules did before its plan metered the requests. */
function routingLine(plan: string, g: PlanRouting): string {
  const rules = g.by_rule.filter((x) => x.moved_requests > 0).map((x) => `${x.rule} ${x.moved_requests.toLocaleString('en-US')}`);
  const kept = g.kept_requests ? `; ${g.kept_requests.toLocaleString('en-US')} kept as they ran (unpriced)` : '';
  return `── ${plan}: its rules ran first, the plan meters the routed requests: ${g.moved_requests.toLocaleString('en-US')} of ${g.requests.toLocaleString('en-US')} agent requests moved to another model` +
    `${rules.length ? ` (${rules.join(', ')})` : ''}${kept}; at list prices ${usd(g.api_equivalent_before_usd)} as they ran → ${usd(g.api_equivalent_usd.central)} routed (${span(g.api_equivalent_usd)} at the routing's ends)`;
}

const span = (r: { low: number; high: number; central: number }) => (Math.abs(r.high - r.low) < 0.005 ? usd(r.central) : `${usd(r.low)} – ${usd(r.high)}`);
const hours = (h: number) => h.toLocaleString('en-US', { maximumFractionDigits: 1 });
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
/** The time of day alone when it falls on the same (UTC) day as `ref`. */
const when = (iso: string, ref: string) => (iso.slice(0, 10) === ref.slice(0, 10) ? iso.slice(11, 16) : minute(iso));
