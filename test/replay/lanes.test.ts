import { describe, expect, it } from 'vitest';
import { Rng } from '../../bench/random.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { replay, replayLanes, replayScenarios } from '../../src/replay/engine.js';
import { groupScenarios } from '../../src/replay/lanes.js';
import { boundEnds, compilePlan, scenarioFor, sweepEnds, variedGroups, type AssumptionGroup, type End } from '../../src/replay/plan.js';
import { matchesCondition, readPolicy, type Policy } from '../../src/replay/policy.js';
import type { ReplayResult } from '../../src/replay/result.js';
import { tempDir, writeTemp } from '../helpers.js';
import { buildFrame, type RowSpec } from './frame-builder.js';

// One pass carrying several scenarios (lanes.ts, engine.ts) must give each scenario what a replay of
// its own gives, to the bit.

const book = loadPriceBook('');
const dir = tempDir('recount-lanes-');
let n = 0;
const policyOf = (text: string): Policy => readPolicy(writeTemp(`p${n++}.yaml`, text, dir), book);

/** Agent threads on Anthropic models (growing contexts, warm reads, idle gaps, breaks, resets), a few buckets. */
function specs(seed: number): RowSpec[] {
  const rng = new Rng(seed);
  const models = ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5'];
  const out: RowSpec[] = [];
  for (let th = 0; th < 10; th++) {
    let t = rng.int(0, 3600);
    let context = rng.int(12_000, 40_000);
    const model = rng.pick(models.slice(0, 2));
    for (let k = 0, turns = rng.int(5, 30); k < turns; k++) {
      const gap = rng.chance(0.1) ? rng.int(400, 4000) : rng.int(5, 120);
      t += gap;
      const warm = k > 0 && gap <= 300;
      const brk = warm && rng.chance(0.1);
      const read = warm && !brk ? context : 0;
      const added = rng.int(500, 30_000);
      out.push({
        t,
        model,
        thread: th,
        u: rng.int(0, 50),
        r: read,
        w5: context + added - read,
        o: rng.int(50, 3000),
        taskType: rng.pick(['search', 'feature', 'docs', null]),
        tier: rng.int(0, 3),
        key: rng.pick(['key-a', 'key-b']),
        project: `proj-${th % 2}`,
        breakKind: brk ? 1 : rng.chance(0.02) ? 2 : 0,
        rewritten: brk ? context : 0,
      });
      context += added;
    }
  }
  for (let b = 0; b < 4; b++) out.push({ t: rng.int(0, 86_000), model: rng.pick(models), bucket: true, requests: rng.int(10, 500), u: rng.int(1e5, 1e6), r: rng.int(1e5, 5e6), w5: rng.int(1e4, 1e5), o: rng.int(1e4, 1e5) });
  return out.sort((a, b) => a.t - b.t);
}

const POLICIES = {
  escalate: `version: 1
assumptions:
  output_ratio: { default: [0.9, 1.0, 1.3] }
  fail_rate: { claude-haiku-4-5: { default: [0, 0.1, 0.3] } }
  repeat_fail_rate: { claude-haiku-4-5: { default: [0.2, 0.5, 0.9] } }
rules:
  - { name: tier-1-2, when: { tier: { $lte: 2 } }, route: { model: claude-haiku-4-5, scope: switch }, escalate: { to: claude-opus-4-6, after_failures: 3 } }
  - { name: default, when: {} }
`,
  subagent: `version: 1
assumptions:
  output_ratio: { default: [0.9, 1.0, 1.2] }
  tokenizer_ratio: { default: [1.0, 1.1, 1.3] }
  fail_rate: { default: { default: [0, 0.05, 0.2] } }
  subagent_context_tokens: [6000, 10000, 20000]
rules:
  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5, scope: subagent } }
  - { name: tier-2, when: { tier: 2 }, route: { model: claude-sonnet-4-5, scope: switch } }
  - { name: default, when: {} }
`,
  transforms: `version: 1
assumptions:
  output_ratio: { default: [0.9, 1.0, 1.2] }
rules:
  - { name: docs, when: { task_type: docs }, route: { model: claude-haiku-4-5, scope: switch } }
  - { name: default, when: {} }
transforms:
  - stable_prefix: { recover: [0.5, 0.8, 1.0] }
  - compact: { above_tokens: 150000, summary_tokens: [8000, 15000, 30000] }
`,
  stable: `version: 1
rules:
  - { name: default, when: {} }
transforms:
  - stable_prefix: { recover: [0.5, 0.8, 1.0] }
`,
  budget: `version: 1
assumptions:
  output_ratio: { default: [0.9, 1.0, 1.2] }
rules:
  - { name: default, when: {} }
budgets:
  - { per: api_key, window: day, cap_usd: 2, on_exceed: { route: claude-haiku-4-5 } }
`,
};

/** Rule index per row, as the SQL twin would give it (conditions evaluated in JS on the specs). */
function rulesFor(policy: Policy, rows: RowSpec[]): Int16Array {
  const prompt = (s: RowSpec) => (s.u ?? 0) + (s.r ?? 0) + (s.w5 ?? 0) + (s.w1h ?? 0);
  const row = (s: RowSpec) => ({ task_type: s.taskType ?? null, model: s.model, tier: s.tier ?? null, api_key: s.key ?? null, project: s.project ?? null, prompt_tokens: prompt(s) });
  return Int16Array.from(rows.map((s) => policy.rules.findIndex((r) => matchesCondition(r.when, row(s)))));
}

/** Every scenario whatif runs for a policy: central, both bounds, each varied group at each end. */
function scenarioEnds(policy: Policy): Partial<Record<AssumptionGroup, End>>[] {
  return [{}, boundEnds('optimistic'), boundEnds('pessimistic'), ...variedGroups(policy).flatMap((g) => [sweepEnds(g).cheap, sweepEnds(g).dear])];
}

/** A result as text, typed arrays as lists: equal text is equal to the bit (JSON round-trips doubles). */
const text = (r: ReplayResult) => JSON.stringify(r, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));

describe('one pass for a policy’s scenarios', () => {
  for (const [name, yaml] of Object.entries(POLICIES)) {
    it(`gives each scenario its own replay, to the bit (${name})`, () => {
      const policy = policyOf(yaml);
      for (const seed of [1, 2, 3]) {
        const rows = specs(seed);
        const frame = buildFrame(rows);
        const plan = compilePlan(policy, frame);
        const ruleIx = rulesFor(policy, rows);
        const scenarios = scenarioEnds(policy).map((e) => scenarioFor(policy, frame, e));
        const together = replayScenarios(frame, plan, ruleIx, scenarios);
        scenarios.forEach((sc, k) => expect(text(together[k])).toBe(text(replay(frame, plan, ruleIx, sc))));
        expect(together[0].costUsd).not.toBe(together[2].costUsd); // the scenarios do differ
      }
    });
  }

  it('shares a walk only between scenarios whose states cannot differ', () => {
    const frame = buildFrame(specs(4));
    const groups = (yaml: string) => {
      const policy = policyOf(yaml);
      return groupScenarios(compilePlan(policy, frame), scenarioEnds(policy).map((e) => scenarioFor(policy, frame, e)));
    };
    // output ratios and failure rates change costs only: one walk (the subagent context is not read)
    expect(groups(POLICIES.escalate)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    // the tokenizer ratio changes every prompt; the subagent context only the subagents' own (a pass keeps those per context)
    expect(groups(POLICIES.subagent)).toEqual([[0, 5, 6, 7, 8, 9, 10], [1, 3], [2, 4]]);
    // recovered breaks and summaries change what the caches hold once a request runs other than observed
    expect(groups(POLICIES.transforms)).toEqual([[0, 3, 4], [1], [2], [5], [6], [7], [8]]);
    // with every request as observed, recovered breaks change only what they cost
    expect(groups(POLICIES.stable)).toEqual([[0, 1, 2, 3, 4]]);
    // budgets react to each scenario's own cost
    expect(groups(POLICIES.budget)).toEqual([[0], [1], [2], [3], [4]]);
  });

  it('refuses lanes that would not share their states', () => {
    const policy = policyOf(POLICIES.subagent);
    const frame = buildFrame(specs(5));
    const plan = compilePlan(policy, frame);
    const scs = [scenarioFor(policy, frame, {}), scenarioFor(policy, frame, boundEnds('pessimistic'))];
    expect(() => replayLanes(frame, plan, new Int16Array(frame.rows).fill(2), scs)).toThrow(/do not share/);
  });
});
