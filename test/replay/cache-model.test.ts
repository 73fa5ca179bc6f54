import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../src/pricing/install.js';
import { replay } from '../../src/replay/engine.js';
import { compilePlan, scenarioFor } from '../../src/replay/plan.js';
import { matchesCondition, readPolicy, type Policy } from '../../src/replay/policy.js';
import { tempDir, writeTemp } from '../helpers.js';
import { buildFrame, listCost, RATES, type ModelRates, type RowSpec } from './frame-builder.js';

// The replay's cache model (src/replay/cache.ts): a cache holds the prompt, not the answer; what was
// written with a 1 h TTL stays warm an hour whatever later 5-minute writes do; a thread that keeps
// its model in step with history is priced as observed.

const book = loadPriceBook('');
const dir = tempDir('recount-cache-model-');
let n = 0;
const policyOf = (text: string): Policy => readPolicy(writeTemp(`p${n++}.yaml`, text, dir), book);

// Opus 4.5 and 4.6 have the same list prices and the same minimum cacheable prompt
const TWINS: Record<string, ModelRates> = { ...RATES, 'claude-opus-4-5': { ...RATES['claude-opus-4-6'] } };
const POINT = `assumptions:
  output_ratio: { default: [1, 1, 1] }
  tokenizer_ratio: { default: [1, 1, 1] }
`;

function run(text: string, specs: RowSpec[], rates = TWINS) {
  const policy = policyOf(text);
  const frame = buildFrame(specs, rates);
  const ruleIx = Int16Array.from(
    specs.map((s) => policy.rules.findIndex((r) => matchesCondition(r.when, { task_type: s.taskType ?? null, model: s.model, tier: null, api_key: null, project: null, prompt_tokens: 0 }))),
  );
  return { frame, result: replay(frame, compilePlan(policy, frame), ruleIx, scenarioFor(policy, frame, {}), { perRow: true }) };
}

/**
 * Two threads shaped like real Claude Code transcripts: Opus requests writing 1 h caches mixed with
 * ones writing 5-minute caches, Haiku side requests, a first request that reads a prefix another
 * session warmed, idle gaps past 5 minutes, a prefix break and a context reset.
 */
function agentThreads(): RowSpec[] {
  const opus = (t: number, thread: number, r: number, w5: number, w1h: number, o: number, extra: Partial<RowSpec> = {}): RowSpec => ({
    t, model: 'claude-opus-4-6', thread, u: 3, r, w5, w1h, o, taskType: 'feature', ...extra,
  });
  return [
    opus(0, 0, 14_000, 0, 9_000, 400), // reads a system prompt another session cached
    opus(20, 0, 23_000, 2_500, 0, 900),
    { t: 25, model: 'claude-haiku-4-5', thread: 0, u: 40, r: 0, w5: 0, o: 60, taskType: 'search' },
    opus(50, 0, 25_500, 0, 3_000, 1_200),
    opus(50 + 700, 0, 28_500, 1_800, 0, 300), // after 11 idle minutes: the 1 h prefix was still warm
    opus(800, 0, 12_000, 18_300, 0, 500, { breakKind: 1, rewritten: 18_300 }),
    opus(900, 0, 30_300, 0, 4_000, 2_000),
    opus(5_000, 0, 0, 0, 20_000, 800, { breakKind: 2 }), // the agent reset its context
    opus(30, 1, 0, 8_000, 0, 300),
    opus(90, 1, 8_000, 1_000, 0, 300),
    { t: 95, model: 'claude-haiku-4-5', thread: 1, u: 5, r: 0, w5: 4_500, o: 90, taskType: 'search' },
    { t: 99, model: 'claude-haiku-4-5', thread: 1, u: 5, r: 4_500, w5: 200, o: 90, taskType: 'search' },
  ].sort((a, b) => a.t - b.t);
}

describe('a thread moved to a model with identical prices replays its history to the token', () => {
  const rules = [
    `version: 1\n${POINT}rules:\n  - { name: twin, when: { model: claude-opus-4-6 }, route: { model: claude-opus-4-5, scope: switch } }\n  - { name: default, when: {} }\n`,
    `version: 1\n${POINT}rules:\n  - { name: keep, when: { model: claude-opus-4-6 }, route: { model: claude-opus-4-6, scope: switch } }\n  - { name: default, when: {} }\n`,
    `version: 1\n${POINT}rules:\n  - { name: twin-features, when: { task_type: feature }, route: { model: claude-opus-4-5, scope: switch } }\n  - { name: default, when: {} }\n`,
  ];
  for (const text of rules) {
    it(text.split('\n').find((l) => l.includes('name:') && !l.includes('default'))!.trim(), () => {
      const { frame, result } = run(text, agentThreads());
      expect(result.costUsd - result.baselineUsd).toBeCloseTo(0, 12);
      expect(result.cacheLossUsd).toBe(0);
      for (let k = 0; k < result.byRule.costUsd.length; k++) expect(result.byRule.costUsd[k]).toBeCloseTo(result.byRule.baselineUsd[k], 12);
      const out = result.rows!;
      for (let i = 0; i < frame.rows; i++) {
        expect([out.input[i], out.cacheRead[i], out.write5m[i], out.write1h[i], out.output[i]]).toEqual([
          frame.input[i], frame.cacheRead[i], frame.write5m[i], frame.write1h[i], frame.output[i],
        ]);
      }
    });
  }
});

describe('cache state', () => {
  const SEARCH_TO_HAIKU = `version: 1\n${POINT}rules:\n  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5, scope: switch } }\n  - { name: default, when: {} }\n`;

  it('hand-computed: a cold write, a warm read, and a re-write after an idle gap', () => {
    // Opus writes 10K with a 1 h TTL; a search step moves to Haiku (cold there); ten minutes later Opus
    // reads its 1 h prefix (a 5-minute write in between does not shorten it) and writes the rest.
    const specs: RowSpec[] = [
      { t: 0, model: 'claude-opus-4-6', thread: 0, u: 10, w1h: 10_000, o: 500, taskType: 'feature' },
      { t: 60, model: 'claude-opus-4-6', thread: 0, u: 10, r: 10_000, w5: 2_000, o: 300, taskType: 'search' },
      { t: 660, model: 'claude-opus-4-6', thread: 0, u: 10, r: 10_000, w5: 4_000, o: 200, taskType: 'feature' },
    ];
    const { result } = run(SEARCH_TO_HAIKU, specs);
    const out = result.rows!;
    // 1: in step with history: as observed
    expect(out.costUsd[0]).toBeCloseTo((10 * 5 + 10_000 * 10 + 500 * 25) / 1e6, 12);
    // 2: Haiku's cache is cold: the cacheable 12,000 are written, with the thread's TTL (this request wrote 5-minute caches)
    expect([out.input[1], out.cacheRead[1], out.write5m[1], out.write1h[1]]).toEqual([10, 0, 12_000, 0]);
    expect(out.costUsd[1]).toBeCloseTo((10 * 1 + 12_000 * 1.25 + 300 * 5) / 1e6, 12);
    // 3: Opus's 1 h prefix is still warm after 600 s idle: 10,000 read, 4,000 written
    expect([out.input[2], out.cacheRead[2], out.write5m[2], out.write1h[2]]).toEqual([10, 10_000, 4_000, 0]);
    expect(out.costUsd[2]).toBeCloseTo((10 * 5 + 10_000 * 0.5 + 4_000 * 6.25 + 200 * 25) / 1e6, 12);
    expect(result.costUsd).toBeCloseTo(out.costUsd[0] + out.costUsd[1] + out.costUsd[2], 12);
    expect(result.cacheLossUsd).toBeCloseTo((10_000 * (1.25 - 0.1)) / 1e6, 12);
  });

  it('the cache holds the prompt, not the answer', () => {
    const specs: RowSpec[] = [
      { t: 0, model: 'claude-opus-4-6', thread: 0, w5: 10_000, o: 100, taskType: 'feature' },
      { t: 30, model: 'claude-opus-4-6', thread: 0, r: 10_000, w5: 2_000, o: 3_000, taskType: 'search' },
      { t: 60, model: 'claude-opus-4-6', thread: 0, r: 12_000, w5: 3_500, o: 100, taskType: 'search' },
    ];
    const out = run(SEARCH_TO_HAIKU, specs).result.rows!;
    // the second Haiku request reads what the first one's prompt cached (12,000), not that plus its 3,000-token answer
    expect(out.cacheRead[2]).toBe(12_000);
    expect(out.write5m[2]).toBe(3_500);
  });

  it('a 5-minute prefix is cold after 5 minutes; a 1 h prefix stays warm for the hour', () => {
    const at = (t: number, taskType: string, w5: number, w1h: number): RowSpec => ({ t, model: 'claude-opus-4-6', thread: 0, r: 0, w5, w1h, o: 10, taskType });
    for (const [w5, w1h, warm] of [[12_000, 0, false], [0, 12_000, true]] as const) {
      const specs = [at(0, 'search', w5, w1h), at(10, 'feature', 1_000, 0), at(10 + 900, 'search', 14_000, 0)];
      const out = run(SEARCH_TO_HAIKU, specs).result.rows!;
      expect(out.cacheRead[2]).toBe(warm ? 12_000 : 0);
    }
  });

  it('a redo on the original model in a thread that writes 1 h caches pays the 1 h write rate', () => {
    const policy = `version: 1\n${POINT}  fail_rate: { claude-haiku-4-5: { default: [0.5, 0.5, 0.5] } }\n  repeat_fail_rate: { claude-haiku-4-5: { default: [1, 1, 1] } }
rules:\n  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5, scope: switch } }\n  - { name: default, when: {} }\n`;
    const specs: RowSpec[] = [
      { t: 0, model: 'claude-opus-4-6', thread: 0, w1h: 20_000, o: 100, taskType: 'search' },
    ];
    const { result } = run(policy, specs);
    // the redo on Opus writes its 20,000 cold (Opus's cache was never written in the replay) at the 1 h rate
    const strong = listCost(TWINS['claude-opus-4-6'], 0, 0, 0, 20_000, 100);
    expect(result.failSlopeUsd).toBeCloseTo(strong, 12);
    expect(result.failTermUsd).toBeCloseTo(0.5 * strong, 12);
  });
});
