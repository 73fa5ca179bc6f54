import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { newLedger, priceLedger } from '../helpers.js';

/**
 * Rows of the shapes real exports carry (provider as recount's importers write it, the model id as
 * the source wrote it), priced by usage_priced and by calcPrice of the pinned genai-prices for the
 * same (provider, model, time).
 */
interface Spec {
  key: string;
  provider: string; // the ledger's provider
  genai: string; // the genai-prices provider id calcPrice is asked with
  raw: string; // model_raw
  u?: number;
  r?: number;
  w5?: number;
  w1h?: number;
  o?: number;
  ws?: number;
  tier?: string;
  at?: string;
}

const AT = '2026-10-15T12:00:00Z';

const AGREE: Spec[] = [
  { key: 'anthropic-sonnet', provider: 'anthropic', genai: 'anthropic', raw: 'claude-sonnet-4-5-20250929', u: 12_000, r: 80_000, w5: 6_000, w1h: 2_000, o: 1_500 },
  { key: 'anthropic-sonnet-long', provider: 'anthropic', genai: 'anthropic', raw: 'claude-sonnet-4-5-20250929', u: 20_000, r: 230_000, w5: 4_000, o: 900 },
  { key: 'anthropic-haiku-search', provider: 'anthropic', genai: 'anthropic', raw: 'claude-haiku-4-5-20251001', u: 3_000, o: 400, ws: 2 },
  { key: 'bedrock-us-sonnet', provider: 'aws-bedrock', genai: 'aws', raw: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', u: 412, r: 5_216, w5: 900, o: 187 },
  { key: 'bedrock-eu-haiku', provider: 'aws-bedrock', genai: 'aws', raw: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', u: 2_100, r: 14_000, w5: 3_000, o: 650 },
  { key: 'bedrock-apac-sonnet-4-6', provider: 'aws-bedrock', genai: 'aws', raw: 'apac.anthropic.claude-sonnet-4-6', u: 5_000, r: 40_000, o: 2_000 },
  { key: 'bedrock-in-region-opus', provider: 'aws-bedrock', genai: 'aws', raw: 'anthropic.claude-opus-4-6-v1', u: 7_000, w5: 12_000, o: 3_000 },
  { key: 'bedrock-arn-haiku', provider: 'aws-bedrock', genai: 'aws', raw: 'arn:aws:bedrock:us-east-1:418295730164:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0', u: 900, o: 90 },
  { key: 'bedrock-global-haiku', provider: 'aws-bedrock', genai: 'aws', raw: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', u: 1_800, r: 9_000, w5: 500, o: 300 },
  { key: 'bedrock-nova', provider: 'aws-bedrock', genai: 'aws', raw: 'amazon.nova-pro-v1:0', u: 10_000, o: 1_000 },
  { key: 'openrouter-gemini-flash', provider: 'openrouter', genai: 'openrouter', raw: 'google/gemini-2.5-flash', u: 4_000, r: 60_000, o: 800 },
  { key: 'openrouter-deepseek-v3.1', provider: 'openrouter', genai: 'openrouter', raw: 'deepseek/deepseek-chat-v3.1', u: 9_000, r: 30_000, o: 2_500 },
  { key: 'openrouter-sonnet', provider: 'openrouter', genai: 'openrouter', raw: 'anthropic/claude-sonnet-4.5', u: 6_000, r: 20_000, w5: 3_000, o: 700 },
  { key: 'openrouter-gemini-pro-long', provider: 'openrouter', genai: 'openrouter', raw: 'google/gemini-2.5-pro', u: 250_000, o: 1_000 },
  { key: 'google-gemini-flash', provider: 'google', genai: 'google', raw: 'gemini-2.5-flash', u: 4_000, r: 60_000, o: 800 },
  { key: 'google-gemini-pro-long', provider: 'google', genai: 'google', raw: 'gemini-2.5-pro', u: 210_000, r: 40_000, o: 3_000 },
  { key: 'vertex-claude', provider: 'google', genai: 'google', raw: 'claude-sonnet-4-5@20250929', u: 3_000, r: 10_000, w5: 2_000, o: 500 },
  { key: 'openai-gpt-4o', provider: 'openai', genai: 'openai', raw: 'gpt-4o-2024-08-06', u: 5_000, r: 3_000, o: 700 },
  { key: 'openai-gpt-5-mini', provider: 'openai', genai: 'openai', raw: 'gpt-5-mini-2025-08-07', u: 20_000, r: 100_000, o: 4_000 },
  { key: 'azure-gpt-4o', provider: 'azure', genai: 'azure', raw: 'gpt-4o', u: 5_000, o: 700 },
  { key: 'openai-embedding', provider: 'openai', genai: 'openai', raw: 'text-embedding-3-small', u: 250_000 },
  { key: 'google-embedding', provider: 'google', genai: 'google', raw: 'gemini-embedding-001', u: 80_000 },
];

/** Where recount deliberately differs from calcPrice (docs/pricing.md), with what it bills instead. */
const DIFFER: (Spec & { why: string; expectUsd: number })[] = [
  {
    key: 'bedrock-1h-writes', provider: 'aws-bedrock', genai: 'aws', raw: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', u: 1_000, w1h: 100_000, o: 500,
    why: "Bedrock's entry has no 1h write rate: recount borrows Anthropic's (6 $/MTok, marked borrowed); calcPrice bills them at Bedrock's 5m rate",
    expectUsd: (1_000 * 3.3 + 100_000 * 6 + 500 * 16.5) / 1e6,
  },
  {
    key: 'openrouter-gpt-4o-cached', provider: 'openrouter', genai: 'openrouter', raw: 'openai/gpt-4o', u: 2_000, r: 50_000, o: 300,
    why: "OpenRouter's entry has no cache-read rate: recount borrows OpenAI's (1.25, marked borrowed); calcPrice bills cache reads as input",
    expectUsd: (2_000 * 2.5 + 50_000 * 1.25 + 300 * 10) / 1e6,
  },
  {
    key: 'openrouter-gpt-4o-snapshot', provider: 'openrouter', genai: 'openrouter', raw: 'openai/gpt-4o-2024-05-13', u: 10_000, o: 1_000,
    why: "one entry per model and list: the snapshot is model gpt-4o, priced at OpenRouter's openai/gpt-4o; calcPrice matches the snapshot's own entry",
    expectUsd: (10_000 * 2.5 + 1_000 * 10) / 1e6,
  },
  {
    key: 'anthropic-batch', provider: 'anthropic', genai: 'anthropic', raw: 'claude-haiku-4-5-20251001', u: 100_000, o: 10_000, tier: 'batch',
    why: 'service tiers: the Batch API is half price; calcPrice knows no tiers',
    expectUsd: ((100_000 * 1 + 10_000 * 5) / 1e6) * 0.5,
  },
];

async function given(ledger: Ledger, specs: Spec[]): Promise<void> {
  const ids = loadCatalog().modelIds;
  for (const s of specs) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens,
         cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, web_search_requests, service_tier)
       VALUES ($key, 'test', 'imp_test', $at::TIMESTAMPTZ, $provider, $model, $raw, 1, $u, $r, $w5, $w1h, $o, $ws, $tier)`,
      {
        key: s.key, at: s.at ?? AT, provider: s.provider, model: ids.canonical(s.raw)!, raw: s.raw,
        u: s.u ?? 0, r: s.r ?? 0, w5: s.w5 ?? 0, w1h: s.w1h ?? 0, o: s.o ?? 0, ws: s.ws ?? null, tier: s.tier ?? 'standard',
      },
    );
  }
}

function calcUsd(s: Spec): number {
  const writes = (s.w5 ?? 0) + (s.w1h ?? 0);
  const usage = {
    input_tokens: (s.u ?? 0) + (s.r ?? 0) + writes,
    cache_read_tokens: s.r ?? 0,
    cache_write_tokens: writes,
    cache_write_1h_tokens: s.w1h ?? 0,
    output_tokens: s.o ?? 0,
    web_searches: s.ws ?? 0,
  };
  const out = calcPrice(usage, s.raw, { providerId: s.genai, timestamp: new Date(s.at ?? AT) });
  if (!out) throw new Error(`calcPrice has no price for ${s.genai}:${s.raw}`);
  return out.total_price;
}

interface Priced {
  record_key: string;
  list_cost_usd: number | null;
  price_status: string;
  price_provider: string | null;
  borrowed_rates: string | null;
}

describe('per-provider prices against calcPrice of the pinned genai-prices', () => {
  let ledger: Ledger;
  let rows: Map<string, Priced>;
  beforeAll(async () => {
    ledger = await newLedger();
    await given(ledger, [...AGREE, ...DIFFER]);
    await priceLedger(ledger);
    const list = await ledger.all<Priced>('SELECT record_key, list_cost_usd, price_status, price_provider, borrowed_rates FROM usage_priced');
    rows = new Map(list.map((r) => [r.record_key, r]));
  });
  afterAll(() => ledger.close());

  it.each(AGREE.map((s) => [s.key, s] as const))('%s agrees within 0.5%%', (_key, s) => {
    const ours = rows.get(s.key)!.list_cost_usd;
    const theirs = calcUsd(s);
    expect(ours, `${s.key}: unpriced`).not.toBeNull();
    expect(theirs).toBeGreaterThan(0);
    expect(Math.abs(ours! - theirs) / theirs, `${s.key}: recount ${ours} vs calcPrice ${theirs}`).toBeLessThan(0.005);
  });

  it.each(DIFFER.map((s) => [s.key, s] as const))('%s differs from calcPrice, as documented', (_key, s) => {
    const ours = rows.get(s.key)!.list_cost_usd!;
    expect(ours, s.why).toBeCloseTo(s.expectUsd, 12);
    expect(Math.abs(ours - calcUsd(s)) / calcUsd(s), s.why).toBeGreaterThan(0.005);
  });

  it('leaves an entry listed without a price unpriced, where calcPrice says $0', async () => {
    const free: Spec = { key: 'openrouter-free', provider: 'openrouter', genai: 'openrouter', raw: 'deepseek/deepseek-chat-v3-0324:free', u: 1_000, o: 100 };
    expect(calcUsd(free)).toBe(0);
    const other = await newLedger();
    await given(other, [free]);
    await priceLedger(other);
    expect(await other.one('SELECT list_cost_usd, price_status FROM usage_priced')).toEqual({ list_cost_usd: null, price_status: 'unpriced' });
    other.close();
  });

  it('prices Bedrock regional and cross-region ids at 1.1× Anthropic, global profiles at 1×', () => {
    const anthropic = (1_800 * 1 + 9_000 * 0.1 + 500 * 1.25 + 300 * 5) / 1e6;
    expect(rows.get('bedrock-global-haiku')!.list_cost_usd).toBeCloseTo(anthropic, 12);
    expect(rows.get('bedrock-global-haiku')!.price_provider).toBe('aws-bedrock-global');
    expect(rows.get('bedrock-eu-haiku')!.list_cost_usd).toBeCloseTo(((2_100 * 1 + 14_000 * 0.1 + 3_000 * 1.25 + 650 * 5) / 1e6) * 1.1, 12);
    expect(rows.get('bedrock-eu-haiku')!.price_provider).toBe('aws-bedrock');
  });

  it('prices a model only a reseller sells, and OpenRouter Gemini cache reads at its own rate', () => {
    expect(rows.get('openrouter-deepseek-v3.1')).toMatchObject({ price_status: 'priced' });
    expect(rows.get('openrouter-deepseek-v3.1')!.list_cost_usd).toBeCloseTo((9_000 * 0.21 + 30_000 * 0.13 + 2_500 * 0.79) / 1e6, 12);
    const google = rows.get('google-gemini-flash')!.list_cost_usd!;
    const openrouter = rows.get('openrouter-gemini-flash')!.list_cost_usd!;
    expect(openrouter - google).toBeCloseTo((60_000 * (0.075 - 0.03)) / 1e6, 12);
  });

  it('marks borrowed rows and names the rates they borrowed; others are priced', () => {
    expect(rows.get('bedrock-1h-writes')).toMatchObject({ price_status: 'borrowed', borrowed_rates: 'cache_write_1h' });
    expect(rows.get('openrouter-gpt-4o-cached')).toMatchObject({ price_status: 'borrowed', borrowed_rates: 'cache_read' });
    expect(rows.get('bedrock-us-sonnet')).toMatchObject({ price_status: 'priced', borrowed_rates: null });
    const statuses = new Set([...rows.values()].filter((r) => !['bedrock-1h-writes', 'openrouter-gpt-4o-cached'].includes(r.record_key)).map((r) => r.price_status));
    expect(statuses).toEqual(new Set(['priced']));
  });

  it('counts and names borrowed rows in the summary', async () => {
    const s = await ledger.one<Record<string, unknown>>(sql('summary'), { since: null, until: null, tz: 'UTC' });
    expect(s.borrowed_records).toBe(2);
    expect(s.borrowed_models).toEqual(['claude-sonnet-4-5 on aws-bedrock: cache_write_1h', 'gpt-4o on openrouter: cache_read']);
    expect(s.unpriced_records).toBe(0);
  });
});
