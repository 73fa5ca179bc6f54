import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWhatIf } from '../../src/commands/whatif.js';
import type { Ledger } from '../../src/db/ledger.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { readPolicy } from '../../src/replay/policy.js';
import { replayWarnings } from '../../src/replay/policy-check.js';
import type { ReplayFrame } from '../../src/replay/frame.js';
import { routeRequests, type AgentRequest } from '../../src/replay/plan-routing.js';
import { runSeat } from '../../src/replay/plan-replay.js';
import { emptyRows } from '../../src/replay/result.js';
import { runWhatIf } from '../../src/replay/whatif.js';
import { newLedger, priceLedger, samples, writeTemp } from '../helpers.js';

// A plan file with routing rules of its own: the rules run first (the replay engine), and the plan
// meters the routed requests. Hand-built: alice's Claude Code evening on claude-sonnet-4-5, every
// request 100,000 uncached input tokens — $0.30 on Sonnet ($3/MTok), $0.10 on Haiku 4.5 ($1/MTok).
//   A 20:00 tier 1   B 20:30 tier 1   C 21:00 tier 2   D next day 09:00 tier 2
// The rule sends tier 1 to Haiku: A and B cost $0.10 each, C and D stay at $0.30.

const book = loadPriceBook('');
const OCTOBER = { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' };
const MONTHS = 31 / 30.4375;

const planFile = (name: string, allowance: string, onLimit: string, routing = '') =>
  writeTemp(`${name}.yaml`, `version: 1\nname: ${name}\nplan:\n  fee_usd_per_month: 100\n  allowance: { unit: usd, per_5h: ${allowance} }\n  on_limit: ${onLimit}\n${routing}`);
const RULES = 'rules:\n  - { name: tier-1, when: { tier: 1 }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }\n';
// a routed step fails at the pessimistic end half the time and is redone on Sonnet ($0.30)
const FAILING = 'assumptions:\n  fail_rate:\n    claude-haiku-4-5: { default: [0, 0, 0.5] }\n';

describe('a plan over routed requests', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    const rows = [
      ['a', '2026-10-04T20:00:00Z', 'file_navigation', 1],
      ['b', '2026-10-04T20:30:00Z', 'file_navigation', 1],
      ['c', '2026-10-04T21:00:00Z', 'bug_fix', 2],
      ['d', '2026-10-05T09:00:00Z', 'bug_fix', 2],
    ] as const;
    for (const [key, at, type, tier] of rows) {
      await ledger.run(
        `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
           cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier, session_id, user_id, task_type, tier)
         VALUES ($key, 'claude-code', 'imp_test', $at::TIMESTAMPTZ, 'anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5', 1, 100000, 0, 0, 0, 0,
           'standard', 's1', 'alice', $type, $tier)`,
        { key, at, type, tier },
      );
    }
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  const run = (...files: string[]) => runWhatIf(ledger, book, OCTOBER, files.map((f) => readPolicy(f, book)));

  it('trips fewer windows when tier-1 work runs on Haiku first (a plan that waits)', async () => {
    const r = await run(planFile('max', '0.7', 'wait'), planFile('max-haiku', '0.7', 'wait', RULES + FAILING));
    const [alone, routed] = r.plans!.plans;
    // alone: A $0.30, B $0.60, C $0.90 > $0.70 → C waits from 21:00 until the window ends at 01:00; D opens a third window
    expect(alone.trips).toEqual([{ seat: 'alice', limit: '5h', window_start: '2026-10-04T20:00:00.000Z', tripped_at: '2026-10-04T21:00:00.000Z', resumes_at: '2026-10-05T01:00:00.000Z' }]);
    expect([alone.limited_windows, alone.blocked_hours, alone.windows]).toEqual([{ low: 1, central: 1, high: 1 }, { low: 4, central: 4, high: 4 }, 3]);
    expect(alone.routing).toBeNull();
    // routed, central (no failures): $0.10 + $0.10 + $0.30 = $0.50 ≤ $0.70, no wait; D opens the second window.
    // pessimistic end: each Haiku step adds 0.5 × $0.30 of redo, A $0.25, B $0.50, C $0.80 > $0.70 → C waits 4 h
    expect([routed.limited_windows, routed.blocked_hours, routed.windows]).toEqual([{ low: 0, central: 0, high: 1 }, { low: 0, central: 0, high: 4 }, 2]);
    expect(routed.api_equivalent_usd_per_month).toBeCloseTo(0.8 / MONTHS, 9);
    expect(routed.cost_usd_per_month).toEqual({ low: 100, central: 100, high: 100 });
    expect(routed.routing).toMatchObject({ requests: 4, kept_requests: 0, moved_requests: 2, by_rule: [{ rule: 'tier-1', requests: 2, moved_requests: 2 }, { rule: 'default', requests: 2, moved_requests: 0 }] });
    expect(routed.routing!.api_equivalent_before_usd).toBeCloseTo(1.2, 9);
    const after = routed.routing!.api_equivalent_usd;
    expect([after.low, after.central, after.high].map((x) => Math.round(x * 1e9) / 1e9)).toEqual([0.8, 0.8, 1.1]);
    // the routed plan never blocks alice: it is her cheapest plan that does not
    expect(r.plans!.cheapest_mix).toEqual([{ seat: 'alice', plan: 'max-haiku', cost_usd_per_month: 100, blocked_hours: 0 }]);
    expect(r.policies).toEqual([]); // both are plans: no routing table
    expect(r.history.list_cost_usd).toBeCloseTo(1.2, 9);
  });

  it('prices what overflows on the routed requests (a plan that overflows to the API)', async () => {
    const r = await run(planFile('max', '0.4', '{ overflow: api }'), planFile('max-haiku', '0.4', '{ overflow: api }', RULES));
    const [alone, routed] = r.plans!.plans;
    // alone: B's last $0.20 of $0.60 and all of C ($0.30) past $0.40; routed: C's last $0.10 of $0.50
    expect(alone.overflow_usd_per_month.central).toBeCloseTo(0.5 / MONTHS, 9);
    expect(routed.overflow_usd_per_month.central).toBeCloseTo(0.1 / MONTHS, 9);
    expect(routed.cost_usd_per_month.central).toBeCloseTo(100 + 0.1 / MONTHS, 9);
    expect([alone.trips_total, routed.trips_total]).toEqual([1, 1]);
  });

  it('gives the plan alone when the rules move nothing', async () => {
    const keep = 'rules:\n  - { name: default, when: {} }\n';
    const r = await run(planFile('max', '0.7', 'wait'), planFile('max-same', '0.7', 'wait', keep));
    const [alone, same] = r.plans!.plans;
    const { name: _a, file: _b, fingerprint: _c, routing, ...rest } = same;
    const { name: _d, file: _e, fingerprint: _f, routing: _g, ...expected } = alone;
    expect(rest).toEqual(expected);
    expect(routing).toMatchObject({ requests: 4, moved_requests: 0 });
  });

  it('shows the routing in whatif text and JSON next to the plan', async () => {
    const r = await run(planFile('max', '0.7', 'wait'), planFile('max-haiku', '0.7', 'wait', RULES + FAILING));
    const text = renderWhatIf(r, 'October 2026').replace(/\n {2}(?=\S)/g, ' '); // prose wraps to the width
    expect(text).toContain('── max-haiku: its rules ran first, the plan meters the routed requests: 2 of 4 agent requests moved to another model (tier-1 2); at list prices $1.20 as they ran → $0.80 routed ($0.80 – $1.10 at the routing\'s ends)');
    expect(text).toContain('alice → max-haiku ($100.00 a month)');
    expect(text).toContain('A plan file with rules of its own meters the requests as its rules route them');
    expect(JSON.parse(JSON.stringify(r)).plans.plans[1].routing.by_rule[0]).toEqual({ rule: 'tier-1', requests: 2, moved_requests: 2 });
  });

  it('warns, as for a routing policy, about a plan file rule that can do nothing', async () => {
    const rules = 'rules:\n  - { name: frontier, when: { tier: 3 }, route: { model: claude-haiku-4-5 } }\n  - { name: nav, when: { task_type: file_navigaton }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }\n';
    const file = planFile('max-typo', '0.7', 'wait', rules);
    const policies = [readPolicy(file, book)];
    const r = await runWhatIf(ledger, book, OCTOBER, policies);
    const warnings = await replayWarnings(ledger, policies, r, 'October 2026');
    expect(warnings.map((w) => w.replace(file, 'max-typo.yaml'))).toEqual([
      "max-typo.yaml: rule 'frontier' matches no request in October 2026",
      expect.stringContaining("max-typo.yaml: rule 'nav' names task type 'file_navigaton' that no classifier rule gives (known: "),
      "max-typo.yaml: rule 'nav' matches no request in October 2026",
    ]);
    // a routed plan alone: whatif's history is still the identity replay (its rules' targets are not in that frame)
    expect([r.history.requests, r.history.list_cost_usd, r.policies]).toEqual([4, expect.closeTo(1.2, 9), []]);
  });

  it('reads the bundled Max 5x with tier-1 work on Haiku by its bare name', async () => {
    const { resolvePolicyFile } = await import('../../src/replay/policy-check.js');
    const file = resolvePolicyFile('claude-max-5x-haiku-tier1');
    expect(file).toBe(samples('plans', 'claude-max-5x-haiku-tier1.yaml'));
    const p = readPolicy(file, book);
    expect([p.planRules, p.rules.map((x) => [x.name, x.route?.model ?? null])]).toEqual([true, [['tier-1-to-haiku', 'claude-haiku-4-5'], ['default', null]]]);
    expect(p.plan).toEqual(readPolicy(samples('plans', 'claude-max-5x.yaml'), book).plan);
  });
});

describe('routed agent requests', () => {
  // two agent requests on replay rows 1 and 0, one not held by the replay (-1)
  const agent: AgentRequest[] = [
    { seat: 'alice', atMs: 1, provider: 'anthropic', model: 'claude-sonnet-4-5', tokens: 10, costUsd: 3, replayIx: 1 },
    { seat: 'alice', atMs: 2, provider: 'anthropic', model: 'claude-sonnet-4-5', tokens: 20, costUsd: 6, replayIx: 0 },
    { seat: 'bob', atMs: 3, provider: 'anthropic', model: 'mystery-model', tokens: 5, costUsd: 0, replayIx: -1 },
  ];
  const frame = { models: ['claude-sonnet-4-5', 'gpt-5-mini'], modelIx: Int32Array.from([0, 0]) } as unknown as ReplayFrame;
  const rows = { ...emptyRows(2), model: Int32Array.from([0, 1]), input: Float64Array.from([20, 7]), output: Float64Array.from([0, 2]), costUsd: Float64Array.from([6, 0.5]) };

  it('take the routed model, its home provider, the replayed cost and tokens; the rest stay as they ran', () => {
    const out = routeRequests(agent, frame, rows, new Map([['gpt-5-mini', 'openai']]));
    expect(out).toEqual([
      { seat: 'alice', atMs: 1, provider: 'openai', model: 'gpt-5-mini', tokens: 9, costUsd: 0.5 },
      { seat: 'alice', atMs: 2, provider: 'anthropic', model: 'claude-sonnet-4-5', tokens: 20, costUsd: 6 },
      { seat: 'bob', atMs: 3, provider: 'anthropic', model: 'mystery-model', tokens: 5, costUsd: 0 },
    ]);
    // a plan on anthropic only bills the request moved to OpenAI at list prices, outside its allowance
    const run = runSeat(out.filter((r) => r.seat === 'alice'), { feeUsdPerMonth: { low: 20, central: 20, high: 20 }, providers: ['anthropic'], unit: 'usd', per5h: { default: { low: 5, central: 5, high: 5 } }, perWeek: null, onLimit: 'wait' }, 'central');
    expect([run.uncoveredUsd, run.coveredUsd]).toEqual([0.5, 6]);
  });
});
