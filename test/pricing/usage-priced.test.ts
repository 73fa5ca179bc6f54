import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { newLedger, priceLedger, writeTemp } from '../helpers.js';

/** Inserts hand-built ledger rows; unspecified buckets are 0. */
async function given(ledger: Ledger, rows: Record<string, unknown>[]): Promise<void> {
  for (const [i, r] of rows.entries()) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, web_search_requests,
         service_tier, context_window, billed_cost_usd)
       VALUES ($key, 'test', 'imp_test', $at::TIMESTAMPTZ, $bucket, $provider, $model, $model, 1, $u, $r, $w5, $w1, $o, $ws, $tier, $ctx, $billed)`,
      {
        key: String(r.key ?? i),
        at: String(r.at ?? '2026-10-15T12:00:00Z'),
        bucket: (r.bucket as string) ?? null,
        provider: String(r.provider ?? 'anthropic'),
        model: String(r.model),
        u: Number(r.u ?? 0),
        r: Number(r.r ?? 0),
        w5: Number(r.w5 ?? 0),
        w1: Number(r.w1 ?? 0),
        o: Number(r.o ?? 0),
        ws: (r.ws as number) ?? null,
        tier: String(r.tier ?? 'standard'),
        ctx: (r.ctx as string) ?? null,
        billed: (r.billed as number) ?? null,
      },
    );
  }
}

async function priced(ledger: Ledger) {
  return ledger.all<{ record_key: string; list_cost_usd: number | null; cost_usd: number | null; price_status: string; is_long_context: boolean }>(
    'SELECT record_key, list_cost_usd, cost_usd, price_status, is_long_context FROM usage_priced ORDER BY record_key',
  );
}

describe('usage_priced', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await given(ledger, [
      // Sonnet 4.5, 1M of each bucket, under the long-context threshold
      { key: 'a-sonnet', model: 'claude-sonnet-4-5', u: 100_000, r: 50_000, w5: 20_000, w1: 10_000, o: 1_000_000 },
      // 250k prompt: the WHOLE request is billed at the long-context rates
      { key: 'b-sonnet-long', model: 'claude-sonnet-4-5', u: 10_000, r: 200_000, w5: 40_000, o: 2_000 },
      // exactly at the threshold: still the base rates
      { key: 'c-sonnet-edge', model: 'claude-sonnet-4-5', u: 200_000, o: 0 },
      // 1h writes at 2x input
      { key: 'd-haiku-1h', model: 'claude-haiku-4-5', w1: 1_000_000 },
      // batch halves, fast mode on Opus 4.6 is 6x
      { key: 'e-haiku-batch', model: 'claude-haiku-4-5', u: 1_000_000, o: 1_000_000, tier: 'batch' },
      { key: 'f-opus-fast', model: 'claude-opus-4-6', u: 1_000_000, tier: 'fast' },
      // unknown model: never $0
      { key: 'g-unknown', model: 'claude-opus-4-9', u: 1_000 },
      // billed cost wins over list for cost_usd
      { key: 'h-billed', model: 'gpt-4.1-mini', provider: 'openai', u: 1_000_000, billed: 0.33 },
      // aggregated bucket in the vendor's 200k-1M context bucket
      { key: 'i-bucket-long', model: 'claude-sonnet-4-5', bucket: '1d', u: 1_000_000, ctx: '200k-1M' },
      // web search requests at $10 per 1000
      { key: 'j-search', model: 'claude-sonnet-4-5', ws: 3 },
      // OpenAI model with no cache-write rate: writes bill as input; cached input at its own rate
      { key: 'k-gpt41', model: 'gpt-4.1', provider: 'openai', r: 1_000_000, w5: 1_000_000 },
      // effective dates: Opus 4.6 at 300k prompt is long-context before 2026-03-13, not after
      { key: 'l-opus-early', model: 'claude-opus-4-6', at: '2026-03-01T00:00:00Z', u: 300_000 },
      { key: 'm-opus-late', model: 'claude-opus-4-6', at: '2026-03-20T00:00:00Z', u: 300_000 },
      // OpenAI flex is half
      { key: 'n-o4-flex', model: 'o4-mini', provider: 'openai', u: 1_000_000, tier: 'flex' },
    ]);
    await priceLedger(ledger);
  });

  it('prices each bucket at its own rate, to the cent', async () => {
    const rows = new Map((await priced(ledger)).map((r) => [r.record_key, r]));
    const cost = (k: string) => rows.get(k)!.list_cost_usd;
    expect(cost('a-sonnet')).toBeCloseTo(0.1 * 3 + 0.05 * 0.3 + 0.02 * 3.75 + 0.01 * 6 + 1 * 15, 10);
    expect(cost('b-sonnet-long')).toBeCloseTo(0.01 * 6 + 0.2 * 0.6 + 0.04 * 7.5 + 0.002 * 22.5, 10);
    expect(rows.get('b-sonnet-long')!.is_long_context).toBe(true);
    expect(cost('c-sonnet-edge')).toBeCloseTo(0.2 * 3, 10);
    expect(cost('d-haiku-1h')).toBeCloseTo(2, 10);
    expect(cost('e-haiku-batch')).toBeCloseTo((1 + 5) * 0.5, 10);
    expect(cost('f-opus-fast')).toBeCloseTo(5 * 6, 10);
    expect(cost('i-bucket-long')).toBeCloseTo(6, 10);
    expect(cost('j-search')).toBeCloseTo(0.03, 10);
    expect(cost('k-gpt41')).toBeCloseTo(0.5 + 2, 10);
    expect(cost('l-opus-early')).toBeCloseTo(0.3 * 10, 10);
    expect(cost('m-opus-late')).toBeCloseTo(0.3 * 5, 10);
    expect(cost('n-o4-flex')).toBeCloseTo(1.1 * 0.5, 10);
  });

  it('never prices an unknown model at $0', async () => {
    const unknown = (await priced(ledger)).find((r) => r.record_key === 'g-unknown')!;
    expect(unknown).toMatchObject({ list_cost_usd: null, cost_usd: null, price_status: 'unpriced' });
  });

  it('uses the billed amount for cost_usd when the source states it', async () => {
    const row = (await priced(ledger)).find((r) => r.record_key === 'h-billed')!;
    expect(row.list_cost_usd).toBeCloseTo(0.4, 10);
    expect(row.cost_usd).toBe(0.33);
  });

  it('counts and names unpriced rows in the summary', async () => {
    const { sql } = await import('../../src/db/sql.js');
    const s = await ledger.one<Record<string, unknown>>(sql('summary'), { since: null, until: null, tz: 'UTC' });
    expect(s.unpriced_records).toBe(1);
    expect(s.unpriced_models).toEqual(['claude-opus-4-9']);
    expect(s.records).toBe(14);
  });
});

describe('price overrides', () => {
  it('applies a negotiated discount and prices a local model at $0', async () => {
    const ledger = await newLedger();
    await given(ledger, [
      { key: 'opus', model: 'claude-opus-4-6', u: 1_000_000, o: 1_000_000 },
      { key: 'local', model: 'llama-3.3-70b-local', provider: 'local', u: 5_000_000, o: 1_000_000 },
    ]);
    const file = writeTemp(
      'prices.yaml',
      'prices:\n  - model: claude-opus-4-6\n    discount_pct: 20\n  - model: llama-3.3-70b-local\n    input_usd_per_mtok: 0\n    output_usd_per_mtok: 0\n',
    );
    await priceLedger(ledger, file);
    const rows = await priced(ledger);
    expect(rows.find((r) => r.record_key === 'opus')).toMatchObject({ price_status: 'override' });
    expect(rows.find((r) => r.record_key === 'opus')!.list_cost_usd).toBeCloseTo((5 + 25) * 0.8, 10);
    expect(rows.find((r) => r.record_key === 'local')).toMatchObject({ list_cost_usd: 0, price_status: 'override' });
  });

  it('reads CSV overrides with effective dates', async () => {
    const ledger = await newLedger();
    await given(ledger, [
      { key: 'before', model: 'gpt-4.1', provider: 'openai', u: 1_000_000, at: '2026-09-30T23:00:00Z' },
      { key: 'after', model: 'gpt-4.1', provider: 'openai', u: 1_000_000, at: '2026-10-01T01:00:00Z' },
    ]);
    const file = writeTemp('prices.csv', 'model,effective_from,input_usd_per_mtok,output_usd_per_mtok\ngpt-4.1-2025-04-14,2026-10-01,1.5,6\n');
    await priceLedger(ledger, file);
    const rows = await priced(ledger);
    expect(rows.find((r) => r.record_key === 'before')!.list_cost_usd).toBeCloseTo(2, 10);
    expect(rows.find((r) => r.record_key === 'after')!.list_cost_usd).toBeCloseTo(1.5, 10);
  });
});
