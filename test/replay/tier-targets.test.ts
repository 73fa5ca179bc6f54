import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../src/pricing/install.js';
import { matchesCondition, readPolicy, type Policy } from '../../src/replay/policy.js';
import { outsideTargets, tierShares } from '../../src/replay/tier-targets.js';
import { evaluatePolicy } from '../../src/replay/whatif.js';
import { tempDir, writeTemp } from '../helpers.js';
import { buildFrame, type RowSpec } from './frame-builder.js';

// The tier distribution: calls and spend per routing tier, now and after a policy, against the
// guides' targets (tiers 1–2 about 80% of calls, tier 3 at most 15%).

const book = loadPriceBook('');
const dir = tempDir('recount-tier-targets-');
const policyOf = (text: string): Policy => readPolicy(writeTemp('tiers.yaml', text, dir), book);
const use = (small: number, mid: number, frontier: number, unpriced = 0) => [
  { tier: 'small', requests: small, cost_usd: small * 0.01 },
  { tier: 'mid', requests: mid, cost_usd: mid * 0.05 },
  { tier: 'frontier', requests: frontier, cost_usd: frontier * 0.2 },
  { tier: 'unpriced', requests: unpriced, cost_usd: 0 },
];

describe('tier shares against the targets', () => {
  it('counts calls and spend per tier, leaving calls without a tier out of the shares', () => {
    const s = tierShares(use(10, 6, 4, 5));
    expect(s.requests).toBe(20);
    expect(s.untiered_requests).toBe(5);
    expect(s.tiers.map((t) => [t.tier, t.requests, t.request_share])).toEqual([[1, 10, 0.5], [2, 6, 0.3], [3, 4, 0.2]]);
    // spend: 0.10 + 0.30 + 0.80 = 1.20
    expect(s.cost_usd).toBeCloseTo(1.2, 12);
    expect(s.tiers.map((t) => t.cost_share)).toEqual([0.1 / 1.2, 0.3 / 1.2, 0.8 / 1.2].map((x) => expect.closeTo(x, 12)));
    expect(s.tier12_request_share).toBeCloseTo(0.8, 12);
    expect(s.tier3_request_share).toBeCloseTo(0.2, 12);
  });

  it('is within the targets exactly at them, and flagged just past each', () => {
    expect(outsideTargets(0.8, 0.15)).toEqual([]);
    expect(tierShares(use(17, 0, 3)).outside_targets).toEqual([]); // 85% / 15%
    expect(tierShares(use(16, 0, 4)).outside_targets).toEqual(['tier 3 carries 20% of calls (target at most 15%)']); // tiers 1–2 at 80%: within
    expect(outsideTargets(0.7999, 0.1501)).toEqual([
      'tiers 1–2 carry 79.9% of calls (target about 80%)',
      'tier 3 carries 15.1% of calls (target at most 15%)',
    ]);
    expect(tierShares(use(0, 79, 21)).outside_targets).toHaveLength(2);
  });

  it('has no shares and no flags without calls', () => {
    const s = tierShares(use(0, 0, 0, 3));
    expect(s.tier12_request_share).toBeNull();
    expect(s.tier3_request_share).toBeNull();
    expect(s.outside_targets).toEqual([]);
    expect(s.tiers.every((t) => t.request_share === 0 && t.cost_share === 0)).toBe(true);
  });
});

describe('tier shares of a replay', () => {
  // 20 calls: 10 on Opus (tier 3), 6 on Sonnet (tier 2), 4 on Haiku (tier 1): half on tier 3 now.
  // The policy sends search to Haiku and features to Sonnet, and keeps architecture on Opus.
  const rows: RowSpec[] = [
    { t: 0, model: 'claude-opus-4-6', requests: 6, u: 60_000, o: 6_000, taskType: 'search' },
    { t: 1, model: 'claude-opus-4-6', requests: 3, u: 30_000, o: 3_000, taskType: 'feature' },
    { t: 2, model: 'claude-opus-4-6', requests: 1, u: 10_000, o: 1_000, taskType: 'architecture' },
    { t: 3, model: 'claude-sonnet-4-5', requests: 6, u: 60_000, o: 6_000, taskType: 'feature' },
    { t: 4, model: 'claude-haiku-4-5', requests: 4, u: 40_000, o: 4_000, taskType: 'search' },
  ];
  const policy = policyOf(`version: 1
assumptions:
  output_ratio: { default: 1 }
  tokenizer_ratio: { default: 1 }
rules:
  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5 } }
  - { name: feature, when: { task_type: feature }, route: { model: claude-sonnet-4-5 } }
  - { name: default, when: {} }
`);

  it('counts the history on the models it ran on and the replay on the models it routes to', () => {
    const frame = buildFrame(rows);
    const ruleIx = Int16Array.from(rows.map((r) => policy.rules.findIndex((x) => matchesCondition(x.when, { task_type: r.taskType ?? null, model: r.model }))));
    const out = evaluatePolicy(frame, policy, ruleIx);
    const { before, after } = out.tier_shares;
    expect(before.tiers.map((t) => t.requests)).toEqual([4, 6, 10]);
    expect(after.tiers.map((t) => t.requests)).toEqual([10, 9, 1]);
    expect(before.outside_targets).toEqual(['tiers 1–2 carry 50% of calls (target about 80%)', 'tier 3 carries 50% of calls (target at most 15%)']);
    expect(after.outside_targets).toEqual([]); // 95% on tiers 1–2, 5% on tier 3
    // spend follows the replay: the tiers' spend adds up to its cost, and history's to the baseline
    expect(after.cost_usd).toBeCloseTo(out.cost_usd.central, 9);
    expect(before.cost_usd).toBeCloseTo(out.baseline_cost_usd, 9);
    expect(after.tiers[2].cost_usd).toBeCloseTo(before.tiers[2].cost_usd / 10, 9); // one of ten Opus calls stays
  });
});
