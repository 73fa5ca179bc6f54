import { describe, expect, it } from 'vitest';
import { RecountError } from '../../src/errors.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { replay } from '../../src/replay/engine.js';
import { compilePlan, scenarioFor } from '../../src/replay/plan.js';
import { matchesCondition, readPolicy, type Policy } from '../../src/replay/policy.js';
import { tempDir, writeTemp } from '../helpers.js';
import { buildFrame, listCost, RATES, type RowSpec } from './frame-builder.js';

// Routing goes down only: a rule never moves a request to a model with a higher input or output list
// rate than the one it ran on, unless the policy or the rule says allow_upgrade: true. Escalation is
// exempt, and a budget's on_exceed route is a downgrade, never an upgrade.

const book = loadPriceBook('');
const dir = tempDir('recount-routing-down-');
let n = 0;
const policyOf = (text: string): Policy => readPolicy(writeTemp(`p${n++}.yaml`, text, dir), book);
const POINT = 'assumptions:\n  output_ratio: { default: 1 }\n  tokenizer_ratio: { default: 1 }\n';

function run(policy: Policy, specs: RowSpec[]) {
  const frame = buildFrame(specs);
  const ruleIx = Int16Array.from(
    specs.map((s) => policy.rules.findIndex((r) => matchesCondition(r.when, { task_type: s.taskType ?? null, model: s.model, api_key: s.key ?? null, project: s.project ?? null }))),
  );
  const result = replay(frame, compilePlan(policy, frame), ruleIx, scenarioFor(policy, frame, {}), { perRow: true });
  const modelOf = (i: number) => frame.models[result.rows!.model[i]];
  return { frame, result, modelOf };
}

// one Haiku request and one Opus request, each the only request of its thread
const ROWS: RowSpec[] = [
  { t: 0, model: 'claude-haiku-4-5', thread: 0, u: 2_000, w5: 10_000, o: 500, taskType: 'feature' },
  { t: 10, model: 'claude-opus-4-6', thread: 1, u: 2_000, w5: 10_000, o: 500, taskType: 'feature' },
];
const haikuCost = listCost(RATES['claude-haiku-4-5'], 2_000, 0, 10_000, 0, 500);

describe('routing goes down only', () => {
  const toSonnet = (extra = '', ruleExtra = '') => `version: 1
${extra}${POINT}rules:
  - { name: mid, when: { task_type: feature }, route: { model: claude-sonnet-4-5 }${ruleExtra} }
  - { name: default, when: {} }
`;

  it('does not move a request to a dearer model by default', () => {
    const { result, modelOf } = run(policyOf(toSonnet()), ROWS);
    expect(modelOf(0)).toBe('claude-haiku-4-5'); // Sonnet's $3/$15 is dearer than Haiku's $1/$5: kept
    expect(result.rows!.costUsd[0]).toBeCloseTo(haikuCost, 12);
    expect(modelOf(1)).toBe('claude-sonnet-4-5'); // Opus → Sonnet is a move down: applied
    expect(result.byModelAfter.requests[result.rows!.model[0]]).toBe(1);
  });

  it('moves it with allow_upgrade: true on the policy or on the rule', () => {
    for (const text of [toSonnet('allow_upgrade: true\n'), toSonnet('', ', allow_upgrade: true')]) {
      const { result, modelOf } = run(policyOf(text), ROWS);
      expect(modelOf(0)).toBe('claude-sonnet-4-5');
      expect(result.rows!.costUsd[0]).toBeGreaterThan(haikuCost);
    }
  });

  it("lets a rule's allow_upgrade: false override the policy's true", () => {
    const { modelOf } = run(policyOf(toSonnet('allow_upgrade: true\n', ', allow_upgrade: false')), ROWS);
    expect(modelOf(0)).toBe('claude-haiku-4-5');
  });

  it('treats a model with the same input and output rates as not dearer', () => {
    const rows: RowSpec[] = [{ t: 0, model: 'claude-sonnet-4-5', thread: 0, u: 1_000, w5: 5_000, o: 300, taskType: 'feature' }];
    const policy = policyOf(`version: 1\nrules:\n  - { name: all, when: {}, route: { model: claude-sonnet-4-6 } }\n`);
    const frame = buildFrame(rows, { ...RATES, 'claude-sonnet-4-6': { ...RATES['claude-sonnet-4-5'] } });
    const result = replay(frame, compilePlan(policy, frame), Int16Array.from([0]), scenarioFor(policy, frame, {}), { perRow: true });
    expect(frame.models[result.rows!.model[0]]).toBe('claude-sonnet-4-6');
  });

  it('still escalates to a dearer model after failures: the cost is the sum of the attempts', () => {
    const policy = policyOf(`version: 1
assumptions:
  output_ratio: { default: 1 }
  fail_rate: { claude-haiku-4-5: { default: 0.2 } }
rules:
  - name: cheap
    when: {}
    route: { model: claude-haiku-4-5 }
    escalate: { to: claude-opus-4-6, after_failures: 1 }
`);
    const { result, modelOf } = run(policy, [ROWS[1]]);
    expect(modelOf(0)).toBe('claude-haiku-4-5');
    // one Haiku attempt, then a 20% chance of the Opus attempt (a cold write of the same prompt)
    const opus = listCost(RATES['claude-opus-4-6'], 2_000, 0, 10_000, 0, 500);
    expect(result.failSlopeUsd).toBeCloseTo(opus, 9);
    expect(result.rows!.costUsd[0]).toBeCloseTo(haikuCost + 0.2 * opus, 9);
  });

  it("keeps a budget's on_exceed route from moving a cheaper request up", () => {
    const rows: RowSpec[] = [
      { t: 0, model: 'claude-opus-4-6', thread: 0, u: 2_000, w5: 10_000, o: 500, key: 'k', taskType: 'feature' },
      { t: 60, model: 'gpt-5-mini', u: 2_000, o: 500, key: 'k', taskType: 'search' },
      { t: 120, model: 'claude-opus-4-6', thread: 0, u: 2_000, r: 10_000, w5: 1_000, o: 500, key: 'k', taskType: 'feature' },
    ];
    const budget = 'budgets:\n  - { per: api_key, window: day, cap_usd: 0.01, on_exceed: { route: claude-haiku-4-5 } }\n';
    const down = run(policyOf(`version: 1\n${POINT}rules:\n  - { name: default, when: {} }\n${budget}`), rows);
    expect(down.modelOf(1)).toBe('gpt-5-mini'); // over the cap, but Haiku is dearer than gpt-5-mini
    expect(down.modelOf(2)).toBe('claude-haiku-4-5'); // Opus over the cap goes down
    expect(down.result.budgetEvents[0].affectedRequests).toBe(1);
    const up = run(policyOf(`version: 1\nallow_upgrade: true\n${POINT}rules:\n  - { name: default, when: {} }\n${budget}`), rows);
    expect(up.modelOf(1)).toBe('claude-haiku-4-5');
    expect(up.result.budgetEvents[0].affectedRequests).toBe(2);
  });

  it('keeps the fingerprint of a policy that does not use the flag, and rejects a flag that is not true or false', () => {
    const plain = policyOf(toSonnet());
    expect(plain.rules[0].allowUpgrade).toBeUndefined();
    expect(policyOf(toSonnet('allow_upgrade: false\n')).fingerprint).toBe(plain.fingerprint);
    expect(policyOf(toSonnet('allow_upgrade: true\n')).fingerprint).not.toBe(plain.fingerprint);
    expect(() => policyOf(toSonnet('allow_upgrade: yes please\n'))).toThrow(RecountError);
    expect(() => policyOf(toSonnet('allow_upgrade: yes please\n'))).toThrow(/:2: allow_upgrade must be true or false/);
  });
});
