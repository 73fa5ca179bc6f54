import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
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
  const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}T00:00:00Z`;
  const bucket = { source: 'anthropic-usage-api', bucket: '1d', requests: null };
  beforeAll(async () => {
    ledger = await newLedger();
    // Haiku from the provider's daily export, the 1st to the 8th: $10, 12, 8, 11, 9, (none on the 6th,
    // while Sonnet spent $5), 100, 10 — median $10, MAD $1.50
    const haiku = [10, 12, 8, 11, 9, null, 100, 10];
    await given(ledger, haiku.flatMap((usd, i) => (usd == null ? [] : [{ key: `h${i + 1}`, at: day(i + 1), u: usd * M, ...bucket }])));
    await given(ledger, [{ key: 's6', at: day(6), model: 'claude-sonnet-4-5', u: M * 5 / 3, ...bucket }]);
    // then only request logs (Claude Code), the 9th to the 15th: about $0.10 a day, $5 on the 15th
    const logged = [0.1, 0.12, 0.08, 0.1, 0.11, 0.09, 5];
    await given(ledger, logged.map((usd, i) => ({ key: `r${i + 9}`, source: 'claude-code', at: `2026-10-${i + 9}T10:00:00Z`, u: Math.round(usd * M) })));
    // gpt-4.1-mini: a flat $0.40 on the 3rd-7th, then $4 on the 8th — MAD 0
    await given(ledger, [3, 4, 5, 6, 7, 8].map((d) => ({
      key: `m${d}`, at: day(d), source: 'openai-usage-api', bucket: '1d', provider: 'openai', model: 'gpt-4.1-mini', u: d === 8 ? 10 * M : M,
    })));
    // gpt-4o-mini: $1.50 every day, no spread at all; an unpriced model with a huge day
    await given(ledger, [3, 4, 5, 6, 7, 8].map((d) => ({
      key: `o${d}`, at: day(d), source: 'openai-usage-api', bucket: '1d', provider: 'openai', model: 'gpt-4o-mini', u: 10 * M,
    })));
    await given(ledger, [
      { key: 'x1', at: day(1), model: 'claude-mystery-9', u: 1000, ...bucket },
      { key: 'x8', at: day(8), model: 'claude-mystery-9', u: 1_000 * M, ...bucket },
    ]);
    await priceLedger(ledger);
  });

  it('scores a day only against days of the same coverage, with a dollar floor under the spread', async () => {
    const rows = await query(ledger, 'anomalous_days');
    const haikuScale = 1.4826 * 1.5;
    expect(rounded(rows, 6)).toEqual(
      rounded([
        // Haiku had nothing on the 6th while the provider's other traffic went on: a drop
        { day: '2026-10-06', provider: 'anthropic', model: 'claude-haiku-4-5', coverage: 'aggregate', cost_usd: 0, median_usd: 10, mad_usd: 1.5, scale_usd: haikuScale, robust_z: -10 / haikuScale, excess_usd: -10, days_in_range: 8 },
        { day: '2026-10-07', provider: 'anthropic', model: 'claude-haiku-4-5', coverage: 'aggregate', cost_usd: 100, median_usd: 10, mad_usd: 1.5, scale_usd: haikuScale, robust_z: 90 / haikuScale, excess_usd: 90, days_in_range: 8 },
        // MAD 0: the mean deviation ($0.60 × 1.2533) is under the $1 floor, so z = $3.60 / $1
        { day: '2026-10-08', provider: 'openai', model: 'gpt-4.1-mini', coverage: 'aggregate', cost_usd: 4, median_usd: 0.4, mad_usd: 0, scale_usd: 1, robust_z: 3.6, excess_usd: 3.6, days_in_range: 6 },
        // the request-log days are scored among themselves: $5 against a $0.10 median, the $1 floor
        { day: '2026-10-15', provider: 'anthropic', model: 'claude-haiku-4-5', coverage: 'requests', cost_usd: 5, median_usd: 0.1, mad_usd: 0.01, scale_usd: 1, robust_z: 4.9, excess_usd: 4.9, days_in_range: 7 },
      ], 6),
    );
  });

  it('never returns an infinite score: no spread gives the mean deviation, or z = 0', async () => {
    const rows = await query(ledger, 'anomalous_days', { min_z: '0.5', min_spread_usd: '0' });
    expect(rows.length).toBeGreaterThan(4);
    expect(rows.every((r) => Number.isFinite(r.robust_z as number))).toBe(true);
    // gpt-4.1-mini without the floor: $3.60 / (1.2533 × $0.60); its flat days sit on the median, z = 0
    expect(rounded(rows.filter((r) => r.model === 'gpt-4.1-mini').map((r) => ({ day: r.day, z: r.robust_z })), 4)).toEqual([{ day: '2026-10-08', z: Math.round((3.6 / (1.2533 * 0.6)) * 1e4) / 1e4 }]);
    // a model whose days are all the same, and a model used once, have nothing to flag
    expect(rows.some((r) => r.model === 'gpt-4o-mini' || r.model === 'claude-sonnet-4-5' || r.model === 'claude-mystery-9')).toBe(false);
  });

  it('does not flag a day the provider had no usage at all (a weekend, a gap in the export)', async () => {
    // without Sonnet's $5 on the 6th, the anthropic side is silent that day: $0 counts in Haiku's median, not flagged
    const quiet = await newLedger();
    await given(quiet, [10, 12, 8, 11, 9, 10, 10].map((usd, i) => ({ key: `q${i}`, at: day(i < 5 ? i + 1 : i + 2), u: usd * M, ...bucket })));
    await priceLedger(quiet);
    expect(await query(quiet, 'anomalous_days', { min_spread_usd: '0.1' })).toEqual([]);
    quiet.close();
  });

  it('filters by $min_z and scores only the days of the period', async () => {
    const rows = await query(ledger, 'anomalous_days', { min_z: '20' });
    expect(rows.map((r) => [r.day, r.model])).toEqual([['2026-10-07', 'claude-haiku-4-5']]);
    // from the 8th: one aggregate day per model (nothing to compare), the request days' $5 day still stands out
    expect((await query(ledger, 'anomalous_days', { since: '2026-10-08' })).map((r) => [r.day, r.model, r.coverage])).toEqual([
      ['2026-10-15', 'claude-haiku-4-5', 'requests'],
    ]);
  });
});
