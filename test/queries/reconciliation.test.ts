import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

/** One hand-built usage row (an aggregate daily bucket unless bucket is null). */
interface Usage {
  key: string;
  source?: string;
  day: string;
  bucket?: string | null;
  provider?: string;
  model: string;
  u?: number;
  r?: number;
  o?: number;
  ws?: number | null;
  tier?: string;
  ctx?: string | null;
}

async function usage(ledger: Ledger, rows: Usage[]): Promise<void> {
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests,
         input_tokens, cache_read_tokens, output_tokens, web_search_requests, service_tier, context_window)
       VALUES ($key, $source, 'imp_test', $at::TIMESTAMPTZ, $bucket, $provider, $model, $model, NULL, $u, $r, $o, $ws, $tier, $ctx)`,
      {
        key: r.key,
        source: r.source ?? (r.provider === 'openai' ? 'openai-usage-api' : 'anthropic-usage-api'),
        at: r.bucket === null ? `${r.day}T10:00:00Z` : `${r.day}T00:00:00Z`,
        bucket: r.bucket === undefined ? '1d' : r.bucket,
        provider: r.provider ?? 'anthropic',
        model: r.model,
        u: r.u ?? 0,
        r: r.r ?? 0,
        o: r.o ?? 0,
        ws: r.ws ?? null,
        tier: r.tier ?? 'standard',
        ctx: r.ctx ?? null,
      },
    );
  }
}

/** One hand-built invoice line. */
interface Invoice {
  source?: string;
  day: string;
  provider?: string;
  model: string;
  type: string;
  usd: number;
  tier?: string;
  ctx?: string | null;
}

async function invoices(ledger: Ledger, lines: Invoice[]): Promise<void> {
  for (const [i, l] of lines.entries()) {
    await ledger.run(
      `INSERT INTO invoice_lines (record_key, source, import_id, usage_date, provider, model, model_raw, line_item, token_type,
         cost_type, service_tier, context_window, amount_usd)
       VALUES ($key, $source, 'imp_test', $day::DATE, $provider, $model, $model, $type, $type, $cost_type, $tier, $ctx, $usd)`,
      {
        key: `inv${i}`,
        source: l.source ?? (l.provider === 'openai' ? 'openai-costs-api' : 'anthropic-cost-api'),
        day: l.day,
        provider: l.provider ?? 'anthropic',
        model: l.model,
        type: l.type,
        cost_type: l.type === 'web_search' ? 'web_search' : 'tokens',
        tier: l.tier ?? 'standard',
        ctx: l.ctx ?? null,
        usd: l.usd,
      },
    );
  }
}

/** Runs a named query the way `recount query NAME --param k=v` does (string values, header defaults). */
async function query(ledger: Ledger, name: string, params: Record<string, string> = {}): Promise<Row[]> {
  const q = readQuery(name);
  return ledger.all(q.sql, bindParams(q, params));
}

function rounded(rows: Row[], digits = 9): Row[] {
  const f = 10 ** digits;
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Math.round(v * f) / f : v])),
  );
}

const M = 1_000_000;
const cols = ['usage_date', 'provider', 'model', 'token_type', 'invoice_source', 'invoiced_usd', 'priced_usd', 'gap_usd', 'gap_pct', 'usage_quantity', 'quantity_unit', 'likely_reason'];
const row = (...v: unknown[]) => Object.fromEntries(cols.map((c, i) => [c, v[i]]));

describe('reconciliation', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await usage(ledger, [
      // 10-05 Anthropic usage report: Haiku $1 input + $0.10 cache read + $5 output, Sonnet $3 input + 10 web searches ($0.10),
      // and a model the catalog does not know
      { key: 'h5', day: '2026-10-05', model: 'claude-haiku-4-5', u: M, r: M, o: M },
      { key: 's5', day: '2026-10-05', model: 'claude-sonnet-4-5', u: M, ws: 10 },
      { key: 'x5', day: '2026-10-05', model: 'claude-mystery-9', u: M },
      // the same day seen by Claude Code: counted, and h5 adds only the rest (usage_counted), so the totals stay
      { key: 'cc5', source: 'claude-code', day: '2026-10-05', bucket: null, model: 'claude-haiku-4-5', u: M },
      // 10-06 OpenAI: gpt-4.1-mini at standard ($0.40 in, $1.60 out), gpt-4.1 on the priority tier ($2 at standard rates)
      { key: 'm6', day: '2026-10-06', provider: 'openai', model: 'gpt-4.1-mini', u: M, o: M },
      { key: 'g6', day: '2026-10-06', provider: 'openai', model: 'gpt-4.1', u: M, tier: 'priority' },
      // 10-07: Sonnet in the 200k-1M context bucket ($6/M), Haiku $5 output
      { key: 's7', day: '2026-10-07', model: 'claude-sonnet-4-5', u: M, ctx: '200k-1M' },
      { key: 'h7', day: '2026-10-07', model: 'claude-haiku-4-5', o: M },
      // 10-08: Haiku $1; 10-09: usage without any invoice — not compared
      { key: 'h8', day: '2026-10-08', model: 'claude-haiku-4-5', u: M },
      { key: 'h9', day: '2026-10-09', model: 'claude-haiku-4-5', u: M },
    ]);
    await invoices(ledger, [
      { day: '2026-10-05', model: 'claude-haiku-4-5', type: 'input', usd: 1 },
      { day: '2026-10-05', model: 'claude-haiku-4-5', type: 'output', usd: 5.004 }, // no cache_read line
      { day: '2026-10-05', model: 'claude-sonnet-4-5', type: 'input', usd: 3 },
      { day: '2026-10-05', model: 'claude-sonnet-4-5', type: 'web_search', usd: 0.12 },
      { day: '2026-10-05', model: 'claude-mystery-9', type: 'input', usd: 2.5 },
      { day: '2026-10-05', model: 'claude-opus-4-6', type: 'input', usd: 0.75 }, // no Opus usage that day
      // the cost export bills the mini's input as batch; the usage export did not mark it
      { day: '2026-10-06', provider: 'openai', model: 'gpt-4.1-mini', type: 'input', usd: 0.2, tier: 'batch' },
      { day: '2026-10-06', provider: 'openai', model: 'gpt-4.1-mini', type: 'output', usd: 1.6 },
      { day: '2026-10-06', provider: 'openai', model: 'gpt-4.1', type: 'input', usd: 3.5 },
      { day: '2026-10-07', model: 'claude-sonnet-4-5', type: 'input', usd: 6.6, ctx: '200k-1M' },
      { day: '2026-10-07', model: 'claude-haiku-4-5', type: 'output', usd: 6 },
      // the console CSV also covers 10-07 but with a smaller total ($5 < $12.60): the cost API counts
      { source: 'anthropic-cost-csv', day: '2026-10-07', model: 'claude-haiku-4-5', type: 'output', usd: 5 },
      // 10-08: a partial API pull ($0.50) and the full console CSV ($1): the CSV counts
      { day: '2026-10-08', model: 'claude-haiku-4-5', type: 'input', usd: 0.5 },
      { source: 'anthropic-cost-csv', day: '2026-10-08', model: 'claude-haiku-4-5', type: 'input', usd: 1 },
    ]);
    await priceLedger(ledger);
  });

  it('compares every invoiced bucket with its priced usage and names the likely reason', async () => {
    const rows = await query(ledger, 'reconciliation');
    expect(rounded(rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]]))))).toEqual(
      rounded([
        row('2026-10-05', 'anthropic', 'claude-haiku-4-5', 'input', 'anthropic-cost-api', 1, 1, 0, 0, M, 'tokens', 'rounding'),
        row('2026-10-05', 'anthropic', 'claude-haiku-4-5', 'cache_read', 'anthropic-cost-api', 0, 0.1, -0.1, null, M, 'tokens', 'missing invoice lines'),
        row('2026-10-05', 'anthropic', 'claude-haiku-4-5', 'output', 'anthropic-cost-api', 5.004, 5, 0.004, (0.004 / 5.004) * 100, M, 'tokens', 'rounding'),
        row('2026-10-05', 'anthropic', 'claude-mystery-9', 'input', 'anthropic-cost-api', 2.5, null, null, null, M, 'tokens', 'unpriced model'),
        row('2026-10-05', 'anthropic', 'claude-opus-4-6', 'input', 'anthropic-cost-api', 0.75, 0, 0.75, 100, 0, 'tokens', 'missing usage rows'),
        row('2026-10-05', 'anthropic', 'claude-sonnet-4-5', 'input', 'anthropic-cost-api', 3, 3, 0, 0, M, 'tokens', 'rounding'),
        row('2026-10-05', 'anthropic', 'claude-sonnet-4-5', 'web_search', 'anthropic-cost-api', 0.12, 0.1, 0.02, (0.02 / 0.12) * 100, 10, 'requests', 'web search charges'),
        row('2026-10-06', 'openai', 'gpt-4.1', 'input', 'openai-costs-api', 3.5, 2, 1.5, (1.5 / 3.5) * 100, M, 'tokens', 'priority tier'),
        row('2026-10-06', 'openai', 'gpt-4.1-mini', 'input', 'openai-costs-api', 0.2, 0.4, -0.2, -100, M, 'tokens', 'batch discount'),
        row('2026-10-06', 'openai', 'gpt-4.1-mini', 'output', 'openai-costs-api', 1.6, 1.6, 0, 0, M, 'tokens', 'rounding'),
        row('2026-10-07', 'anthropic', 'claude-haiku-4-5', 'output', 'anthropic-cost-api', 6, 5, 1, (1 / 6) * 100, M, 'tokens', 'unexplained'),
        row('2026-10-07', 'anthropic', 'claude-sonnet-4-5', 'input', 'anthropic-cost-api', 6.6, 6, 0.6, (0.6 / 6.6) * 100, M, 'tokens', 'long-context tier'),
        row('2026-10-08', 'anthropic', 'claude-haiku-4-5', 'input', 'anthropic-cost-csv', 1, 1, 0, 0, M, 'tokens', 'rounding'),
      ]),
    );
  });

  it('drops gaps under $min_gap_usd but never an unknown gap', async () => {
    const rows = await query(ledger, 'reconciliation', { min_gap_usd: '0.5' });
    expect(rows.map((r) => [r.usage_date, r.model, r.token_type, r.likely_reason])).toEqual([
      ['2026-10-05', 'claude-mystery-9', 'input', 'unpriced model'],
      ['2026-10-05', 'claude-opus-4-6', 'input', 'missing usage rows'],
      ['2026-10-06', 'gpt-4.1', 'input', 'priority tier'],
      ['2026-10-07', 'claude-haiku-4-5', 'output', 'unexplained'],
      ['2026-10-07', 'claude-sonnet-4-5', 'input', 'long-context tier'],
    ]);
  });

  it('reads since/until as the invoices’ UTC days', async () => {
    const rows = await query(ledger, 'reconciliation', { since: '2026-10-06', until: '2026-10-06', tz: 'Asia/Tokyo' });
    expect(rows.map((r) => [r.usage_date, r.provider, r.model, r.token_type])).toEqual([
      ['2026-10-06', 'openai', 'gpt-4.1', 'input'],
      ['2026-10-06', 'openai', 'gpt-4.1-mini', 'input'],
      ['2026-10-06', 'openai', 'gpt-4.1-mini', 'output'],
    ]);
  });

  it('says batch discount when the usage rows are batch', async () => {
    const l = await newLedger();
    // usage marked batch prices at half; the invoice charged full price
    await usage(l, [{ key: 'b', day: '2026-10-05', provider: 'openai', model: 'gpt-4.1-mini', u: M, tier: 'batch' }]);
    await invoices(l, [{ day: '2026-10-05', provider: 'openai', model: 'gpt-4.1-mini', type: 'input', usd: 0.4 }]);
    await priceLedger(l);
    const rows = await query(l, 'reconciliation');
    expect(rounded(rows).map((r) => [r.invoiced_usd, r.priced_usd, r.gap_usd, r.likely_reason])).toEqual([[0.4, 0.2, 0.2, 'batch discount']]);
  });
});

describe('every attribution, budget and invoice query over the bundled samples', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await importPaths(ledger, [samples('openai'), samples('anthropic'), samples('claude-code')]);
    await priceLedger(ledger);
  });

  const runs: [string, Record<string, string>][] = [
    ['spend_by_hour', {}],
    ['spend_by_provider', {}],
    ['spend_by_key', {}],
    ['spend_by_project', {}],
    ['spend_by_user', {}],
    ['spend_by_session', {}],
    ['cost_per_request_by_model', {}],
    ['concentration', {}],
    ['token_mix', {}],
    ['token_mix', { grain: 'model' }],
    ['budget_audit', { cap_usd: '20' }],
    ['budget_audit', { cap_usd: '0.5', per: 'project' }],
    ['anomalous_days', {}],
    ['reconciliation', {}],
  ];
  const measure = /(_usd|_share|_pct|_tokens|_per_request|_z|^records|^requests|_quantity|_minutes|^herfindahl_by_model)$/;

  it.each(runs)('%s %j returns rows with numeric measures', async (name, params) => {
    const rows = await query(ledger, name, params);
    expect(rows.length, name).toBeGreaterThan(0);
    const measures = Object.keys(rows[0]).filter((c) => measure.test(c));
    expect(measures.length, name).toBeGreaterThan(0);
    for (const r of rows) for (const c of measures) expect(r[c] === null || typeof r[c] === 'number', `${name}.${c} = ${String(r[c])}`).toBe(true);
    const cost = measures.includes('cost_usd') ? 'cost_usd' : measures.find((c) => c.endsWith('_usd'))!;
    expect(rows.some((r) => Number.isFinite(r[cost])), `${name}.${cost}`).toBe(true);
  });

  it('reconciles the sample invoices with the sample usage within 1% per provider and day', async () => {
    const rows = await query(ledger, 'reconciliation');
    const days = new Map<string, { invoiced: number; priced: number }>();
    for (const r of rows) {
      const k = `${r.provider} ${r.usage_date}`;
      const d = days.get(k) ?? { invoiced: 0, priced: 0 };
      d.invoiced += r.invoiced_usd as number;
      d.priced += (r.priced_usd as number | null) ?? NaN; // an unpriced bucket would fail the check below
      days.set(k, d);
    }
    // the samples invoice 20 provider-days that also have usage (OpenAI Oct 1-3, 5-7, 10, 12-14; Anthropic Oct 5-9, 12-16)
    expect(days.size).toBe(20);
    for (const [k, d] of days) {
      expect(d.invoiced, k).toBeGreaterThan(0);
      expect(Math.abs(d.invoiced - d.priced) / d.invoiced, k).toBeLessThan(0.01);
    }
    // the samples were generated at list prices: nothing beyond rounding anywhere
    expect([...new Set(rows.map((r) => r.likely_reason))]).toEqual(['rounding']);
  });
});
