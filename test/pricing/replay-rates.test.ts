import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { priceAttempt } from '../../src/replay/engine.js';
import { loadReplayFrame, type ReplayFrame } from '../../src/replay/frame.js';
import { newLedger, priceLedger } from '../helpers.js';

const ALL_TIME = { since: null, until: null, tz: 'UTC' };

/** [key, provider, raw model id, u, r, w5, w1h, o] */
const ROWS: [string, string, string, number, number, number, number, number][] = [
  ['anthropic', 'anthropic', 'claude-sonnet-4-5-20250929', 10_000, 50_000, 4_000, 1_000, 800],
  ['bedrock-us', 'aws-bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 10_000, 50_000, 4_000, 1_000, 800],
  ['bedrock-global', 'aws-bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 10_000, 50_000, 4_000, 1_000, 800],
  ['openrouter', 'openrouter', 'google/gemini-2.5-flash', 10_000, 50_000, 0, 0, 800],
  ['embedding', 'openai', 'text-embedding-3-small', 90_000, 0, 0, 0, 0],
];
const TOKENS = { u: 10_000, r: 50_000, w5: 4_000, w1h: 1_000, o: 800 };

/** The cost of TOKENS at rates (input, cache read, write 5m, write 1h, output), $/MTok. */
const at = (rates: [number, number, number, number, number]) =>
  (TOKENS.u * rates[0] + TOKENS.r * rates[1] + TOKENS.w5 * rates[2] + TOKENS.w1h * rates[3] + TOKENS.o * rates[4]) / 1e6;

describe("the replay's rates per (row's provider, model, day)", () => {
  let ledger: Ledger;
  let f: ReplayFrame;
  const row = (key: string) => ROWS.findIndex((r) => r[0] === key);
  const reprice = (key: string, model: string) => {
    const i = [...Array(f.rows).keys()].find((k) => f.tS[k] === Date.parse('2026-10-15T12:00:00Z') / 1000 + row(key))!;
    return priceAttempt(f, i, f.models.indexOf(model), TOKENS.u, TOKENS.r, TOKENS.w5, TOKENS.w1h, TOKENS.o);
  };

  beforeAll(async () => {
    ledger = await newLedger();
    const ids = loadCatalog().modelIds;
    for (const [k, provider, raw, u, r, w5, w1h, o] of ROWS) {
      await ledger.run(
        `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens,
           cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, service_tier)
         VALUES ($k, 'test', 'imp_test', TIMESTAMPTZ '2026-10-15 12:00:00+00' + to_seconds($s), $provider, $model, $raw, 1, $u, $r, $w5, $w1h, $o, 'standard')`,
        { k, s: row(k), provider, model: ids.canonical(raw)!, raw, u, r, w5, w1h, o },
      );
    }
    await priceLedger(ledger);
    f = await loadReplayFrame(ledger, ALL_TIME, ['claude-haiku-4-5', 'deepseek-chat-v3.1', 'gemini-2.5-flash']);
  });
  afterAll(() => ledger.close());

  it('re-prices every observed row on its own model exactly as usage_priced does (borrowed and embedding rows too)', () => {
    expect(f.rows).toBe(ROWS.length);
    expect(f.providers).toEqual(expect.arrayContaining(['anthropic', 'aws-bedrock', 'aws-bedrock-global', 'openrouter', 'openai']));
    for (let i = 0; i < f.rows; i++) {
      const usd = priceAttempt(f, i, f.modelIx[i], f.input[i], f.cacheRead[i], f.write5m[i], f.write1h[i], f.output[i]);
      expect(usd).toBeCloseTo(f.listCostUsd[i], 12);
    }
  });

  it("prices a request routed to another model at the row's provider when it serves that model", () => {
    // Bedrock regional Haiku is 1.1× Anthropic's, its 1h writes borrowed from Anthropic (2 $/MTok)
    expect(reprice('bedrock-us', 'claude-haiku-4-5')).toBeCloseTo(at([1.1, 0.11, 1.375, 2, 5.5]), 12);
    expect(reprice('bedrock-global', 'claude-haiku-4-5')).toBeCloseTo(at([1, 0.1, 1.25, 2, 5]), 12);
    expect(reprice('anthropic', 'claude-haiku-4-5')).toBeCloseTo(at([1, 0.1, 1.25, 2, 5]), 12);
    // OpenRouter's Gemini bills explicit cache writes and dearer reads than Google's
    expect(reprice('openrouter', 'gemini-2.5-flash')).toBeCloseTo(at([0.3, 0.075, 0.3833, 0.3833, 2.5]), 12);
  });

  it("else at the target's home provider (a reseller's, for a model only a reseller sells)", () => {
    // Google bills no cache writes (implicit cache): writes cost input
    expect(reprice('anthropic', 'gemini-2.5-flash')).toBeCloseTo(at([0.3, 0.03, 0.3, 0.3, 2.5]), 12);
    expect(reprice('bedrock-us', 'deepseek-chat-v3.1')).toBeCloseTo(at([0.21, 0.13, 0.21, 0.21, 0.79]), 12);
    expect(reprice('openrouter', 'deepseek-chat-v3.1')).toBeCloseTo(at([0.21, 0.13, 0.21, 0.21, 0.79]), 12);
  });
});
