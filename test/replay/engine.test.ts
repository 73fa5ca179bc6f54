import { describe, expect, it } from 'vitest';
import { Rng } from '../../bench/random.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { replay } from '../../src/replay/engine.js';
import type { ReplayFrame } from '../../src/replay/frame.js';
import { boundEnds, compilePlan, scenarioFor, sweepEnds, type AssumptionGroup } from '../../src/replay/plan.js';
import { matchesCondition, readPolicy, type Policy } from '../../src/replay/policy.js';
import { failureCost } from '../../src/replay/outcome-parts.js';
import { evaluatePolicy } from '../../src/replay/whatif.js';
import { tempDir, writeTemp } from '../helpers.js';
import { buildFrame, RATES, type RowSpec } from './frame-builder.js';

// The invariants of ../shared/design/replay.md, checked on hand-built and random frames.

const book = loadPriceBook('');
const dir = tempDir('recount-engine-');
let n = 0;
const policyOf = (text: string): Policy => readPolicy(writeTemp(`p${n++}.yaml`, text, dir), book);

/** Rule index per row, as the SQL twin would give it (conditions evaluated in JS on the specs). */
function rulesFor(policy: Policy, specs: RowSpec[]): Int16Array {
  return Int16Array.from(
    specs.map((s) =>
      policy.rules.findIndex((r) =>
        matchesCondition(r.when, {
          task_type: s.taskType ?? null,
          model: s.model,
          tier: s.tier ?? null,
          api_key: s.key ?? null,
          project: s.project ?? null,
          prompt_tokens: (s.u ?? 0) + (s.r ?? 0) + (s.w5 ?? 0) + (s.w1h ?? 0),
        }),
      ),
    ),
  );
}

function run(policy: Policy, specs: RowSpec[], frame: ReplayFrame = buildFrame(specs), ends = {}) {
  return replay(frame, compilePlan(policy, frame), rulesFor(policy, specs), scenarioFor(policy, frame, ends), { perRow: true });
}

const IDENTITY = `version: 1\nrules:\n  - { name: default, when: {} }\n`;
const TO_HAIKU_ON_SEARCH = `version: 1
rules:
  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5, scope: switch } }
  - { name: default, when: {} }
`;

/** A random ledger of agent threads (growing contexts, cache reads, idle gaps, breaks) plus some buckets. */
function randomSpecs(seed: number, threads = 12): RowSpec[] {
  const rng = new Rng(seed);
  const models = ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5'];
  const types = ['search', 'feature', 'bug_fix', 'docs', null];
  const specs: RowSpec[] = [];
  for (let th = 0; th < threads; th++) {
    let t = rng.int(0, 3600);
    let context = rng.int(12_000, 30_000);
    const model = rng.pick(models);
    const key = rng.pick(['key-a', 'key-b']);
    for (let k = 0, turns = rng.int(3, 25); k < turns; k++) {
      const gap = rng.chance(0.1) ? rng.int(400, 4000) : rng.int(5, 120);
      t += gap;
      const warm = k > 0 && gap <= 300;
      const added = rng.int(500, 8000);
      const brk = warm && rng.chance(0.08);
      const read = warm && !brk ? context : 0;
      const write = context + added - read;
      specs.push({
        t,
        model: rng.chance(0.9) ? model : rng.pick(models),
        thread: th,
        u: rng.int(0, 50),
        r: read,
        w5: write,
        o: rng.int(50, 3000),
        taskType: rng.pick(types),
        tier: rng.int(0, 3),
        key,
        project: `proj-${th % 3}`,
        breakKind: brk ? 1 : 0,
        rewritten: brk ? context : 0,
      });
      context += added;
    }
  }
  for (let b = 0; b < 5; b++) {
    specs.push({ t: rng.int(0, 86_000), model: rng.pick(models), bucket: true, requests: rng.int(10, 500), u: rng.int(1e5, 1e6), r: rng.int(1e5, 5e6), w5: rng.int(1e4, 1e5), o: rng.int(1e4, 1e5), key: 'key-a' });
  }
  specs.push({ t: 100, model: 'claude-opus-4-6', unpriced: true, u: 1000, o: 10 });
  return specs.sort((a, b) => a.t - b.t);
}

const ROUTING = [
  TO_HAIKU_ON_SEARCH,
  `version: 1
assumptions:
  output_ratio: { default: [0.9, 1.0, 1.3] }
  tokenizer_ratio: { default: [1.0, 1.1, 1.35] }
  fail_rate: { claude-haiku-4-5: { default: [0, 0.1, 0.3] } }
  repeat_fail_rate: { claude-haiku-4-5: { default: [0.2, 0.5, 0.9] } }
rules:
  - name: default
    when: {}
    route: { model: claude-haiku-4-5, scope: switch }
    escalate: { to: claude-opus-4-6, after_failures: 2 }
`,
  `version: 1
assumptions:
  fail_rate: { default: { default: [0, 0.05, 0.2] } }
  subagent_context_tokens: [6000, 10000, 20000]
rules:
  - { name: tier-1, when: { tier: 1 }, route: { model: claude-haiku-4-5, scope: subagent } }
  - { name: tier-2, when: { tier: 2 }, route: { model: claude-sonnet-4-5, scope: switch } }
  - { name: rest, when: {} }
transforms:
  - stable_prefix: { recover: [0.5, 0.8, 1.0] }
`,
];

describe('identity (invariant 1)', () => {
  it('reproduces the priced history exactly, per row and in total', () => {
    for (const seed of [1, 2, 3]) {
      const specs = randomSpecs(seed);
      const frame = buildFrame(specs);
      const r = run(policyOf(IDENTITY), specs, frame);
      let total = 0;
      for (let i = 0; i < frame.rows; i++) {
        if (Number.isNaN(frame.listCostUsd[i])) continue;
        expect(r.rows!.costUsd[i]).toBe(frame.listCostUsd[i]);
        expect([r.rows!.input[i], r.rows!.cacheRead[i], r.rows!.write5m[i], r.rows!.output[i]]).toEqual([frame.input[i], frame.cacheRead[i], frame.write5m[i], frame.output[i]]);
        total += frame.listCostUsd[i];
      }
      expect(r.costUsd).toBe(total);
      expect(r.baselineUsd).toBe(total);
      expect(r.cacheLossUsd).toBe(0);
    }
  });

  it('a compaction threshold of ∞ is the identity (invariant 7)', () => {
    const specs = randomSpecs(4);
    const frame = buildFrame(specs);
    const never = run(policyOf(`${IDENTITY}transforms:\n  - compact: { above_tokens: 1000000000000, summary_tokens: [8000, 15000, 30000] }\n`), specs, frame);
    expect(Array.from(never.rows!.costUsd)).toEqual(Array.from(run(policyOf(IDENTITY), specs, frame).rows!.costUsd));
    expect(never.compactions).toBe(0);
  });

  it('leaves unpriced rows out of both sides and counts them', () => {
    const specs = randomSpecs(5);
    const r = run(policyOf(TO_HAIKU_ON_SEARCH), specs);
    expect(r.requests.unpriced).toBe(1);
    expect(r.requests.total).toBe(r.requests.replayed + r.requests.approximated + r.requests.unpriced + r.requests.blocked);
  });
});

describe('cache state per (thread, model)', () => {
  it('golden: moving one warm 100K-context Opus turn to Haiku 4.5 costs more than staying (invariant 6)', () => {
    const specs: RowSpec[] = [
      { t: 0, model: 'claude-opus-4-6', thread: 0, w5: 100_000, o: 500, taskType: 'feature' },
      { t: 60, model: 'claude-opus-4-6', thread: 0, r: 100_000, o: 1000, taskType: 'search' },
    ];
    const stay = run(policyOf(IDENTITY), specs);
    const move = run(policyOf(TO_HAIKU_ON_SEARCH), specs);
    expect(stay.rows!.costUsd[1]).toBeCloseTo(0.075, 9); // 100K reads at $0.50 + 1K output at $25
    expect(move.rows!.costUsd[1]).toBeCloseTo(0.13, 9); // Haiku writes its cache cold: 100K at $1.25 + 1K at $5
    expect(move.rows!.cacheRead[1]).toBe(0);
    expect(move.costUsd).toBeGreaterThan(stay.costUsd);
    expect(move.cacheLossUsd).toBeCloseTo((100_000 * (1.25 - 0.1)) / 1e6, 9);
  });

  it('a new model in a thread starts cold unless it was used there within the TTL (invariant 5)', () => {
    const at = (t: number, taskType: string, ctx: number): RowSpec => ({ t, model: 'claude-opus-4-6', thread: 0, r: ctx, w5: 2000, o: 200, taskType });
    const specs = [at(0, 'feature', 0), at(60, 'search', 20_000), at(120, 'search', 22_000), at(240, 'feature', 24_000), at(1000, 'search', 26_000)];
    const r = run(policyOf(TO_HAIKU_ON_SEARCH), specs);
    expect(r.rows!.model[1]).toBe(buildFrame(specs).models.indexOf('claude-haiku-4-5'));
    expect(r.rows!.cacheRead[1]).toBe(0); // first Haiku request of the thread
    expect(r.rows!.cacheRead[2]).toBeGreaterThan(0); // 60 s later: warm
    expect(r.rows!.cacheRead[3]).toBeGreaterThan(0); // back on Opus, last used 180 s ago: still warm
    expect(r.rows!.cacheRead[4]).toBe(0); // Haiku again after 880 s: past the 5-minute TTL
  });

  it('keeps buckets whole and non-negative: R′ + W′ + U′ = P′ (invariant 3)', () => {
    for (const text of ROUTING) {
      for (const seed of [11, 12]) {
        const specs = randomSpecs(seed);
        const frame = buildFrame(specs);
        const policy = policyOf(text);
        const r = run(policy, specs, frame);
        const rho = scenarioFor(policy, frame, {}).tokenizerRatio;
        const subagent = policy.rules.map((x) => x.route?.scope === 'subagent');
        const ruleIx = rulesFor(policy, specs);
        for (let i = 0; i < frame.rows; i++) {
          const out = r.rows!;
          if (out.model[i] < 0) continue;
          for (const v of [out.input[i], out.cacheRead[i], out.write5m[i], out.write1h[i], out.output[i], out.costUsd[i]]) expect(v).toBeGreaterThanOrEqual(0);
          const P = frame.input[i] + frame.cacheRead[i] + frame.write5m[i] + frame.write1h[i];
          const moved = out.model[i] !== frame.modelIx[i];
          if (subagent[ruleIx[i]] && moved) continue; // a subagent's prompt is its own context
          const expected = moved ? rho[out.model[i]] * P : P;
          expect(out.input[i] + out.cacheRead[i] + out.write5m[i] + out.write1h[i]).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe('monotonicity (invariant 4)', () => {
  const groups: AssumptionGroup[] = ['tokenizer_ratio', 'output_ratio', 'fail_rate', 'repeat_fail_rate', 'stable_prefix_recover', 'subagent_context_tokens'];
  it('cost never falls as ρ, σ, f or f₂ grow, or as fewer breaks are recovered', () => {
    for (const text of ROUTING) {
      const policy = policyOf(text);
      for (const seed of [21, 22, 23]) {
        const specs = randomSpecs(seed);
        const frame = buildFrame(specs);
        for (const g of groups) {
          const { cheap, dear } = sweepEnds(g);
          const c = run(policy, specs, frame, cheap).costUsd;
          const m = run(policy, specs, frame).costUsd;
          const d = run(policy, specs, frame, dear).costUsd;
          expect(c).toBeLessThanOrEqual(m + 1e-9);
          expect(m).toBeLessThanOrEqual(d + 1e-9);
        }
      }
    }
  });

  it('raising a target model’s prices never lowers the cost', () => {
    for (const text of ROUTING) {
      const policy = policyOf(text);
      for (const seed of [31, 32]) {
        const specs = randomSpecs(seed);
        const cheap = run(policy, specs).costUsd;
        const h = RATES['claude-haiku-4-5'];
        const dearer = { ...RATES, 'claude-haiku-4-5': { ...h, input: h.input * 1.5, output: h.output * 1.5, read: h.read * 1.5, write5m: h.write5m! * 1.5, write1h: h.write1h! * 1.5 } };
        expect(run(policy, specs, buildFrame(specs, dearer)).costUsd).toBeGreaterThanOrEqual(cheap - 1e-9);
      }
    }
  });

  it('a longer cache TTL never costs more', () => {
    for (const seed of [41, 42, 43]) {
      const specs = randomSpecs(seed);
      const frame = buildFrame(specs);
      const costs = ['60', '5m', '1h'].map((ttl) => run(policyOf(TO_HAIKU_ON_SEARCH.replace('rules:', `assumptions:\n  cache: { ttl: ${ttl} }\nrules:`)), specs, frame).costUsd);
      expect(costs[1]).toBeLessThanOrEqual(costs[0] + 1e-9);
      expect(costs[2]).toBeLessThanOrEqual(costs[1] + 1e-9);
    }
  });
});

describe('escalation, budgets, transforms', () => {
  it('escalation costs the sum of attempts: c + f·(retry on the warm prefix) + f·f₂·(frontier attempt)', () => {
    const specs: RowSpec[] = [{ t: 0, model: 'claude-opus-4-6', u: 10_000, o: 1000, taskType: 'search' }];
    const policy = policyOf(`version: 1
assumptions:
  fail_rate: { claude-haiku-4-5: { default: 0.2 } }
  repeat_fail_rate: { claude-haiku-4-5: { default: 0.5 } }
rules:
  - name: default
    when: {}
    route: { model: claude-haiku-4-5 }
    escalate: { to: claude-opus-4-6, after_failures: 2 }
`);
    const r = run(policy, specs);
    const cheap = (10_000 * 1 + 1000 * 5) / 1e6; // no thread: re-priced as sent, uncached
    const retry = (10_000 * 1 + 1000 * 5) / 1e6; // nothing cacheable on a bucket without writes
    const strong = (10_000 * 5 + 1000 * 25) / 1e6;
    expect(r.costUsd).toBeCloseTo(cheap + 0.2 * retry + 0.2 * 0.5 * strong, 12);
  });

  it('the break-even failure rate is where the policy costs what the history did', () => {
    const specs = randomSpecs(51);
    const frame = buildFrame(specs);
    const policy = policyOf(ROUTING[1]);
    const out = evaluatePolicy(frame, policy, rulesFor(policy, specs));
    expect(out.break_even_fail_rate).toBeGreaterThan(0);
    expect(out.break_even_fail_rate).toBeLessThan(1);
    const f = out.break_even_fail_rate!;
    const at = policyOf(ROUTING[1].replace('fail_rate: { claude-haiku-4-5: { default: [0, 0.1, 0.3] } }', `fail_rate: { claude-haiku-4-5: { default: ${f} } }`));
    expect(run(at, specs, frame).costUsd).toBeCloseTo(out.baseline_cost_usd, 6);
  });

  it('failure-rate sweeps computed from the per-group sums equal a replay at those rates', () => {
    const specs = randomSpecs(52);
    const frame = buildFrame(specs);
    const policy = policyOf(ROUTING[1]);
    const central = run(policy, specs, frame);
    expect(failureCost(central, frame, scenarioFor(policy, frame, {}))).toBeCloseTo(central.failTermUsd, 9);
    for (const g of ['fail_rate', 'repeat_fail_rate'] as const) {
      for (const ends of Object.values(sweepEnds(g))) {
        const analytic = central.costUsd - central.failTermUsd + failureCost(central, frame, scenarioFor(policy, frame, ends));
        expect(analytic).toBeCloseTo(run(policy, specs, frame, ends).costUsd, 9);
      }
    }
  });

  it('a blocked key never spends more than its cap plus one request (invariant 7)', () => {
    for (const seed of [61, 62, 63]) {
      const specs = randomSpecs(seed, 20);
      const frame = buildFrame(specs);
      const cap = 0.5;
      const r = run(policyOf(`${IDENTITY}budgets:\n  - { per: api_key, window: day, cap_usd: ${cap}, on_exceed: { block: true } }\n`), specs, frame);
      const spent = new Map<string, number>();
      const largest = new Map<string, number>();
      for (let i = 0; i < frame.rows; i++) {
        if (r.rows!.model[i] < 0) continue;
        const key = `${frame.keyIx[i]}:${Math.floor(frame.tS[i] / 86400)}`;
        spent.set(key, (spent.get(key) ?? 0) + r.rows!.costUsd[i]);
        largest.set(key, Math.max(largest.get(key) ?? 0, r.rows!.costUsd[i]));
      }
      for (const [key, usd] of spent) expect(usd).toBeLessThanOrEqual(cap + largest.get(key)! + 1e-9);
      expect(r.requests.blocked).toBeGreaterThan(0);
      expect(r.budgetEvents.length).toBeGreaterThan(0);
    }
  });

  it('rows without a key are not capped by a per-key budget', () => {
    const specs: RowSpec[] = Array.from({ length: 20 }, (_, k) => ({ t: k * 60, model: 'claude-opus-4-6', u: 100_000, o: 1000 }));
    const r = run(policyOf(`${IDENTITY}budgets:\n  - { per: api_key, window: day, cap_usd: 0.1, on_exceed: { block: true } }\n`), specs);
    expect(r.requests.blocked).toBe(0);
    expect(r.budgetEvents).toEqual([]);
    expect(r.costUsd).toBe(r.baselineUsd);
  });

  it('a downgrade budget moves the rest of the window to the cheaper model and records the event', () => {
    const specs = randomSpecs(64, 20);
    const r = run(policyOf(`${IDENTITY}budgets:\n  - { per: api_key, window: day, cap_usd: 0.5, on_exceed: { route: claude-haiku-4-5 } }\n`), specs);
    const ev = r.budgetEvents[0];
    expect(ev.spentAtCrossingUsd).toBeGreaterThanOrEqual(0.5);
    expect(ev.affectedRequests).toBeGreaterThan(0);
    expect(r.costUsd).toBeLessThan(r.baselineUsd);
  });

  it('compaction of a long thread summarizes once past the threshold and costs less afterwards', () => {
    const specs: RowSpec[] = [];
    let ctx = 20_000;
    for (let k = 0; k < 40; k++) {
      specs.push({ t: k * 30, model: 'claude-sonnet-4-5', thread: 0, r: k ? ctx : 0, w5: k ? 5000 : ctx, o: 800 });
      ctx += 5000;
    }
    const policy = policyOf(`${IDENTITY}transforms:\n  - compact: { above_tokens: 100000, summary_tokens: [8000, 15000, 30000] }\n`);
    const r = run(policy, specs);
    expect(r.compactions).toBeGreaterThanOrEqual(2);
    expect(r.compactionUsd).toBeGreaterThan(0);
    expect(r.costUsd).toBeLessThan(r.baselineUsd);
    for (let i = 0; i < specs.length; i++) expect(r.rows!.input[i] + r.rows!.cacheRead[i] + r.rows!.write5m[i]).toBeLessThanOrEqual(100_000 + 5000);
  });

  it('stable_prefix turns the recovered share of each observed break into reads', () => {
    const specs = randomSpecs(71);
    const frame = buildFrame(specs);
    const r = run(policyOf(`${IDENTITY}transforms:\n  - stable_prefix: { recover: 0.5 }\n`), specs, frame);
    let expected = 0;
    for (let i = 0; i < frame.rows; i++) expected += frame.breakCostUsd[i] * 0.5;
    expect(expected).toBeGreaterThan(0);
    expect(r.recoveredBreakUsd).toBeCloseTo(expected, 12);
    expect(r.costUsd).toBeCloseTo(r.baselineUsd - expected, 9);
  });
});

describe('totals and bounds', () => {
  it('totals by task type, model and session sum to the grand total (invariant 8)', () => {
    for (const text of ROUTING) {
      const specs = randomSpecs(81);
      const r = run(policyOf(text), specs);
      const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
      expect(sum(r.byTaskType.costUsd)).toBeCloseTo(r.costUsd, 9);
      expect(sum(r.byModelAfter.costUsd)).toBeCloseTo(r.costUsd, 9);
      expect(sum(r.bySession)).toBeCloseTo(r.costUsd, 9);
      expect(sum(r.byRule.costUsd)).toBeCloseTo(r.costUsd, 9);
      expect(sum(r.byTaskType.baselineUsd)).toBeCloseTo(r.baselineUsd, 9);
    }
  });

  it('low ≤ central ≤ high, and point assumptions collapse the bounds (invariant 9)', () => {
    for (const text of ROUTING) {
      const policy = policyOf(text);
      const specs = randomSpecs(91);
      const frame = buildFrame(specs);
      const out = evaluatePolicy(frame, policy, rulesFor(policy, specs));
      expect(out.cost_usd.low).toBeLessThanOrEqual(out.cost_usd.central + 1e-9);
      expect(out.cost_usd.central).toBeLessThanOrEqual(out.cost_usd.high + 1e-9);
      expect(out.savings_usd.low).toBeLessThanOrEqual(out.savings_usd.high + 1e-9);
    }
    const point = policyOf(TO_HAIKU_ON_SEARCH.replace('rules:', 'assumptions:\n  output_ratio: { default: 1.1 }\n  subagent_context_tokens: 8000\nrules:'));
    const specs = randomSpecs(92);
    const out = evaluatePolicy(buildFrame(specs), point, rulesFor(point, specs));
    expect(out.cost_usd.low).toBe(out.cost_usd.central);
    expect(out.cost_usd.high).toBe(out.cost_usd.central);
    expect(out.sensitivity).toEqual([]);
  });

  it('is deterministic', () => {
    const specs = randomSpecs(93);
    const policy = policyOf(ROUTING[2]);
    const a = evaluatePolicy(buildFrame(specs), policy, rulesFor(policy, specs));
    const b = evaluatePolicy(buildFrame(specs), policy, rulesFor(policy, specs));
    expect(a).toEqual(b);
  });

  it('optimistic and pessimistic ends pick each assumption’s cheap and dear side', () => {
    expect(boundEnds('optimistic')).toMatchObject({ fail_rate: 'low', stable_prefix_recover: 'high' });
    expect(boundEnds('pessimistic')).toMatchObject({ fail_rate: 'high', stable_prefix_recover: 'low' });
  });
});
