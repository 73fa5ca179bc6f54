import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/replay/plan-model.js';
import { evaluatePlans } from '../../src/replay/plan-outcome.js';
import type { PlanRequest } from '../../src/replay/plan-replay.js';
import type { Policy } from '../../src/replay/policy.js';
import type { WhatIfReport } from '../../src/replay/whatif.js';
import type { ReportData } from '../../src/report/model.js';
import { planCostSpec, plansSection } from '../../src/report/plans-section.js';

// The "Plan or API?" section from a hand-built plan comparison (its browser rendering is in browser.test.ts).

const point = (x: number) => ({ low: x, central: x, high: x });
const plan = (p: Partial<Plan>): Plan => ({ feeUsdPerMonth: point(100), providers: null, unit: 'usd', per5h: null, perWeek: null, onLimit: 'wait', ...p });
const asPolicy = (name: string, p: Plan): Policy => ({ name, plan: p, description: null, file: `${name}.yaml`, fingerprint: `fp-${name}` } as unknown as Policy);
const req = (seat: string, at: string, costUsd: number): PlanRequest => ({ seat, atMs: Date.parse(at), provider: 'anthropic', model: 'claude-sonnet-4-5', tokens: 0, costUsd });

const plans = evaluatePlans(
  [req('alice@example.com', '2026-10-06T09:00:00Z', 40), req('alice@example.com', '2026-10-06T10:00:00Z', 40), req('bob@example.com', '2026-10-06T09:00:00Z', 3)],
  { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' },
  [asPolicy('max', plan({ per5h: { default: point(50) } })), asPolicy('api', plan({ feeUsdPerMonth: point(0), onLimit: 'overflow' }))],
);
const data = (redacted: boolean, p = plans) => ({ redacted, whatif: { policies: [], plans: p } as unknown as WhatIfReport }) as unknown as ReportData;

describe('the "Plan or API?" section', () => {
  it('is left out without plan policies', async () => {
    expect(await plansSection.render({ redacted: false } as unknown as ReportData)).toBeNull();
    expect(await plansSection.render(data(false, { ...plans, plans: [] }))).toBeNull();
  });

  it('shows each plan a month, the waits, the cheapest plan per seat and what is assumed', async () => {
    const out = (await plansSection.render(data(false)))!.value;
    expect(out).toContain('data-chart="plans-cost"');
    expect(out).toContain('data-chart="plans-timeline"'); // alice waits on max from 10:00 to 14:00
    expect(out).toContain('alice@example.com');
    expect(out).toContain('Chat use outside the agents, taxes and annual discounts are not counted');
    expect(plans.cheapest_mix.map((c) => [c.seat, c.plan])).toEqual([['alice@example.com', 'api'], ['bob@example.com', 'api']]);
  });

  it('names seats by number in a redacted report', async () => {
    const out = (await plansSection.render(data(true)))!.value;
    expect(out).not.toContain('example.com');
    expect(out).toContain('seat 1');
    expect(out).toContain('seat 2');
  });

  it('draws the usage at list prices a month as the reference line', () => {
    const layers = (planCostSpec(plans) as unknown as { layer: { data?: { values: { usage: number }[] } }[] }).layer;
    expect(layers[4].data!.values[0].usage).toBeCloseTo(83 / plans.months, 9);
  });
});
