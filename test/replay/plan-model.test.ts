import fs from 'node:fs';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { renderWhatIf } from '../../src/commands/whatif.js';
import type { Ledger } from '../../src/db/ledger.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { readPolicy } from '../../src/replay/policy.js';
import { runWhatIf } from '../../src/replay/whatif.js';
import { newLedger, priceLedger, samples, writeTemp } from '../helpers.js';

const book = loadPriceBook('');
const bundled = fs.readdirSync(samples('plans')).sort();

/** The error readPolicy raises for a plan file, as `message | hint`. */
function failure(text: string): string {
  const file = writeTemp('plan.yaml', text);
  try {
    readPolicy(file, book);
  } catch (err) {
    const e = err as Error & { hint?: string };
    return `${e.message.replace(file, 'plan.yaml')} | ${e.hint ?? ''}`;
  }
  return 'no error';
}

const HEAD = 'version: 1\nplan:\n  fee_usd_per_month: 100\n';

describe('plan files', () => {
  it('reads every bundled plan, with its source comments and ordered triples', () => {
    expect(bundled).toEqual(['api.yaml', 'chatgpt-plus.yaml', 'chatgpt-pro.yaml', 'claude-max-20x.yaml', 'claude-max-5x-haiku-tier1.yaml', 'claude-max-5x.yaml', 'claude-pro.yaml']);
    for (const f of bundled) {
      const p = readPolicy(samples('plans', f), book);
      expect(p.name).toBe(f.replace('.yaml', ''));
      expect(p.plan).toBeDefined();
      // the history as it was, or (a plan file with rules) routed first
      expect(p.rules.map((r) => r.isDefault)).toEqual(p.planRules ? [false, true] : [true]);
      expect(fs.readFileSync(samples('plans', f), 'utf8')).toMatch(/^# .*\n#/); // says where its figures come from
    }
    const max = readPolicy(samples('plans', 'claude-max-5x.yaml'), book);
    expect(max.plan).toEqual({
      feeUsdPerMonth: { low: 100, central: 100, high: 100 },
      providers: ['anthropic'],
      unit: 'usd',
      per5h: { default: { low: 10, central: 62.5, high: 200 } },
      perWeek: { default: { low: 168, central: 630, high: 1680 } },
      onLimit: 'wait',
    });
    // two plans differ in their fingerprints (the routing is the same identity)
    expect(new Set(bundled.map((f) => readPolicy(samples('plans', f), book).fingerprint)).size).toBe(bundled.length);
  });

  it('reads token allowances by model family', () => {
    const file = writeTemp('tok.yaml', `${HEAD}  allowance:\n    unit: tokens\n    per_week: { Opus: [1e6, 2e6, 3e6], default: 5e7 }\n  on_limit: { overflow: api }\n`);
    expect(readPolicy(file, book).plan).toMatchObject({ unit: 'tokens', per5h: null, perWeek: { opus: { low: 1e6, central: 2e6, high: 3e6 }, default: { low: 5e7, central: 5e7, high: 5e7 } }, onLimit: 'overflow' });
  });

  it.each([
    ['an unknown plan field', `${HEAD}  fees: 3\n  on_limit: wait\n`, 'plan.yaml:4: unknown plan field \'fees\' | a plan has fee_usd_per_month, providers, allowance, on_limit'],
    ['an unknown top field', `${HEAD}  on_limit: { overflow: api }\nrule: []\n`, "plan.yaml:5: unknown field 'rule' in a plan file | a plan file has version, name, description, plan, rules, allow_upgrade, transforms, assumptions"],
    ['budgets beside a plan', `${HEAD}  on_limit: { overflow: api }\nrules:\n  - { name: default, when: {} }\nbudgets: []\n`, 'plan.yaml:7: budgets beside a plan | a plan meters its own windows: put budgets in a routing policy of their own and pass both'],
    ['assumptions beside a plan without rules', `${HEAD}  on_limit: { overflow: api }\nassumptions:\n  output_ratio: { default: 1 }\n`, 'plan.yaml:5: assumptions beside a plan does nothing without rules | rules:\n  - { name: tier-1-to-haiku, when: { tier: 1 }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }'],
    ['rules beside a plan with no default rule', `${HEAD}  on_limit: { overflow: api }\nrules:\n  - { name: cheap, when: { tier: 1 }, route: { model: claude-haiku-4-5 } }\n`, 'plan.yaml:5: no default rule | end the rules with - { name: default, when: {} } (no route keeps the model)'],
    ['a rule beside a plan routing to an unpriced model', `${HEAD}  on_limit: { overflow: api }\nrules:\n  - { name: cheap, when: { tier: 1 }, route: { model: no-such-model } }\n  - { name: default, when: {} }\n`, `plan.yaml:6: model 'no-such-model' has no price in ${book.label} | price it with --prices FILE (a local model can be priced at 0), or fix the name`],
    ['a bad assumption beside a plan', `${HEAD}  on_limit: { overflow: api }\nrules:\n  - { name: default, when: {} }\nassumptions:\n  fail_rate: { claude-haiku-4-5: { default: [0.2, 0.1, 0.3] } }\n`, 'plan.yaml:8: fail_rate.claude-haiku-4-5.default [0.2, 0.1, 0.3] is not ordered low ≤ central ≤ high | fail_rate.claude-haiku-4-5.default: [0, 0.05, 0.15] (low, central, high; rates between 0 and 1)'],
    ['a triple out of order', `${HEAD}  allowance: { unit: usd, per_5h: [10, 5, 20] }\n  on_limit: wait\n`, 'plan.yaml:4: per_5h [10, 5, 20] is not ordered low ≤ central ≤ high | per_5h: [low, central, high], e.g. [10, 70, 225], or one number'],
    ['a bad on_limit', `${HEAD}  allowance: { unit: usd, per_5h: 10 }\n  on_limit: block\n`, 'plan.yaml:5: on_limit is not wait or { overflow: api } | on_limit: wait (the work moves to the next window) or on_limit: { overflow: api } (billed at list prices)'],
    ['waiting with no allowance', `${HEAD}  on_limit: wait\n`, 'plan.yaml:2: a plan that waits needs an allowance | allowance: { unit: usd, per_5h: [10, 70, 225] }, or on_limit: { overflow: api }'],
    ['waiting on a zero allowance', `${HEAD}  allowance:\n    unit: usd\n    per_5h: [0, 5, 10]\n  on_limit: wait\n`, 'plan.yaml:5: per_5h: a plan that waits needs allowances above 0 | with 0 the work would wait forever: use on_limit: { overflow: api }'],
    ['tokens with no default family', `${HEAD}  allowance:\n    unit: tokens\n    per_5h: { opus: 100 }\n  on_limit: wait\n`, 'plan.yaml:6: per_5h has no default family | add default: [low, central, high] for the models no family names'],
    ['a bad unit', `${HEAD}  allowance:\n    unit: prompts\n    per_5h: 40\n  on_limit: wait\n`, "plan.yaml:5: unit 'prompts' is not usd or tokens | unit: usd (API-equivalent dollars) or unit: tokens (per model family)"],
    ['no fee', 'version: 1\nplan:\n  on_limit: { overflow: api }\n', 'plan.yaml:2: the plan needs fee_usd_per_month | fee_usd_per_month: 100 (or [low, central, high]; 0 for pay-as-you-go)'],
  ])('names file:line for %s', (_what, text, expected) => {
    expect(failure(text)).toBe(expected);
  });
});

describe('whatif with plan policies', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    // one Claude Code user: $4 at 20:00 and $4 at 22:00 (claude-haiku-4-5, $1/M input)
    for (const [key, at] of [['a1', '2026-10-04T20:00:00Z'], ['a2', '2026-10-04T22:00:00Z']]) {
      await ledger.run(
        `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
           cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier, session_id, user_id)
         VALUES ($key, 'claude-code', 'imp_test', $at::TIMESTAMPTZ, 'anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5', 1, 4000000, 0, 0, 0, 0, 'standard', 's1', 'alice')`,
        { key, at },
      );
    }
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('compares the plans on the ledger and prints where the limit trips', async () => {
    const tight = writeTemp('tight.yaml', `version: 1\nname: tight\nplan:\n  fee_usd_per_month: 20\n  allowance: { unit: usd, per_5h: 5 }\n  on_limit: wait\n`);
    const period = { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' };
    const r = await runWhatIf(ledger, book, period, [readPolicy(tight, book), readPolicy(samples('plans', 'api.yaml'), book)]);
    expect(r.policies).toEqual([]); // no routing policy: no routing table
    expect(r.history.list_cost_usd).toBeCloseTo(8, 9);
    expect(r.plans!.plans.map((p) => [p.name, p.blocked_hours.central, p.trips_total])).toEqual([['tight', 3, 1], ['api', 0, 0]]);
    expect(r.plans!.plans[1].cost_usd_per_month.central).toBeCloseTo(8 / (31 / 30.4375), 9);
    const text = renderWhatIf(r, 'October 2026');
    expect(text).toContain('  2026-10-04 22:00 alice: 5-hour limit (window from 20:00); waits until 2026-10-05 01:00\n');
    expect(text).toContain('break-even: a plan pays off for a seat whose agent usage at list prices passes its fee');
    expect(text).toContain('alice → api');
    expect(text).not.toContain('caveat:'); // the routing replay's table and caveat are not printed for plans alone
  });
});
