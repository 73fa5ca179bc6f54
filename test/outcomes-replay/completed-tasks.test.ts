import { describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { completedTasksData, completedTasksSection } from '../../src/report/completed-tasks-section.js';
import { gatherReportData } from '../../src/report/data.js';
import type { ReportData } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import type { WhatIfReport } from '../../src/replay/whatif.js';
import { importPaths, newLedger, samples } from '../helpers.js';

type Row = Record<string, unknown>;
const row = (model: string, task_type: string, succeeded: number, failed: number, unknown: number, cost_usd: number): Row => ({
  model, task_type, turns: succeeded + failed + unknown, succeeded_turns: succeeded, failed_turns: failed, unknown_turns: unknown,
  success_rate: succeeded + failed ? succeeded / (succeeded + failed) : null, success_rate_low: 0.5, success_rate_high: 0.9,
  cost_usd, cost_per_success_usd: succeeded ? cost_usd / succeeded : null,
});
// the what-if fields the section reads: each policy's replayed and history cost per task type
const whatif = (policies: { name: string; task_types: { task_type: string; baseline_cost_usd: number; cost_usd: number }[] }[]) => ({ policies }) as unknown as WhatIfReport;

describe('cost per completed task', () => {
  it('sums turns per task type and prices a successful turn under each policy by the replay\'s ratio', () => {
    const rows = [row('claude-opus-4-6', 'coding', 8, 2, 0, 40), row('claude-haiku-4-5', 'coding', 2, 2, 1, 5), row('claude-opus-4-6', 'docs', 0, 1, 0, 3)];
    const w = whatif([
      { name: 'cheap', task_types: [{ task_type: 'coding', baseline_cost_usd: 100, cost_usd: 60 }] },
      { name: 'identity', task_types: [{ task_type: 'coding', baseline_cost_usd: 100, cost_usd: 100 }, { task_type: 'docs', baseline_cost_usd: 0, cost_usd: 0 }] },
    ]);
    const c = completedTasksData(rows, w)!;
    expect(c.policies).toEqual(['cheap', 'identity']);
    expect(c.total_turns).toBe(16);
    // coding: $45 over 10 successful turns = $4.50; cheap replays coding at 60% of its list cost: $27 / 10
    expect(c.by_task_type[0]).toEqual({ task_type: 'coding', turns: 15, succeeded_turns: 10, cost_usd: 45, cost_per_success_usd: 4.5, policies: [2.7, 4.5] });
    // docs: no success, and the replay saw no priced cost there: no figure rather than a division by zero
    expect(c.by_task_type[1]).toEqual({ task_type: 'docs', turns: 1, succeeded_turns: 0, cost_usd: 3, cost_per_success_usd: null, policies: [null, null] });
    expect(c.by_model.map((r) => r.model)).toEqual(['claude-opus-4-6', 'claude-haiku-4-5', 'claude-opus-4-6']);
    expect(completedTasksData(rows, w, 2)!.by_model).toHaveLength(2);
    expect(completedTasksData([], w)).toBeNull();
  });

  it('renders counts and dollars, a column per policy, and nothing without turns', async () => {
    const c = completedTasksData([row('claude-opus-4-6', 'coding', 8, 2, 0, 40)], whatif([{ name: '<b>cheap</b>', task_types: [{ task_type: 'coding', baseline_cost_usd: 100, cost_usd: 60 }] }]));
    const html = String(await completedTasksSection.render({ completed_tasks: c } as ReportData));
    expect(html).toContain('&lt;b&gt;cheap&lt;/b&gt; (replayed)</th>');
    expect(html).toMatch(/<td class="num">\$5\.00<\/td><td class="num">\$3\.00<\/td><\/tr>/); // $40 / 8, and × 0.6
    expect(html).toContain('80% (50%–90%)');
    expect(await completedTasksSection.render({} as ReportData)).toBeNull();
  });

  it('leaves the section out of a report on a ledger without agent turns, and shows it with them', async () => {
    const plain = await newLedger();
    await importPaths(plain, [samples('anthropic')]);
    const plainDb = plain.path;
    plain.close();
    const period = resolvePeriod({ month: '2026-10' });
    const without = await withSession({ db: plainDb }, (s) => gatherReportData(s, period));
    expect(without.completed_tasks).toBeUndefined();
    const page = await renderReport(without);
    expect(page).not.toContain('id="completed-tasks"');
    expect(page).toContain('id="methodology"');
    const agents = await newLedger();
    await importPaths(agents, [samples('claude-code')]);
    const agentsDb = agents.path;
    agents.close();
    const withTurns = await withSession({ db: agentsDb }, (s) => gatherReportData(s, period));
    expect(withTurns.completed_tasks?.total_turns).toBeGreaterThan(0);
    expect(await renderReport(withTurns)).toContain('id="completed-tasks"');
  }, 120_000);
});
