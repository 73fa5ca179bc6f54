import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWhatIf } from '../../src/commands/whatif.js';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { calibratePolicy, failTriple, MIN_OBSERVED_TURNS, rateTriple, wilson } from '../../src/replay/observed.js';
import { litellmConfig } from '../../src/replay/litellm-write.js';
import { readPolicy, type Policy } from '../../src/replay/policy.js';
import { runWhatIf, type WhatIfReport } from '../../src/replay/whatif.js';
import type { ReportData } from '../../src/report/model.js';
import { whatifSection } from '../../src/report/whatif-section.js';
import { newLedger, writeTemp } from '../helpers.js';
import { seedTurns } from './turns.js';

// fail_rate: observed (issue 18): the replay's failure-rate triple from the ledger's agent turns.
// By hand, for 24 successes of 30 known turns at z = 1.6448536 (90%): z² = 2.7055434, z²/n = 0.0901848,
// centre = (0.8 + 0.0450924) / 1.0901848 = 0.7751747, half-width = z·√(0.8·0.2/30 + z²/(4·30²)) / 1.0901848
// = 1.6448536 · 0.0780055 / 1.0901848 = 0.1176938: success [0.6574805, 0.8928683], so the failure-rate
// triple is [1 − 0.8928683, 6/30, 1 − 0.6574805] = [0.1071317…, 0.2, 0.3425195…] (to 1e-4).
const HAND = { low: 0.10712, central: 0.2, high: 0.34251 };

const book = loadPriceBook();
const policyFile = (name: string, assumptions: string) =>
  writeTemp(
    `${name}.yaml`,
    `version: 1\nname: ${name}\nrules:\n  - { name: coding-to-haiku, when: { task_type: coding }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }\nassumptions:\n${assumptions}`,
  );

describe('Wilson interval and the observed triples', () => {
  it('matches the hand computation', () => {
    const t = failTriple(6, 30);
    expect(t.central).toBe(0.2);
    expect(t.low).toBeCloseTo(HAND.low, 4);
    expect(t.high).toBeCloseTo(HAND.high, 4);
    // 0 of n: the lower bound is 0, the upper z²/(n + z²)
    expect(wilson(0, 10).low).toBe(0);
    expect(wilson(0, 10).high).toBeCloseTo(2.7055434 / 12.7055434, 6);
    // symmetric: 3 of 6 is centred on 0.5
    const r = rateTriple(3, 6);
    expect(r.central).toBe(0.5);
    expect(r.low + r.high).toBeCloseTo(1, 12);
  });
});

describe('policy files with fail_rate: observed', () => {
  it('reads the short form, the long form with a fallback, and keeps older fingerprints', () => {
    const short = readPolicy(policyFile('short', '  fail_rate: observed\n'), book);
    expect(short.assumptions.observed).toEqual({ fail_rate: { minTurns: MIN_OBSERVED_TURNS } });
    expect(short.assumptions.failRate).toEqual({});
    const long = readPolicy(
      policyFile('long', '  fail_rate: { observed: true, min_turns: 12, fallback: { claude-haiku-4-5: { default: [0.1, 0.2, 0.3] } } }\n  repeat_fail_rate: observed\n'),
      book,
    );
    expect(long.assumptions.observed).toEqual({ fail_rate: { minTurns: 12 }, repeat_fail_rate: { minTurns: MIN_OBSERVED_TURNS } });
    expect(long.assumptions.failRate).toEqual({ 'claude-haiku-4-5': { default: { low: 0.1, central: 0.2, high: 0.3 } } });
    const plain = readPolicy(policyFile('plain', '  fail_rate: { claude-haiku-4-5: { default: [0.1, 0.2, 0.3] } }\n'), book);
    expect(plain.assumptions).not.toHaveProperty('observed');
    expect(plain.fingerprint).not.toBe(long.fingerprint);
  });

  it.each([
    ['  fail_rate: { observed: true, claude-haiku-4-5: { default: 0.1 } }\n', /short\.yaml:7: unknown field 'claude-haiku-4-5' beside observed/, /fallback:/],
    ['  fail_rate: { observed: false }\n', /short\.yaml:7: fail_rate\.observed must be true/, /leave observed out/],
    ['  fail_rate:\n    observed: true\n    min_turns: 0\n', /short\.yaml:9: fail_rate\.min_turns 0 is not a whole number ≥ 1/, /min_turns: 20/],
    ['  repeat_fail_rate: observd\n', /short\.yaml:7: repeat_fail_rate must be a mapping/, /repeat_fail_rate: observed/],
  ])('refuses %j naming the file and line', (assumptions, message, hint) => {
    let err: { message: string; hint?: string } | undefined;
    try {
      readPolicy(policyFile('short', assumptions), book);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.message).toMatch(message);
    expect(err?.hint).toMatch(hint);
  });

  it('survives --emit-litellm: reading the config back gives the same policy', () => {
    const policy = readPolicy(policyFile('emit', '  fail_rate: { observed: true, min_turns: 12, fallback: { claude-haiku-4-5: { default: [0.1, 0.2, 0.3] } } }\n  repeat_fail_rate: observed\n'), book);
    const back = readPolicy(writeTemp('emit-litellm.yaml', litellmConfig(policy, book)), book);
    expect(back.assumptions.observed).toEqual(policy.assumptions.observed);
    expect(back.fingerprint).toBe(policy.fingerprint);
  });

  it('calibrates per target model and task type, falling back (with a warning) where turns are few', () => {
    const policy = readPolicy(policyFile('cal', '  fail_rate: { observed: true, fallback: { claude-haiku-4-5: { default: [0.1, 0.2, 0.3] } } }\n'), book);
    const outcomes = [
      { model: 'claude-haiku-4-5', task_type: 'coding', known_turns: 30, failed_turns: 6, repeat_failed_turns: 3 },
      { model: 'claude-haiku-4-5', task_type: 'docs', known_turns: 19, failed_turns: 1, repeat_failed_turns: 0 },
      { model: 'claude-sonnet-4-5', task_type: 'docs', known_turns: 50, failed_turns: 5, repeat_failed_turns: 0 }, // not a target: unused
    ];
    const c = calibratePolicy(policy, outcomes, ['claude-haiku-4-5'], ['coding', 'docs', 'search']);
    const haiku = c.policy.assumptions.failRate['claude-haiku-4-5'];
    expect(haiku.coding.central).toBe(0.2);
    expect(haiku.coding.low).toBeCloseTo(HAND.low, 4);
    expect(haiku.docs).toBeUndefined(); // 19 < 20: the fallback's default answers
    expect(c.policy.assumptions.failRate['claude-sonnet-4-5']).toBeUndefined();
    expect([...c.observed]).toEqual([['fail_rate\u0000claude-haiku-4-5\u0000coding', 30]]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/fail_rate: observed: claude-haiku-4-5 has fewer than 20 known turns on docs \(19; kept \[0\.1, 0\.2, 0\.3\]\), search \(0; kept/);
    expect(policy.assumptions.failRate['claude-haiku-4-5'].coding).toBeUndefined(); // the parsed policy is left as it was
  });
});

describe('whatif with fail_rate: observed, end to end', () => {
  let ledger: Ledger;
  let db = '';
  const period = resolvePeriod({ month: '2026-11' });
  const run = (policies: Policy[]): Promise<WhatIfReport> => withSession({ db }, (s) => runWhatIf(s.ledger, s.prices, period, policies));
  const read = (name: string, assumptions: string) => readPolicy(policyFile(name, assumptions), book);

  beforeAll(async () => {
    ledger = await newLedger();
    await seedTurns(ledger, [
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'succeeded', count: 24 },
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'failed', count: 3 },
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'repeat_failed', count: 3 },
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'unknown', count: 2 },
      { model: 'claude-haiku-4-5', taskType: 'docs', kind: 'succeeded', count: 3 },
      { model: 'claude-haiku-4-5', taskType: 'docs', kind: 'failed', count: 2 },
      { model: 'claude-sonnet-4-5', taskType: 'coding', kind: 'succeeded', count: 10 },
    ]);
    db = ledger.path;
    ledger.close();
  }, 120_000);

  afterAll(() => ledger?.close());

  it('agrees with outcomes_by_model_and_task on the turns behind the triple', async () => {
    const rows = await withSession({ db }, (s) => runNamedQuery<Record<string, number | string>>(s.ledger, 'outcomes_by_model_and_task', {}, period));
    const haiku = rows.find((r) => r.model === 'claude-haiku-4-5' && r.task_type === 'coding')!;
    expect(haiku).toMatchObject({ turns: 32, succeeded_turns: 24, failed_turns: 6, unknown_turns: 2 });
    expect(1 - Number(haiku.success_rate_high)).toBeCloseTo(HAND.low, 4);
    expect(1 - Number(haiku.success_rate_low)).toBeCloseTo(HAND.high, 4);
  });

  it('replays with the hand-computed triple, says where it came from, and warns where turns are few', async () => {
    const observed = read('observed', '  fail_rate: { observed: true, fallback: { claude-haiku-4-5: { default: [0.1, 0.2, 0.3] } } }\n  repeat_fail_rate: { observed: true, min_turns: 5 }\n');
    const byHand = read(
      'by-hand',
      `  fail_rate: { claude-haiku-4-5: { coding: [${HAND.low}, 0.2, ${HAND.high}], default: [0.1, 0.2, 0.3] } }\n  repeat_fail_rate: { claude-haiku-4-5: { coding: [0.22126, 0.5, 0.77874], default: [0.1, 0.2, 0.3] } }\n`,
    );
    const never = read('never-fails', '  fail_rate: { default: { default: 0 } }\n');
    const r = await run([observed, byHand, never]);
    const [o, h, z] = r.policies;
    // the same replay as the triples typed by hand (3 of 6 failed turns repeated a failure: Wilson [0.22126, 0.77874])
    expect(o.cost_usd.central).toBeCloseTo(h.cost_usd.central, 3);
    expect(o.cost_usd.low).toBeCloseTo(h.cost_usd.low, 3);
    expect(o.cost_usd.high).toBeCloseTo(h.cost_usd.high, 3);
    expect(o.cost_usd.central).toBeGreaterThan(z.cost_usd.central + 0.01); // the failures cost something
    const row = o.assumptions.find((a) => a.assumption === 'fail_rate' && a.task_type === 'coding')!;
    expect(row).toMatchObject({ model: 'claude-haiku-4-5', central: 0.2, source: 'observed', turns: 30 });
    expect(row.low).toBeCloseTo(HAND.low, 4);
    expect(o.assumptions.find((a) => a.assumption === 'repeat_fail_rate' && a.task_type === 'coding')).toMatchObject({ central: 0.5, source: 'observed', turns: 6 });
    expect(o.assumptions.find((a) => a.assumption === 'fail_rate' && a.task_type === 'default')).toMatchObject({ source: 'assumed', turns: null });
    expect(h.assumptions.every((a) => a.source === 'assumed')).toBe(true);
    expect(o.warnings).toEqual([
      expect.stringMatching(/^.*observed\.yaml: fail_rate: observed: claude-haiku-4-5 has fewer than 20 known turns on docs \(5; kept \[0\.1, 0\.2, 0\.3\]\): the policy's own fail_rate is used there$/),
      expect.stringMatching(/repeat_fail_rate: observed: claude-haiku-4-5 has fewer than 5 failed turns on docs \(2; kept/),
    ]);
    expect(h).not.toHaveProperty('warnings');
    const text = renderWhatIf(r, '2026-11');
    expect(text).toMatch(/more\s+by\s+model\s+and\s+task\s+type\s+\(2\s+observed\s+from\s+agent\s+turns,\s+\d+\s+guessed\)/);
    // the report's what-if says it too: a "from" column only where a triple came from turns
    const section = String(await whatifSection.render({ whatif: r } as ReportData));
    expect(section).toMatch(/<td class="nowrap">claude-haiku-4-5<\/td><td class="nowrap">coding<\/td>(<td class="num">[^<]*<\/td>){3}<td class="nowrap">30 turns<\/td>/);
    expect(section.match(/<th class="nowrap">from<\/th>/g)).toHaveLength(1); // the observed policy's table only
  }, 60_000);

  it('falls back to the policy\'s triples on a ledger without agent turns', async () => {
    const empty = await newLedger();
    const emptyDb = empty.path;
    empty.close();
    const policy = read('observed-empty', '  fail_rate: { observed: true, fallback: { default: { default: [0.1, 0.2, 0.3] } } }\n');
    const r = await withSession({ db: emptyDb }, (s) => runWhatIf(s.ledger, s.prices, period, [policy]));
    expect(r.history.requests).toBe(0);
    expect(r.policies[0].assumptions.every((a) => a.source === 'assumed')).toBe(true);
  });
});
