/**
 * The report's "Cost per completed task" section (issue 18): per task type and model, what a
 * successful agent turn cost (outcomes_by_model_and_task), and per task type what each routing policy
 * given with --policy would cost per successful turn. Counts and dollars only: no prompt, command or
 * error text. Left out on ledgers without agent turns.
 *
 * A policy's cost per successful turn for task type t: the turns' cost × the replay's ratio for t
 * (replayed cost ÷ the history at list prices, whatif `task_types`), over the same successful turns.
 * The replay charges each expected failure of a routed turn as retries and escalation, so a turn is
 * taken to end as it did; the failures a policy risks are in its cost, not in fewer successes.
 */
import type { WhatIfReport } from '../replay/whatif.js';
import { int, pct, table, usd } from './format.js';
import { html } from './html.js';
import type { ReportData } from './model.js';
import type { ReportSection } from './sections.js';

type Row = Record<string, unknown>;

export interface CompletedTasks {
  /** per (task type, model), costliest first, capped */
  by_model: {
    task_type: string;
    model: string;
    turns: number;
    succeeded_turns: number;
    failed_turns: number;
    unknown_turns: number;
    success_rate: number | null; // over turns with a known outcome
    success_rate_low: number | null; // 90% Wilson
    success_rate_high: number | null;
    cost_usd: number;
    cost_per_success_usd: number | null;
  }[];
  /** per task type: the history's cost per successful turn and each policy's */
  by_task_type: { task_type: string; turns: number; succeeded_turns: number; cost_usd: number; cost_per_success_usd: number | null; policies: (number | null)[] }[];
  policies: string[]; // the routing policies, in --policy order (the columns of by_task_type.policies)
  total_turns: number;
  rows_total: number; // (task type, model) rows before the cap
}

const num = (v: unknown): number => (typeof v === 'number' ? v : v == null ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v == null || (typeof v === 'number' && !Number.isFinite(v)) ? null : num(v));

/** The section's data from outcomes_by_model_and_task rows and the what-if (if policies were given). Null: no turns. */
export function completedTasksData(rows: Row[], whatif: WhatIfReport | undefined, limit = 20): CompletedTasks | null {
  if (!rows.length) return null;
  const byModel = rows
    .map((r) => ({
      task_type: String(r.task_type ?? 'unclassified'),
      model: String(r.model ?? '(no model)'),
      turns: num(r.turns),
      succeeded_turns: num(r.succeeded_turns),
      failed_turns: num(r.failed_turns),
      unknown_turns: num(r.unknown_turns),
      success_rate: numOrNull(r.success_rate),
      success_rate_low: numOrNull(r.success_rate_low),
      success_rate_high: numOrNull(r.success_rate_high),
      cost_usd: num(r.cost_usd),
      cost_per_success_usd: numOrNull(r.cost_per_success_usd),
    }))
    .sort((a, b) => b.cost_usd - a.cost_usd || a.task_type.localeCompare(b.task_type) || a.model.localeCompare(b.model));
  const policies = whatif?.policies ?? [];
  const types = new Map<string, { turns: number; succeeded_turns: number; cost_usd: number }>();
  for (const r of byModel) {
    const t = types.get(r.task_type) ?? types.set(r.task_type, { turns: 0, succeeded_turns: 0, cost_usd: 0 }).get(r.task_type)!;
    t.turns += r.turns;
    t.succeeded_turns += r.succeeded_turns;
    t.cost_usd += r.cost_usd;
  }
  const perSuccess = (cost: number, successes: number) => (successes > 0 ? cost / successes : null);
  const byTaskType = [...types]
    .sort((a, b) => b[1].cost_usd - a[1].cost_usd || a[0].localeCompare(b[0]))
    .map(([task_type, t]) => ({
      task_type,
      ...t,
      cost_per_success_usd: perSuccess(t.cost_usd, t.succeeded_turns),
      policies: policies.map((p) => {
        const replayed = p.task_types.find((x) => x.task_type === task_type);
        if (!replayed || !(replayed.baseline_cost_usd > 0)) return null; // the replay saw no priced cost there
        return perSuccess((t.cost_usd * replayed.cost_usd) / replayed.baseline_cost_usd, t.succeeded_turns);
      }),
    }));
  return {
    by_model: byModel.slice(0, limit),
    by_task_type: byTaskType,
    policies: policies.map((p) => p.name),
    total_turns: byModel.reduce((a, r) => a + r.turns, 0),
    rows_total: byModel.length,
  };
}

const interval = (low: number | null, high: number | null) => (low == null || high == null ? '' : ` (${pct(low)}–${pct(high)})`);

export const completedTasksSection: ReportSection = {
  id: 'completed-tasks',
  title: 'Cost per completed task',
  async render(d: ReportData) {
    const c = d.completed_tasks;
    if (!c) return null;
    type TypeRow = CompletedTasks['by_task_type'][number];
    const byType = table<TypeRow>(
      [
        { label: 'task type', cell: (t) => t.task_type, nowrap: true },
        { label: 'turns', cell: (t) => int(t.turns), num: true },
        { label: 'succeeded', cell: (t) => int(t.succeeded_turns), num: true },
        { label: 'cost of turns', cell: (t) => usd(t.cost_usd), num: true },
        { label: 'per successful turn', cell: (t) => (t.cost_per_success_usd == null ? '—' : usd(t.cost_per_success_usd)), num: true },
        ...c.policies.map((name, k) => ({ label: `${name} (replayed)`, cell: (t: TypeRow) => (t.policies[k] == null ? '—' : usd(t.policies[k])), num: true })),
      ],
      c.by_task_type,
      html`What a successful agent turn cost per task type, over ${int(c.total_turns)} turns${c.policies.length ? ', and what each policy would cost per successful turn' : ''}`,
    );
    const byModel = table(
      [
        { label: 'task type', cell: (r: CompletedTasks['by_model'][number]) => r.task_type, nowrap: true },
        { label: 'model', cell: (r) => r.model, nowrap: true },
        { label: 'turns', cell: (r) => int(r.turns), num: true },
        { label: 'succeeded', cell: (r) => int(r.succeeded_turns), num: true },
        { label: 'failed', cell: (r) => int(r.failed_turns), num: true },
        { label: 'unknown', cell: (r) => int(r.unknown_turns), num: true },
        { label: 'success rate (90%)', cell: (r) => `${pct(r.success_rate)}${interval(r.success_rate_low, r.success_rate_high)}`, num: true },
        { label: 'cost', cell: (r) => usd(r.cost_usd), num: true },
        { label: 'per successful turn', cell: (r) => (r.cost_per_success_usd == null ? '—' : usd(r.cost_per_success_usd)), num: true },
      ],
      c.by_model,
      `By task type and model${c.rows_total > c.by_model.length ? ` (the ${c.by_model.length} costliest of ${int(c.rows_total)})` : ''}`,
    );
    const how = c.policies.length
      ? ' A policy\'s figure is the turns\' cost × the replay\'s ratio for the task type (replayed ÷ history at list prices), over the same successful turns: the replay prices expected failures as retries and escalation, so its risk is in the cost, not in fewer successes.'
      : '';
    return html`${byType}${byModel}<p class="note">A turn is a human prompt and every request until the next one. Succeeded: the last test run passed, or no tool failed and nobody interrupted, rejected or re-asked; failed: the opposite, or the same failure twice more; unknown: nothing to judge by. Per successful turn = every turn's cost ÷ the successful ones. An outcome read from a transcript is a proxy, not a code review.${how} Detail: <code>recount query outcomes_by_model_and_task</code>.</p>`;
  },
};
