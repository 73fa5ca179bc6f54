import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

/** One hand-built ledger row; token buckets default to 0, requests to 1, attribution keys to NULL. */
interface Given {
  key: string;
  source?: string;
  at: string;
  bucket?: string | null;
  provider?: string;
  model: string;
  requests?: number | null;
  u?: number;
  r?: number;
  w5?: number;
  w1?: number;
  o?: number;
  ws?: number | null;
  tier?: string;
  session?: string | null;
  project?: string | null;
  apiKey?: string | null;
  user?: string | null;
  agent?: string | null;
}

async function given(ledger: Ledger, rows: Given[]): Promise<void> {
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, web_search_requests,
         service_tier, session_id, project, api_key, user_id, agent_id)
       VALUES ($key, $source, 'imp_test', $at::TIMESTAMPTZ, $bucket, $provider, $model, $model, $requests,
         $u, $r, $w5, $w1, $o, $ws, $tier, $session, $project, $api_key, $user, $agent)`,
      {
        key: r.key,
        source: r.source ?? 'claude-code',
        at: r.at,
        bucket: r.bucket ?? null,
        provider: r.provider ?? 'anthropic',
        model: r.model,
        requests: r.requests === undefined ? 1 : r.requests,
        u: r.u ?? 0,
        r: r.r ?? 0,
        w5: r.w5 ?? 0,
        w1: r.w1 ?? 0,
        o: r.o ?? 0,
        ws: r.ws ?? null,
        tier: r.tier ?? 'standard',
        session: r.session ?? null,
        project: r.project ?? null,
        api_key: r.apiKey ?? null,
        user: r.user ?? null,
        agent: r.agent ?? null,
      },
    );
  }
}

/** Runs a named query the way `recount query NAME --param k=v` does (string values, header defaults). */
async function query(ledger: Ledger, name: string, params: Record<string, string> = {}): Promise<Row[]> {
  const q = readQuery(name);
  return ledger.all(q.sql, bindParams(q, params));
}

const M = 1_000_000;

/**
 * The shared ledger (Claude Haiku 4.5: $1/M input, $5/M output, $0.10/M cache read, $1.25/M 5m write, $2/M 1h write;
 * Sonnet 4.5: $3/M input, $15/M output up to a 200k prompt, $0.01 per web search; gpt-4.1-mini: $0.40/M input, $1.60/M output):
 *   a1  2026-10-20 09:10Z  claude-code  haiku   1M input            $1   session s1, project web
 *   a2  2026-10-20 09:50Z  claude-code  haiku   1M output           $5   session s1, project web
 *   a3  2026-10-20 10:05Z  claude-code  sonnet  200k in + 160k out + 100 web searches  $4   session s2 (subagent), project api
 *   o1  2026-10-20 10:00Z  openai 1h bucket, gpt-4.1-mini, 4 requests, 1M in + 1M out  $2  key-prod, proj-a, alice
 *   o2  2026-10-20 10:30Z  litellm request, gpt-4.1-mini 1M input $0.40, session s3 — OpenAI's export (o1) holds it too:
 *                          o2 counts, o1 only its remainder (3 requests, 1M output, $1.60)
 *   o3  2026-10-20 (1d)    openai daily bucket, unknown model gpt-unknown-9, 2 requests — unpriced; key-prod, bob
 *   a4  2026-10-21 23:30Z  claude-code  haiku  10M read + 0.8M 5m write + 0.5M 1h write  $3  session s4, no project
 * Counted spend: $15 (a1 1 + a2 5 + a3 4 + o1's remainder 1.60 + o2 0.40 + a4 3), one unpriced record.
 */
async function sharedLedger(): Promise<Ledger> {
  const ledger = await newLedger();
  await given(ledger, [
    { key: 'a1', at: '2026-10-20T09:10:00Z', model: 'claude-haiku-4-5', u: M, session: 's1', project: 'web' },
    { key: 'a2', at: '2026-10-20T09:50:00Z', model: 'claude-haiku-4-5', o: M, session: 's1', project: 'web' },
    { key: 'a3', at: '2026-10-20T10:05:00Z', model: 'claude-sonnet-4-5', u: 200_000, o: 160_000, ws: 100, session: 's2', project: 'api', agent: 'agent-1' },
    {
      key: 'o1', source: 'openai-usage-api', at: '2026-10-20T10:00:00Z', bucket: '1h', provider: 'openai', model: 'gpt-4.1-mini',
      requests: 4, u: M, o: M, apiKey: 'key-prod', project: 'proj-a', user: 'alice',
    },
    { key: 'o2', source: 'litellm', at: '2026-10-20T10:30:00Z', provider: 'openai', model: 'gpt-4.1-mini', u: M, session: 's3' },
    {
      key: 'o3', source: 'openai-usage-api', at: '2026-10-20T00:00:00Z', bucket: '1d', provider: 'openai', model: 'gpt-unknown-9',
      requests: 2, u: 1000, apiKey: 'key-prod', user: 'bob',
    },
    { key: 'a4', at: '2026-10-21T23:30:00Z', model: 'claude-haiku-4-5', r: 10 * M, w5: 800_000, w1: 500_000, session: 's4' },
  ]);
  await priceLedger(ledger);
  return ledger;
}

/** Picks columns and rounds dollars and shares so whole rows can be compared exactly. */
function pick(rows: Row[], cols: string[]): Row[] {
  return rows.map((r) =>
    Object.fromEntries(cols.map((c) => [c, typeof r[c] === 'number' && !Number.isInteger(r[c]) ? Math.round((r[c] as number) * 1e9) / 1e9 : r[c]])),
  );
}

let ledger: Ledger;
beforeAll(async () => {
  ledger = await sharedLedger();
});

describe('spend_by_provider', () => {
  it('totals counted spend per provider with its sources and share, naming unpriced rows', async () => {
    const rows = await query(ledger, 'spend_by_provider');
    expect(pick(rows, ['provider', 'records', 'requests', 'input_tokens', 'output_tokens', 'cost_usd', 'share_of_cost', 'unpriced_records', 'sources', 'models'])).toEqual([
      { provider: 'anthropic', records: 4, requests: 4, input_tokens: 1_200_000, output_tokens: 1_160_000, cost_usd: 13, share_of_cost: Math.round((13 / 15) * 1e9) / 1e9, unpriced_records: 0, sources: ['claude-code'], models: 2 },
      // o2 (the gateway's request) counts, OpenAI's export o1 only what o2 leaves out: never both
      { provider: 'openai', records: 3, requests: 6, input_tokens: M + 1000, output_tokens: M, cost_usd: 2, share_of_cost: Math.round((2 / 15) * 1e9) / 1e9, unpriced_records: 1, sources: ['litellm', 'openai-usage-api'], models: 2 },
    ]);
  });

  it('honours the period in local days', async () => {
    const rows = await query(ledger, 'spend_by_provider', { since: '2026-10-21', until: '2026-10-21' });
    expect(pick(rows, ['provider', 'records', 'cost_usd'])).toEqual([{ provider: 'anthropic', records: 1, cost_usd: 3 }]);
    // 23:30Z on the 21st is already the 22nd in Berlin
    expect(await query(ledger, 'spend_by_provider', { since: '2026-10-21', until: '2026-10-21', tz: 'Europe/Berlin' })).toEqual([]);
  });
});

describe('spend_by_key', () => {
  it('groups per provider and key, rows without a key under (no key)', async () => {
    const rows = await query(ledger, 'spend_by_key');
    expect(pick(rows, ['provider', 'api_key', 'records', 'requests', 'cost_usd', 'unpriced_records', 'models'])).toEqual([
      { provider: 'anthropic', api_key: '(no key)', records: 4, requests: 4, cost_usd: 13, unpriced_records: 0, models: ['claude-haiku-4-5', 'claude-sonnet-4-5'] },
      { provider: 'openai', api_key: 'key-prod', records: 2, requests: 5, cost_usd: 1.6, unpriced_records: 1, models: ['gpt-4.1-mini', 'gpt-unknown-9'] },
      { provider: 'openai', api_key: '(no key)', records: 1, requests: 1, cost_usd: 0.4, unpriced_records: 0, models: ['gpt-4.1-mini'] },
    ]);
  });
});

describe('spend_by_project', () => {
  it('groups across providers, rows without a project under (no project)', async () => {
    const rows = await query(ledger, 'spend_by_project');
    expect(pick(rows, ['project', 'records', 'cost_usd', 'unpriced_records', 'providers'])).toEqual([
      { project: 'web', records: 2, cost_usd: 6, unpriced_records: 0, providers: ['anthropic'] },
      { project: 'api', records: 1, cost_usd: 4, unpriced_records: 0, providers: ['anthropic'] },
      { project: '(no project)', records: 3, cost_usd: 3.4, unpriced_records: 1, providers: ['anthropic', 'openai'] },
      { project: 'proj-a', records: 1, cost_usd: 1.6, unpriced_records: 0, providers: ['openai'] },
    ]);
  });
});

describe('spend_by_user', () => {
  it('puts a user whose only rows are unpriced last, with no cost', async () => {
    const rows = await query(ledger, 'spend_by_user');
    expect(pick(rows, ['user_id', 'records', 'requests', 'cost_usd', 'unpriced_records'])).toEqual([
      { user_id: '(no user)', records: 5, requests: 5, cost_usd: 13.4, unpriced_records: 0 },
      { user_id: 'alice', records: 1, requests: 3, cost_usd: 1.6, unpriced_records: 0 },
      { user_id: 'bob', records: 1, requests: 2, cost_usd: null, unpriced_records: 1 },
    ]);
  });
});

describe('spend_by_hour', () => {
  const cols = ['hour_start', 'local_hour', 'day', 'hour_of_day', 'records', 'requests', 'cost_usd', 'unpriced_records'];

  it('is a series of local hours; daily buckets get one row per day without an hour', async () => {
    const rows = await query(ledger, 'spend_by_hour');
    expect(pick(rows, cols)).toEqual([
      { hour_start: new Date('2026-10-20T09:00:00Z'), local_hour: '2026-10-20 09:00', day: '2026-10-20', hour_of_day: 9, records: 2, requests: 2, cost_usd: 6, unpriced_records: 0 },
      // a3 at 10:05, o2 at 10:30 and what the 10:00 hourly bucket o1 adds (3 requests)
      { hour_start: new Date('2026-10-20T10:00:00Z'), local_hour: '2026-10-20 10:00', day: '2026-10-20', hour_of_day: 10, records: 3, requests: 5, cost_usd: 6, unpriced_records: 0 },
      { hour_start: new Date('2026-10-21T23:00:00Z'), local_hour: '2026-10-21 23:00', day: '2026-10-21', hour_of_day: 23, records: 1, requests: 1, cost_usd: 3, unpriced_records: 0 },
      { hour_start: null, local_hour: null, day: '2026-10-20', hour_of_day: null, records: 1, requests: 2, cost_usd: null, unpriced_records: 1 },
    ]);
  });

  it('uses the local hour of $tz, also in a half-hour zone', async () => {
    const rows = await query(ledger, 'spend_by_hour', { tz: 'Asia/Kolkata' });
    expect(pick(rows, cols)).toEqual([
      // 09:10Z is 14:40 in Kolkata: the local hour 14:00 began at 08:30Z
      { hour_start: new Date('2026-10-20T08:30:00Z'), local_hour: '2026-10-20 14:00', day: '2026-10-20', hour_of_day: 14, records: 1, requests: 1, cost_usd: 1, unpriced_records: 0 },
      // 09:50Z, 10:00Z and 10:05Z all fall in 15:00-16:00 local
      { hour_start: new Date('2026-10-20T09:30:00Z'), local_hour: '2026-10-20 15:00', day: '2026-10-20', hour_of_day: 15, records: 3, requests: 5, cost_usd: 10.6, unpriced_records: 0 },
      { hour_start: new Date('2026-10-20T10:30:00Z'), local_hour: '2026-10-20 16:00', day: '2026-10-20', hour_of_day: 16, records: 1, requests: 1, cost_usd: 0.4, unpriced_records: 0 },
      { hour_start: new Date('2026-10-21T23:30:00Z'), local_hour: '2026-10-22 05:00', day: '2026-10-22', hour_of_day: 5, records: 1, requests: 1, cost_usd: 3, unpriced_records: 0 },
      { hour_start: null, local_hour: null, day: '2026-10-20', hour_of_day: null, records: 1, requests: 2, cost_usd: null, unpriced_records: 1 },
    ]);
  });

  it('keeps the two 01:00 hours of a DST fall-back apart', async () => {
    const l = await newLedger();
    // 2026-11-01 in New York: 01:30 EDT is 05:30Z, 01:30 EST is 06:30Z
    await given(l, [
      { key: 'x1', at: '2026-11-01T05:30:00Z', model: 'claude-haiku-4-5', u: M },
      { key: 'x2', at: '2026-11-01T06:30:00Z', model: 'claude-haiku-4-5', u: 2 * M },
    ]);
    await priceLedger(l);
    const rows = await query(l, 'spend_by_hour', { tz: 'America/New_York' });
    expect(pick(rows, ['hour_start', 'local_hour', 'hour_of_day', 'cost_usd'])).toEqual([
      { hour_start: new Date('2026-11-01T05:00:00Z'), local_hour: '2026-11-01 01:00', hour_of_day: 1, cost_usd: 1 },
      { hour_start: new Date('2026-11-01T06:00:00Z'), local_hour: '2026-11-01 01:00', hour_of_day: 1, cost_usd: 2 },
    ]);
  });
});

describe('spend_by_session', () => {
  it('lists the costliest sessions from the request logs, with what the counted view includes', async () => {
    const rows = await query(ledger, 'spend_by_session');
    expect(pick(rows, ['session_id', 'projects', 'first_started_at', 'last_started_at', 'duration_minutes', 'records', 'requests', 'models', 'subagents', 'cost_usd', 'counted_cost_usd', 'cost_per_request_usd'])).toEqual([
      { session_id: 's1', projects: ['web'], first_started_at: new Date('2026-10-20T09:10:00Z'), last_started_at: new Date('2026-10-20T09:50:00Z'), duration_minutes: 40, records: 2, requests: 2, models: ['claude-haiku-4-5'], subagents: 0, cost_usd: 6, counted_cost_usd: 6, cost_per_request_usd: 3 },
      { session_id: 's2', projects: ['api'], first_started_at: new Date('2026-10-20T10:05:00Z'), last_started_at: new Date('2026-10-20T10:05:00Z'), duration_minutes: 0, records: 1, requests: 1, models: ['claude-sonnet-4-5'], subagents: 1, cost_usd: 4, counted_cost_usd: 4, cost_per_request_usd: 4 },
      { session_id: 's4', projects: [], first_started_at: new Date('2026-10-21T23:30:00Z'), last_started_at: new Date('2026-10-21T23:30:00Z'), duration_minutes: 0, records: 1, requests: 1, models: ['claude-haiku-4-5'], subagents: 0, cost_usd: 3, counted_cost_usd: 3, cost_per_request_usd: 3 },
      // the gateway's session counts: OpenAI's own export adds only what the gateway did not log
      { session_id: 's3', projects: [], first_started_at: new Date('2026-10-20T10:30:00Z'), last_started_at: new Date('2026-10-20T10:30:00Z'), duration_minutes: 0, records: 1, requests: 1, models: ['gpt-4.1-mini'], subagents: 0, cost_usd: 0.4, counted_cost_usd: 0.4, cost_per_request_usd: 0.4 },
    ]);
  });

  it('takes the top $limit', async () => {
    const rows = await query(ledger, 'spend_by_session', { limit: '2' });
    expect(rows.map((r) => r.session_id)).toEqual(['s1', 's2']);
  });
});

describe('cost_per_request_by_model', () => {
  it('divides cost by known requests and averages prompt and output tokens per request', async () => {
    const rows = await query(ledger, 'cost_per_request_by_model');
    expect(pick(rows, ['provider', 'model', 'records', 'requests', 'cost_usd', 'cost_per_request_usd', 'prompt_tokens_per_request', 'output_tokens_per_request', 'cost_without_request_count_usd', 'unpriced_records'])).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4-5', records: 1, requests: 1, cost_usd: 4, cost_per_request_usd: 4, prompt_tokens_per_request: 200_000, output_tokens_per_request: 160_000, cost_without_request_count_usd: 0, unpriced_records: 0 },
      // a1 + a2 + a4: $9 over 3 requests; prompts 1M + 0 + 11.3M
      { provider: 'anthropic', model: 'claude-haiku-4-5', records: 3, requests: 3, cost_usd: 9, cost_per_request_usd: 3, prompt_tokens_per_request: 4_100_000, output_tokens_per_request: Math.round((M / 3) * 1e9) / 1e9, cost_without_request_count_usd: 0, unpriced_records: 0 },
      // o2 and o1's remainder: $2 over 1 + 3 requests
      { provider: 'openai', model: 'gpt-4.1-mini', records: 2, requests: 4, cost_usd: 2, cost_per_request_usd: 0.5, prompt_tokens_per_request: 250_000, output_tokens_per_request: 250_000, cost_without_request_count_usd: 0, unpriced_records: 0 },
      { provider: 'openai', model: 'gpt-unknown-9', records: 1, requests: 2, cost_usd: null, cost_per_request_usd: null, prompt_tokens_per_request: null, output_tokens_per_request: null, cost_without_request_count_usd: 0, unpriced_records: 1 },
    ]);
  });

  it('leaves rows without a request count out of the per-request figures', async () => {
    const l = await newLedger();
    await given(l, [
      // an Anthropic usage-report bucket: no request count, $10
      { key: 'b', source: 'anthropic-usage-api', at: '2026-10-20T00:00:00Z', bucket: '1d', model: 'claude-haiku-4-5', requests: null, u: 10 * M },
      // another day's request log: 4 requests for $0.96 — 24 cents a call
      ...[1, 2, 3, 4].map((i) => ({ key: `r${i}`, at: `2026-10-21T10:0${i}:00Z`, model: 'claude-haiku-4-5', u: 140_000, o: 20_000 })),
    ]);
    await priceLedger(l);
    const [row] = await query(l, 'cost_per_request_by_model');
    expect(pick([row], ['records', 'requests', 'cost_usd', 'cost_per_request_usd', 'prompt_tokens_per_request', 'output_tokens_per_request', 'cost_without_request_count_usd'])).toEqual([
      { records: 5, requests: 4, cost_usd: 10.96, cost_per_request_usd: 0.24, prompt_tokens_per_request: 140_000, output_tokens_per_request: 20_000, cost_without_request_count_usd: 10 },
    ]);
  });
});

describe('concentration', () => {
  it('gives the top model, top 10 sessions, top key and the Herfindahl index in one row', async () => {
    const rows = await query(ledger, 'concentration');
    expect(pick(rows, ['total_cost_usd', 'top_model', 'top_model_provider', 'top_model_cost_usd', 'top_model_share', 'models', 'herfindahl_by_model', 'sessions', 'top10_sessions_cost_usd', 'top10_sessions_share', 'top_key', 'top_key_provider', 'top_key_cost_usd', 'top_key_share', 'keys', 'unpriced_records'])).toEqual([
      {
        total_cost_usd: 15,
        top_model: 'claude-haiku-4-5',
        top_model_provider: 'anthropic',
        top_model_cost_usd: 9,
        top_model_share: 0.6,
        models: 3, // the unpriced model has no cost and takes no share
        herfindahl_by_model: Math.round(((9 * 9 + 4 * 4 + 2 * 2) / (15 * 15)) * 1e9) / 1e9,
        sessions: 4,
        top10_sessions_cost_usd: 13.4,
        top10_sessions_share: Math.round((13.4 / 15) * 1e9) / 1e9,
        top_key: 'key-prod', // rows without a key are not a key
        top_key_provider: 'openai',
        top_key_cost_usd: 1.6, // o1's remainder: o2 had no key
        top_key_share: Math.round((1.6 / 15) * 1e9) / 1e9,
        keys: 1,
        unpriced_records: 1,
      },
    ]);
  });

  it('returns one row of zeros and NULLs for an empty period', async () => {
    const rows = await query(ledger, 'concentration', { since: '2030-01-01' });
    expect(pick(rows, ['total_cost_usd', 'top_model', 'top_model_share', 'sessions', 'top_key', 'keys'])).toEqual([
      { total_cost_usd: 0, top_model: null, top_model_share: null, sessions: 0, top_key: null, keys: 0 },
    ]);
  });
});

describe('token_mix', () => {
  const shareCols = ['input_share', 'cache_read_share', 'cache_write_5m_share', 'cache_write_1h_share', 'output_share', 'web_search_share'];

  it('splits list cost into token buckets that add up to it', async () => {
    const [row] = await query(ledger, 'token_mix');
    expect(pick([row], ['provider', 'model', 'records', 'list_cost_usd', 'input_cost_usd', 'cache_read_cost_usd', 'cache_write_5m_cost_usd', 'cache_write_1h_cost_usd', 'output_cost_usd', 'web_search_cost_usd', 'input_tokens', 'web_search_requests', 'unpriced_records'])).toEqual([
      {
        provider: null, model: null, records: 7, list_cost_usd: 15,
        input_cost_usd: 2, // haiku $1 + sonnet $0.60 + gpt-4.1-mini $0.40
        cache_read_cost_usd: 1, cache_write_5m_cost_usd: 1, cache_write_1h_cost_usd: 1,
        output_cost_usd: 9, // haiku $5 + sonnet $2.40 + gpt-4.1-mini $1.60
        web_search_cost_usd: 1,
        input_tokens: 2_200_000, // the unpriced row's tokens are not in the mix
        web_search_requests: 100,
        unpriced_records: 1,
      },
    ]);
    expect(shareCols.map((c) => row[c] as number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(row.output_share).toBeCloseTo(9 / 15, 12);
  });

  it("per model with grain = 'model', applying the service-tier multiplier", async () => {
    const rows = await query(ledger, 'token_mix', { grain: 'model' });
    expect(pick(rows, ['provider', 'model', 'list_cost_usd', 'input_cost_usd', 'cache_read_cost_usd', 'output_cost_usd', 'web_search_cost_usd', 'output_share', 'unpriced_records'])).toEqual([
      { provider: 'anthropic', model: 'claude-haiku-4-5', list_cost_usd: 9, input_cost_usd: 1, cache_read_cost_usd: 1, output_cost_usd: 5, web_search_cost_usd: 0, output_share: Math.round((5 / 9) * 1e9) / 1e9, unpriced_records: 0 },
      { provider: 'anthropic', model: 'claude-sonnet-4-5', list_cost_usd: 4, input_cost_usd: 0.6, cache_read_cost_usd: 0, output_cost_usd: 2.4, web_search_cost_usd: 1, output_share: 0.6, unpriced_records: 0 },
      { provider: 'openai', model: 'gpt-4.1-mini', list_cost_usd: 2, input_cost_usd: 0.4, cache_read_cost_usd: 0, output_cost_usd: 1.6, web_search_cost_usd: 0, output_share: 0.8, unpriced_records: 0 },
      { provider: 'openai', model: 'gpt-unknown-9', list_cost_usd: 0, input_cost_usd: 0, cache_read_cost_usd: 0, output_cost_usd: 0, web_search_cost_usd: 0, output_share: null, unpriced_records: 1 },
    ]);

    const l = await newLedger();
    await given(l, [{ key: 'b', at: '2026-10-20T10:00:00Z', model: 'claude-haiku-4-5', u: M, o: M, tier: 'batch' }]);
    await priceLedger(l);
    const [batch] = await query(l, 'token_mix', { grain: 'model' });
    expect(pick([batch], ['list_cost_usd', 'input_cost_usd', 'output_cost_usd'])).toEqual([{ list_cost_usd: 3, input_cost_usd: 0.5, output_cost_usd: 2.5 }]);
  });

  it('rejects an unknown grain', async () => {
    await expect(query(ledger, 'token_mix', { grain: 'day' })).rejects.toThrow("grain must be 'all' or 'model'");
  });
});
