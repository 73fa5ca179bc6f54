import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { newLedger, priceLedger } from '../helpers.js';

// usage_counted's two-sides rule, given ledger rows → expected counted rows. Rates (bundled catalog,
// October 2026, per million tokens): claude-haiku-4-5 input $1, cache read $0.10, output $5;
// claude-sonnet-4-5 input $3, output $15.

interface Given {
  source: string;
  key: string;
  at: string;
  bucket?: string; // set: an aggregate row
  model?: string;
  requests?: number;
  input?: number;
  read?: number;
  output?: number;
  billed?: number;
}

async function ledgerOf(rows: Given[]): Promise<Ledger> {
  const ledger = await newLedger();
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests,
                          input_tokens, cache_read_tokens, output_tokens, billed_cost_usd)
       VALUES ($key, $source, 'imp', $at::TIMESTAMPTZ, $bucket, 'anthropic', $model, $model, $requests, $input, $read, $output, $billed)`,
      {
        key: r.key, source: r.source, at: r.at, bucket: r.bucket ?? null, model: r.model ?? 'claude-haiku-4-5',
        requests: r.requests ?? 1, input: r.input ?? 0, read: r.read ?? 0, output: r.output ?? 0, billed: r.billed ?? null,
      },
    );
  }
  await priceLedger(ledger);
  return ledger;
}

async function counted(ledger: Ledger) {
  const rows = await ledger.all<Record<string, unknown>>(
    `SELECT source, record_key AS key, model, requests, input_tokens AS input, cache_read_tokens AS read, output_tokens AS output,
            prompt_tokens AS prompt, round(list_cost_usd, 9) AS list_usd, round(cost_usd, 9) AS cost_usd
     FROM usage_counted ORDER BY source, record_key`,
  );
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

const day = '2026-10-20';
const req = (key: string, input: number, output: number, extra: Partial<Given> = {}): Given => ({ source: 'litellm', key, at: `${day}T09:00:00Z`, input, output, ...extra });
const agg = (key: string, input: number, output: number, extra: Partial<Given> = {}): Given => ({ source: 'anthropic-usage-api', key, at: `${day}T00:00:00Z`, bucket: '1d', input, output, ...extra });

describe('usage_counted: request logs count, a provider aggregate adds only what they leave out', () => {
  it('counts an aggregate whole when no request row shares its provider, day and model', async () => {
    const ledger = await ledgerOf([agg('d', 2_000_000, 100_000, { requests: 40 })]);
    expect(await counted(ledger)).toEqual([
      { source: 'anthropic-usage-api', key: 'd', model: 'claude-haiku-4-5', requests: 40, input: 2_000_000, read: 0, output: 100_000, prompt: 2_000_000, list_usd: 2.5, cost_usd: 2.5 },
    ]);
  });

  it('counts request rows as they are when no aggregate covers the day', async () => {
    const ledger = await ledgerOf([req('r1', 1_000_000, 0), req('r2', 0, 200_000)]);
    expect((await counted(ledger)).map((r) => [r.key, r.cost_usd])).toEqual([['r1', 1], ['r2', 1]]);
  });

  it('leaves an aggregate out when the request rows account for all of it', async () => {
    const ledger = await ledgerOf([req('r1', 1_000_000, 50_000), req('r2', 500_000, 50_000), agg('d', 1_500_000, 100_000, { requests: 2 })]);
    expect((await counted(ledger)).map((r) => r.key)).toEqual(['r1', 'r2']);
  });

  it('adds the rest of a larger aggregate as a row of its own source, priced at its rates', async () => {
    const ledger = await ledgerOf([
      req('r1', 1_000_000, 100_000, { read: 4_000_000 }),
      req('r2', 1_000_000, 50_000),
      agg('d', 3_000_000, 200_000, { read: 5_000_000, requests: 5 }),
    ]);
    expect(await counted(ledger)).toEqual([
      // 1M input × $1 + 1M cache read × $0.10 + 50K output × $5
      { source: 'anthropic-usage-api', key: 'd', model: 'claude-haiku-4-5', requests: 3, input: 1_000_000, read: 1_000_000, output: 50_000, prompt: 2_000_000, list_usd: 1.35, cost_usd: 1.35 },
      { source: 'litellm', key: 'r1', model: 'claude-haiku-4-5', requests: 1, input: 1_000_000, read: 4_000_000, output: 100_000, prompt: 5_000_000, list_usd: 1.9, cost_usd: 1.9 },
      { source: 'litellm', key: 'r2', model: 'claude-haiku-4-5', requests: 1, input: 1_000_000, read: 0, output: 50_000, prompt: 1_000_000, list_usd: 1.25, cost_usd: 1.25 },
    ]);
    const [{ total }] = await ledger.all<{ total: number }>('SELECT round(sum(cost_usd), 9) AS total FROM usage_counted');
    expect(total).toBe(4.5); // what the aggregate alone prices to: never counted twice
    // recount summary: the aggregate counts in part; what the logs already hold is not counted again
    const views = await ledger.all<{ source: string; records: bigint; counted_records: bigint; cost_usd: number; not_counted_cost_usd: number }>(
      sql('counted_views'), { since: null, until: null, tz: 'UTC' });
    expect(views.map((v) => [v.source, Number(v.records), Number(v.counted_records), v.cost_usd, v.not_counted_cost_usd])).toEqual([
      ['anthropic-usage-api', 1, 1, 4.5, 3.15],
      ['litellm', 2, 2, 3.15, 0],
    ]);
  });

  it('floors a bucket at zero where the logs hold more than the aggregate', async () => {
    const ledger = await ledgerOf([req('r1', 2_000_000, 100_000, { requests: 1 }), agg('d', 1_500_000, 300_000, { requests: 1 })]);
    const rows = await counted(ledger);
    expect(rows[0]).toEqual({ source: 'anthropic-usage-api', key: 'd', model: 'claude-haiku-4-5', requests: 0, input: 0, read: 0, output: 200_000, prompt: 0, list_usd: 1, cost_usd: 1 });
  });

  it('matches models by canonical id: another model\'s aggregate counts whole', async () => {
    const ledger = await ledgerOf([
      req('r1', 1_000_000, 0),
      agg('d-haiku', 1_200_000, 0),
      agg('d-sonnet', 1_000_000, 100_000, { model: 'claude-sonnet-4-5' }),
    ]);
    expect((await counted(ledger)).map((r) => [r.key, r.model, r.input, r.output, r.cost_usd])).toEqual([
      ['d-haiku', 'claude-haiku-4-5', 200_000, 0, 0.2],
      ['d-sonnet', 'claude-sonnet-4-5', 1_000_000, 100_000, 4.5],
      ['r1', 'claude-haiku-4-5', 1_000_000, 0, 1],
    ]);
  });

  it('takes the logged tokens from several buckets of one model in time order', async () => {
    const ledger = await ledgerOf([
      req('r1', 1_500_000, 0),
      agg('h09', 1_000_000, 0, { at: `${day}T09:00:00Z`, bucket: '1h' }),
      agg('h10', 1_000_000, 0, { at: `${day}T10:00:00Z`, bucket: '1h' }),
    ]);
    expect((await counted(ledger)).map((r) => [r.key, r.input])).toEqual([['h10', 500_000], ['r1', 1_500_000]]);
  });

  it('scales a billed cost by the remainder\'s share of the row\'s list cost', async () => {
    const ledger = await ledgerOf([req('r1', 1_000_000, 0), agg('d', 2_000_000, 200_000, { billed: 2.4 })]); // list $3
    const [row] = await counted(ledger);
    expect(row).toMatchObject({ key: 'd', input: 1_000_000, output: 200_000, list_usd: 2, cost_usd: 1.6 });
  });

  it('counts one aggregate source per provider and day (the most complete pull)', async () => {
    const ledger = await ledgerOf([
      req('r1', 1_000_000, 0),
      agg('api', 1_100_000, 0),
      { ...agg('csv', 1_050_000, 0), source: 'anthropic-console-csv' },
    ]);
    expect((await counted(ledger)).map((r) => [r.source, r.key, r.input])).toEqual([
      ['anthropic-usage-api', 'api', 100_000],
      ['litellm', 'r1', 1_000_000],
    ]);
  });

  it('keeps every row in usage_priced', async () => {
    const ledger = await ledgerOf([req('r1', 1_000_000, 0), agg('d', 1_000_000, 0)]);
    const [{ n }] = await ledger.all<{ n: bigint }>('SELECT count(*) AS n FROM usage_priced');
    expect(Number(n)).toBe(2);
    expect((await counted(ledger)).map((r) => r.key)).toEqual(['r1']);
  });
});
