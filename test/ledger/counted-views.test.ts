import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { newLedger, priceLedger } from '../helpers.js';

/** One ledger row; bucket_width set makes it an aggregate row. */
async function row(ledger: Ledger, source: string, key: string, at: string, bucket: string | null, provider: string, model: string, input: number) {
  await ledger.run(
    `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests, input_tokens)
     VALUES ($key, $source, 'imp', $at::TIMESTAMPTZ, $bucket, $provider, $model, $model, 1, $input)`,
    { key, source, at, bucket, provider, model, input },
  );
}

describe('request logs count, a provider aggregate adds what they leave out', () => {
  it('counts the request logs and only the remainder of the provider aggregate, never both', async () => {
    const ledger = await newLedger();
    // Oct 20: a gateway logged two requests AND the provider's daily bucket covers the same traffic
    await row(ledger, 'litellm', 'r1', '2026-10-20T09:00:00Z', null, 'anthropic', 'claude-haiku-4-5', 1_000_000);
    await row(ledger, 'litellm', 'r2', '2026-10-20T10:00:00Z', null, 'anthropic', 'claude-haiku-4-5', 1_000_000);
    await row(ledger, 'anthropic-usage-api', 'd20', '2026-10-20T00:00:00Z', '1d', 'anthropic', 'claude-haiku-4-5', 2_100_000);
    // Oct 21: only the gateway's log
    await row(ledger, 'litellm', 'r3', '2026-10-21T09:00:00Z', null, 'anthropic', 'claude-haiku-4-5', 1_000_000);
    // OpenAI Oct 20: the same day pulled through the API and downloaded as CSV: one of them counts
    await row(ledger, 'openai-usage-api', 'o-api', '2026-10-20T00:00:00Z', '1d', 'openai', 'gpt-4.1-mini', 5_000_000);
    await row(ledger, 'openai-usage-csv', 'o-csv', '2026-10-20T00:00:00Z', '1d', 'openai', 'gpt-4.1-mini', 4_900_000);
    await priceLedger(ledger);

    const counted = await ledger.all('SELECT source, record_key FROM usage_counted ORDER BY source, record_key');
    expect(counted).toEqual([
      { source: 'anthropic-usage-api', record_key: 'd20' }, // its remainder: 100K input no log shows
      { source: 'litellm', record_key: 'r1' },
      { source: 'litellm', record_key: 'r2' },
      { source: 'litellm', record_key: 'r3' },
      { source: 'openai-usage-api', record_key: 'o-api' }, // the more complete pull of the day
    ]);
    const s = await ledger.one<{ input_tokens: number }>(sql('summary'), { since: null, until: null, tz: 'UTC' });
    expect(s.input_tokens).toBe(2_000_000 + 100_000 + 1_000_000 + 5_000_000);

    const views = await ledger.all(sql('counted_views'), { since: null, until: null, tz: 'UTC' });
    expect(views.map((v) => [v.provider, v.source, v.role, v.records, v.counted_records])).toEqual([
      ['anthropic', 'anthropic-usage-api', 'aggregate', 1, 1],
      ['anthropic', 'litellm', 'requests', 3, 3],
      ['openai', 'openai-usage-api', 'aggregate', 1, 1],
      ['openai', 'openai-usage-csv', 'aggregate', 1, 0],
    ]);
  });

  it('sums several request logs of one provider (different apps, different keys)', async () => {
    const ledger = await newLedger();
    await row(ledger, 'claude-code', 'm1', '2026-10-20T09:00:00Z', null, 'anthropic', 'claude-opus-4-6', 10);
    await row(ledger, 'litellm', 'r1', '2026-10-20T09:00:00Z', null, 'anthropic', 'claude-haiku-4-5', 20);
    await priceLedger(ledger);
    expect((await ledger.one<{ n: number }>('SELECT count(*) AS n FROM usage_counted')).n).toBe(2);
  });
});
