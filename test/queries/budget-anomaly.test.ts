import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/ledger/ledger.js';
import { bindParams, readQuery } from '../../src/ledger/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

/** One hand-built ledger row; Claude Haiku 4.5 ($1/M input, $5/M output) unless said otherwise. */
interface Given {
  key: string;
  source?: string;
  at: string;
  bucket?: string | null;
  provider?: string;
  model?: string;
  requests?: number | null;
  u?: number;
  o?: number;
  project?: string | null;
  apiKey?: string | null;
}

async function given(ledger: Ledger, rows: Given[]): Promise<void> {
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests,
         input_tokens, output_tokens, service_tier, project, api_key)
       VALUES ($key, $source, 'imp_test', $at::TIMESTAMPTZ, $bucket, $provider, $model, $model, $requests,
         $u, $o, 'standard', $project, $api_key)`,
      {
        key: r.key,
        source: r.source ?? 'litellm',
        at: r.at,
        bucket: r.bucket ?? null,
        provider: r.provider ?? 'anthropic',
        model: r.model ?? 'claude-haiku-4-5',
        requests: r.requests === undefined ? 1 : r.requests,
        u: r.u ?? 0,
        o: r.o ?? 0,
        project: r.project ?? null,
        api_key: r.apiKey ?? null,
      },
    );
  }
}

/** Runs a named query the way `recount query NAME --param k=v` does (string values, header defaults). */
async function query(ledger: Ledger, name: string, params: Record<string, string> = {}): Promise<Row[]> {
  const q = readQuery(name);
  return ledger.all(q.sql, bindParams(q, params));
}

/** Rounds non-integer numbers so whole rows compare exactly. */
function rounded(rows: Row[], digits = 9): Row[] {
  const f = 10 ** digits;
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Math.round(v * f) / f : v])),
  );
}

const M = 1_000_000;

describe('budget_audit', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await given(ledger, [
      // 2026-10-20, request log: key k1 (project p1) runs $1, $2, (unpriced), $5 → $8 crosses a $5 cap at 10:00, then $1, $1
      { key: 'b1', at: '2026-10-20T08:00:00Z', u: M, apiKey: 'k1', project: 'p1' },
      { key: 'k2', at: '2026-10-20T08:30:00Z', u: 4 * M, apiKey: 'k2', project: 'p2' }, // $4: under the cap
      { key: 'k3', at: '2026-10-20T08:45:00Z', u: 5 * M, apiKey: 'k3', project: 'p2' }, // exactly $5: not over it
      { key: 'b2', at: '2026-10-20T09:00:00Z', u: 2 * M, apiKey: 'k1', project: 'p1' },
      { key: 'bu', at: '2026-10-20T09:30:00Z', model: 'claude-mystery-9', u: 1000, apiKey: 'k1', project: 'p1' }, // unpriced
      { key: 'b3', at: '2026-10-20T10:00:00Z', o: M, apiKey: 'k1', project: 'p1' },
      { key: 'b4', at: '2026-10-20T11:00:00Z', u: M, apiKey: 'k1', project: 'p1' },
      { key: 'b5', at: '2026-10-20T12:00:00Z', u: M, apiKey: 'k1', project: 'p1' },
      // no key: $3 + $3
      { key: 'n1', at: '2026-10-20T13:00:00Z', u: 3 * M, project: 'p1' },
      { key: 'n2', at: '2026-10-20T14:00:00Z', u: 3 * M, project: 'p1' },
      // 2026-10-21: the provider's daily buckets, no request counts: $7 of Haiku and $3 of Sonnet for k1
      { key: 'd21', source: 'anthropic-usage-api', at: '2026-10-21T00:00:00Z', bucket: '1d', requests: null, u: 7 * M, apiKey: 'k1', project: 'p1' },
      { key: 'd21s', source: 'anthropic-usage-api', at: '2026-10-21T00:00:00Z', bucket: '1d', requests: null, model: 'claude-sonnet-4-5', u: M, apiKey: 'k1', project: 'p1' },
    ]);
    await priceLedger(ledger);
  });

  it('finds the request that tripped each key over its daily cap', async () => {
    const rows = await query(ledger, 'budget_audit', { cap_usd: '5' });
    expect(rounded(rows)).toEqual([
      {
        per: 'api_key', provider: 'anthropic', budget_key: 'k1', day: '2026-10-20', cap_usd: 5, cost_usd: 10, over_cap_usd: 5,
        tripped_at: new Date('2026-10-20T10:00:00Z'), trip_resolution: 'request', spend_at_trip_usd: 8,
        requests_after_trip: 2, cost_after_trip_usd: 2, records: 6, requests: 6,
      },
      {
        per: 'api_key', provider: 'anthropic', budget_key: '(no api_key)', day: '2026-10-20', cap_usd: 5, cost_usd: 6, over_cap_usd: 1,
        tripped_at: new Date('2026-10-20T14:00:00Z'), trip_resolution: 'request', spend_at_trip_usd: 6,
        requests_after_trip: 0, cost_after_trip_usd: 0, records: 2, requests: 2,
      },
      // aggregate buckets: only the day (the buckets' start) is known; buckets of one instant add up together
      {
        per: 'api_key', provider: 'anthropic', budget_key: 'k1', day: '2026-10-21', cap_usd: 5, cost_usd: 10, over_cap_usd: 5,
        tripped_at: new Date('2026-10-21T00:00:00Z'), trip_resolution: '1d', spend_at_trip_usd: 10,
        requests_after_trip: 0, cost_after_trip_usd: 0, records: 2, requests: 0,
      },
    ]);
  });

  it('audits projects across providers with per = project', async () => {
    const rows = await query(ledger, 'budget_audit', { cap_usd: '5', per: 'project' });
    expect(rounded(rows).map((r) => [r.per, r.provider, r.budget_key, r.day, r.cost_usd, r.over_cap_usd, r.tripped_at, r.requests_after_trip, r.cost_after_trip_usd])).toEqual([
      ['project', null, 'p1', '2026-10-20', 16, 11, new Date('2026-10-20T10:00:00Z'), 4, 8],
      ['project', null, 'p2', '2026-10-20', 9, 4, new Date('2026-10-20T08:45:00Z'), 0, 0],
      ['project', null, 'p1', '2026-10-21', 10, 5, new Date('2026-10-21T00:00:00Z'), 0, 0],
    ]);
  });

  it('counts spend per local day in $tz; a provider daily bucket keeps its UTC date', async () => {
    // in Los Angeles (UTC-7) the requests stay on the 20th, while the 21st's daily buckets are a UTC
    // day's total that cannot be split: they stay on the 21st rather than landing on the evening before
    const rows = await query(ledger, 'budget_audit', { cap_usd: '5', tz: 'America/Los_Angeles' });
    expect(rounded(rows).map((r) => [r.budget_key, r.day, r.cost_usd, r.over_cap_usd, r.tripped_at, r.requests_after_trip, r.cost_after_trip_usd, r.records])).toEqual([
      ['k1', '2026-10-20', 10, 5, new Date('2026-10-20T10:00:00Z'), 2, 2, 6],
      ['(no api_key)', '2026-10-20', 6, 1, new Date('2026-10-20T14:00:00Z'), 0, 0, 2],
      ['k1', '2026-10-21', 10, 5, new Date('2026-10-21T00:00:00Z'), 0, 0, 2],
    ]);
  });

  it('returns nothing under a high cap; needs a cap and a known per', async () => {
    expect(await query(ledger, 'budget_audit', { cap_usd: '100' })).toEqual([]);
    await expect(query(ledger, 'budget_audit')).rejects.toThrow("needs --param cap_usd");
    await expect(query(ledger, 'budget_audit', { cap_usd: '5', per: 'user' })).rejects.toThrow("per must be 'api_key' or 'project'");
  });
});

describe('anomalous_days', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    const day = (d: number) => `2026-10-0${d}T00:00:00Z`;
    const bucket = { source: 'anthropic-usage-api', bucket: '1d', requests: null };
    // Haiku: $1.0, 1.2, 0.8, 1.1, 0.9, (nothing on the 6th), 10, 1.0 — median $1, MAD $0.15
    const haiku = [1, 1.2, 0.8, 1.1, 0.9, null, 10, 1];
    await given(ledger, haiku.flatMap((usd, i) => (usd == null ? [] : [{ key: `h${i + 1}`, at: day(i + 1), u: Math.round(usd * M), ...bucket }])));
    // gpt-4.1-mini: a flat $0.40 on the 3rd-7th, then $4 on the 8th — MAD 0
    await given(ledger, [3, 4, 5, 6, 7, 8].map((d) => ({
      key: `m${d}`, at: day(d), source: 'openai-usage-api', bucket: '1d', provider: 'openai', model: 'gpt-4.1-mini', u: d === 8 ? 10 * M : M,
    })));
    // a model used on one day only, and an unpriced model with a huge day: nothing to flag
    await given(ledger, [
      { key: 's4', at: day(4), model: 'claude-sonnet-4-5', u: 100_000, ...bucket },
      { key: 'x1', at: day(1), model: 'claude-mystery-9', u: 1000, ...bucket },
      { key: 'x8', at: day(8), model: 'claude-mystery-9', u: 1_000 * M, ...bucket },
    ]);
    await priceLedger(ledger);
  });

  it('flags spikes and drops by robust z-score, counting a day without spend as $0', async () => {
    const rows = await query(ledger, 'anomalous_days');
    const scale = 1.4826 * 0.15;
    expect(rounded(rows, 6)).toEqual(
      rounded([
        // the 6th had no Haiku spend at all: a drop, |z| ≈ 4.5
        { day: '2026-10-06', provider: 'anthropic', model: 'claude-haiku-4-5', cost_usd: 0, median_usd: 1, mad_usd: 0.15, robust_z: -1 / scale, excess_usd: -1, days_in_range: 8 },
        { day: '2026-10-07', provider: 'anthropic', model: 'claude-haiku-4-5', cost_usd: 10, median_usd: 1, mad_usd: 0.15, robust_z: 9 / scale, excess_usd: 9, days_in_range: 8 },
        // MAD = 0: any day off the median is infinitely far out
        { day: '2026-10-08', provider: 'openai', model: 'gpt-4.1-mini', cost_usd: 4, median_usd: 0.4, mad_usd: 0, robust_z: Infinity, excess_usd: 3.6, days_in_range: 6 },
      ], 6),
    );
  });

  it('filters by $min_z; infinite scores always pass', async () => {
    const rows = await query(ledger, 'anomalous_days', { min_z: '50' });
    expect(rows.map((r) => [r.day, r.model, r.robust_z])).toEqual([['2026-10-08', 'gpt-4.1-mini', Infinity]]);
    const loose = await query(ledger, 'anomalous_days', { min_z: '0.5' });
    // the flat days of the MAD-0 model sit on the median (z = 0) and are never flagged
    expect(loose.filter((r) => r.model === 'gpt-4.1-mini').map((r) => r.day)).toEqual(['2026-10-08']);
    expect(loose.some((r) => r.model === 'claude-sonnet-4-5' || r.model === 'claude-mystery-9')).toBe(false);
  });

  it('scores only the days of the period', async () => {
    // from the 7th: two days per model, a z of ±0.67 at most
    expect(await query(ledger, 'anomalous_days', { since: '2026-10-07' })).toEqual([]);
  });
});
