import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

/** A request row with a task label; 1M uncached input tokens cost the model's input rate. */
async function given(ledger: Ledger, key: string, model: string, taskType: string | null, tier: number | null, inputTokens: number, source = 'claude-code') {
  await ledger.run(
    `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, task_type, tier)
     VALUES ($key, $source, 'imp', TIMESTAMPTZ '2026-10-02 10:00:00+00', 'anthropic', $model, $model, 1, $input, $task_type, $tier)`,
    { key, source, model, input: inputTokens, task_type: taskType, tier },
  );
}

describe('task-type queries', () => {
  async function ledgerWithLabels() {
    const ledger = await newLedger();
    await given(ledger, 'a', 'claude-opus-4-6', 'file_navigation', 1, 1_000_000); // $5
    await given(ledger, 'b', 'claude-opus-4-6', 'file_navigation', 1, 1_000_000); // $5
    await given(ledger, 'c', 'claude-opus-4-6', 'architecture', 3, 2_000_000); // $10
    await given(ledger, 'd', 'claude-haiku-4-5', 'search', 1, 5_000_000); // $5
    await given(ledger, 'e', 'claude-haiku-4-5', null, null, 5_000_000, 'litellm'); // $5, unclassified
    await priceLedger(ledger);
    return ledger;
  }

  it('spend_by_task_type: dollars and share per task type and tier', async () => {
    const rows = await runNamedQuery(await ledgerWithLabels(), 'spend_by_task_type');
    expect(rows.map((r) => [r.task_type, r.tier, r.records, r.cost_usd, r.share_of_cost])).toEqual([
      ['architecture', 3, 1, 10, 10 / 30],
      ['file_navigation', 1, 2, 10, 10 / 30],
      ['search', 1, 1, 5, 5 / 30],
      ['unclassified', null, 1, 5, 5 / 30],
    ]);
  });

  it('model_tier_mix: the top model and the tier-1 share of its calls', async () => {
    const [top, next] = await runNamedQuery(await ledgerWithLabels(), 'model_tier_mix');
    expect(top).toMatchObject({ model: 'claude-opus-4-6', cost_usd: 20, total_cost_usd: 30, requests: 3, tier1_requests: 2, tier1_cost_usd: 10, tier1_task_types: ['file_navigation'] });
    expect(top.share_of_spend).toBeCloseTo(2 / 3, 12);
    expect(top.tier1_request_share).toBeCloseTo(2 / 3, 12);
    expect(next).toMatchObject({ model: 'claude-haiku-4-5', cost_usd: 10, tier1_requests: 1 });
  });

  it('classification_coverage: the share of spend the rules label, overall and per source', async () => {
    const rows = await runNamedQuery(await ledgerWithLabels(), 'classification_coverage');
    expect(rows).toEqual([
      { source: '(all)', records: 5, classified_records: 4, cost_usd: 30, classified_cost_usd: 25, coverage_share: 25 / 30 },
      { source: 'claude-code', records: 4, classified_records: 4, cost_usd: 25, classified_cost_usd: 25, coverage_share: 1 },
      { source: 'litellm', records: 1, classified_records: 0, cost_usd: 5, classified_cost_usd: 0, coverage_share: 0 },
    ]);
  });
});
