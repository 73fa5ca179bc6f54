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

describe('a plan file with rules of its own in the section', () => {
  // max-haiku: the same plan, metering alice's requests as routed ($40 → $10 each): she no longer waits
  const maxHaiku = asPolicy('max-haiku', plan({ per5h: { default: point(50) } }));
  const routedReqs = [req('alice@example.com', '2026-10-06T09:00:00Z', 10), req('alice@example.com', '2026-10-06T10:00:00Z', 10), req('bob@example.com', '2026-10-06T09:00:00Z', 3)];
  const routing = { requests: 3, kept_requests: 0, moved_requests: 2, by_rule: [{ rule: 'tier-1', requests: 2, moved_requests: 2 }, { rule: 'default', requests: 1, moved_requests: 0 }], api_equivalent_before_usd: 83, api_equivalent_usd: { low: 20, central: 23, high: 40 } };
  const r = evaluatePlans(
    [req('alice@example.com', '2026-10-06T09:00:00Z', 40), req('alice@example.com', '2026-10-06T10:00:00Z', 40), req('bob@example.com', '2026-10-06T09:00:00Z', 3)],
    { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' },
    [asPolicy('max', plan({ per5h: { default: point(50) } })), maxHaiku],
    new Map([[maxHaiku, { at: { low: routedReqs, central: routedReqs, high: routedReqs }, routing }]]),
  );

  it('says what the rules moved, and puts the seat the routing unblocks on that plan', async () => {
    const out = (await plansSection.render(data(false, r)))!.value;
    const a = (x: number) => `$${(x / r.months).toFixed(2)}`;
    expect(out).toContain(`<code>max-haiku</code> routes first, and its plan meters the routed requests: 2 of 3 agent requests moved to another model; at list prices ${a(83)} a month as they ran, ${a(23)} routed (${a(20)} – ${a(40)}).`);
    expect(r.plans.map((p) => [p.name, p.blocked_hours.central, p.routing?.moved_requests ?? null])).toEqual([['max', 4, null], ['max-haiku', 0, 2]]);
    expect(r.cheapest_mix.map((c) => [c.seat, c.plan])).toEqual([['alice@example.com', 'max-haiku'], ['bob@example.com', 'max']]);
    expect(out).toContain('Cheapest plan per seat: $200.00 a month');
    expect(r.assumptions).toContain('A plan file with rules of its own meters the requests as its rules route them');
  });
});
