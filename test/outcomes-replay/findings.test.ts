import { describe, expect, it } from 'vitest';
import { collectFindings } from '../../src/forensics/collect.js';
import { outcomeFindings, priceTier } from '../../src/forensics/outcome-findings.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { newLedger } from '../helpers.js';
import { seedTurns } from './turns.js';

type Row = Record<string, unknown>;

// prices as model_list_prices returns them: output $5 small, $15 mid, $25 frontier (whatif's MODEL_TIERS)
const PRICES: Row[] = [
  { model: 'haiku', output_usd_per_mtok: 5 },
  { model: 'sonnet', output_usd_per_mtok: 15 },
  { model: 'opus', output_usd_per_mtok: 25 },
];
const row = (model: string, task_type: string, succeeded: number, failed: number, cost_usd: number, unknown = 0): Row => ({
  model, task_type, turns: succeeded + failed + unknown, succeeded_turns: succeeded, failed_turns: failed, unknown_turns: unknown, cost_usd,
});

describe('routing findings from turn outcomes', () => {
  it('tiers models by output list price as the replay does', () => {
    expect([priceTier(25), priceTier(20), priceTier(15), priceTier(6), priceTier(5.99), priceTier(0), priceTier(null)]).toEqual(['frontier', 'frontier', 'mid', 'mid', 'small', 'small', null]);
  });

  it('raises a task type whose cheap turns fail beyond doubt more often than frontier turns', () => {
    // haiku: 12 of 30 fail, 90% interval [0.27, 0.55]; opus: 2 of 30, [0.02, 0.19]: 0.27 > 0.19
    const f = outcomeFindings([row('haiku', 'bug_fix', 18, 12, 6, 2), row('opus', 'bug_fix', 28, 2, 90)], PRICES);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'outcomes', query: 'recount query outcomes_by_model_and_task', evidence: { task_type: 'bug_fix', action: 'raise' } });
    expect(f[0].title).toBe('bug_fix: cheap-model turns fail 40% (12 of 30; 90% 27%–55%) against 7% on frontier models (2 of 30): raise bug_fix to a stronger model (failed cheap turns cost $2.25)');
    expect(f[0].impact_usd).toBeCloseTo((6 * 12) / 32, 10);
  });

  it('stays quiet when the intervals overlap, or either side has too few known turns', () => {
    // 9 of 30 against 4 of 30: [0.18, 0.45] overlaps [0.06, 0.27]
    expect(outcomeFindings([row('haiku', 'bug_fix', 21, 9, 6), row('opus', 'bug_fix', 26, 4, 90)], PRICES)).toEqual([]);
    // 19 known cheap turns (unknown ones do not count)
    expect(outcomeFindings([row('haiku', 'bug_fix', 4, 15, 6, 40), row('opus', 'bug_fix', 30, 0, 90)], PRICES)).toEqual([]);
    expect(outcomeFindings([row('haiku', 'bug_fix', 4, 15, 6), row('opus', 'bug_fix', 30, 0, 90)], PRICES, 19)).toHaveLength(1);
  });

  it('lowers a task type whose frontier turns succeed no more often than mid-tier turns', () => {
    const f = outcomeFindings([row('sonnet', 'code_review', 27, 3, 30), row('opus', 'code_review', 24, 6, 100)], PRICES);
    expect(f.map((x) => x.evidence.action)).toEqual(['lower']);
    expect(f[0].title).toBe('code_review: frontier-model turns succeed 80% (24 of 30), no more often than mid-tier turns (90%, 27 of 30): lower code_review to a mid-tier model ($70.00 above mid-tier cost per turn)');
    expect(f[0].impact_usd).toBeCloseTo(100 - 30, 10);
    // frontier a hair better: nothing
    expect(outcomeFindings([row('sonnet', 'code_review', 27, 3, 30), row('opus', 'code_review', 28, 2, 100)], PRICES)).toEqual([]);
  });

  it('sums models of one tier and leaves unpriced models out', () => {
    // two small models together reach 30 known turns; the unpriced one is not counted
    const rows = [row('haiku', 'docs', 5, 10, 2), row('mini', 'docs', 5, 10, 2), row('local', 'docs', 0, 100, 0), row('opus', 'docs', 29, 1, 50)];
    const f = outcomeFindings(rows, [...PRICES, { model: 'mini', output_usd_per_mtok: 2 }]);
    expect(f).toHaveLength(1);
    expect(f[0].evidence.small).toMatchObject({ models: ['haiku', 'mini'], known_turns: 30, failed_turns: 20 });
  });

  it('come out of collectFindings on a ledger with agent turns, from the named queries', async () => {
    const ledger = await newLedger();
    await seedTurns(ledger, [
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'succeeded', count: 10 },
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'failed', count: 15 },
      { model: 'claude-haiku-4-5', taskType: 'coding', kind: 'repeat_failed', count: 5 },
      { model: 'claude-opus-4-6', taskType: 'coding', kind: 'succeeded', count: 28 },
      { model: 'claude-opus-4-6', taskType: 'coding', kind: 'failed', count: 2 },
      { model: 'claude-sonnet-4-5', taskType: 'code_review', kind: 'succeeded', count: 27 },
      { model: 'claude-sonnet-4-5', taskType: 'code_review', kind: 'failed', count: 3 },
      { model: 'claude-opus-4-6', taskType: 'code_review', kind: 'succeeded', count: 24 },
      { model: 'claude-opus-4-6', taskType: 'code_review', kind: 'failed', count: 6 },
    ]);
    const db = ledger.path;
    ledger.close();
    const period = resolvePeriod({ month: '2026-11' });
    const { findings } = await withSession({ db }, (s) => collectFindings((name, given = {}) => runNamedQuery(s.ledger, name, given, period)));
    const mine = findings.filter((f) => f.kind === 'outcomes');
    expect(mine.map((f) => [f.evidence.task_type, f.evidence.action])).toEqual(
      expect.arrayContaining([['coding', 'raise'], ['code_review', 'lower']]),
    );
    expect(mine).toHaveLength(2);
    expect(mine.find((f) => f.evidence.action === 'raise')!.title).toMatch(/^coding: cheap-model turns fail 67% \(20 of 30; /);
  }, 120_000);
});
