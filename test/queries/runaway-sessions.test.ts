import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger, Row } from '../../src/db/ledger.js';
import { bindParams, readQuery } from '../../src/db/named-query.js';
import { generateSyntheticMonth, loadRows, SYNTHETIC_THRESHOLDS, type SyntheticMonth } from '../fixtures/synthetic-month.js';
import { newLedger, priceLedger } from '../helpers.js';

async function query<T = Row>(ledger: Ledger, name: string, given: Record<string, string> = {}): Promise<T[]> {
  const q = readQuery(name);
  return ledger.all<T>(q.sql, bindParams(q, given));
}

interface Runaway {
  session_id: string;
  project: string;
  requests: number;
  prompts: number;
  max_requests_per_prompt: number | null;
  max_prompt_tokens: number;
  duration_min: number;
  cost_usd: number;
  iterations_crossed: boolean;
  iterations_past_usd: number;
  context_crossed: boolean;
  context_past_usd: number;
  cost_crossed: boolean;
  cost_past_usd: number;
  past_thresholds_usd: number;
  unpriced_requests: number;
}

const HAIKU = 'claude-haiku-4-5'; // $/Mtok: input 1, output 5
const SONNET = 'claude-sonnet-4-5'; // input 3, output 15
const OPUS = 'claude-opus-4-6'; // input 5, output 25

/** `n` requests of a session, one a minute from `start`, all on `prompt`. */
function requests(session: string, start: string, n: number, r: { model: string; prompt: string | null; input?: number | ((i: number) => number); output: number; agent?: string; key?: string }) {
  return Array.from({ length: n }, (_, i) => ({
    record_key: `${r.key ?? session}-${String(i + 1).padStart(2, '0')}`,
    started_at: new Date(Date.parse(start) + i * 60_000).toISOString(),
    model: r.model,
    model_raw: r.model,
    input_tokens: typeof r.input === 'function' ? r.input(i) : (r.input ?? 0),
    output_tokens: r.output,
    session_id: session,
    project: 'recount',
    agent_id: r.agent ?? null,
    is_sidechain: r.agent !== undefined,
    prompt_text: r.prompt,
  }));
}

describe('runaway sessions on a hand-built ledger', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await loadRows(ledger, [
      // 18 requests on one prompt (then 2 on another): 3 past the 15th iteration, $0.1001 each
      ...requests('r-iter', '2026-10-15T09:00:00Z', 18, { model: HAIKU, prompt: 'make the tests pass', input: 100, output: 20_000 }),
      ...requests('r-iter', '2026-10-15T09:18:00Z', 2, { model: HAIKU, prompt: 'now commit', input: 100, output: 20_000, key: 'r-iter-b' }),
      // prompts of 40k, 60k and 80k tokens: the last two are past the 50k context threshold
      ...requests('r-ctx', '2026-10-15T10:00:00Z', 3, { model: SONNET, prompt: 'read the whole repo', input: (i) => 40_000 + 20_000 * i, output: 0 }),
      // six $5 requests: $30 against a $25 cap
      ...Array.from({ length: 6 }, (_, i) =>
        requests('r-cap', `2026-10-15T11:0${i}:00Z`, 1, { model: OPUS, prompt: `task ${i}`, output: 200_000, key: `r-cap-${i}` }),
      ).flat(),
      // 10 main-thread requests on one prompt and 10 of a subagent on its own task prompt, 20 without a prompt:
      // nothing iterates past 15
      ...requests('r-sub', '2026-10-15T12:00:00Z', 10, { model: HAIKU, prompt: 'refactor the parser', output: 100 }),
      ...requests('r-sub', '2026-10-15T12:00:30Z', 10, { model: HAIKU, prompt: 'find every caller of parse()', output: 100, agent: 'a1', key: 'r-sub-agent' }),
      ...requests('r-sub', '2026-10-15T13:00:00Z', 20, { model: HAIKU, prompt: null, output: 100, key: 'r-sub-null' }),
      // crosses every threshold of the custom run below: five requests on one prompt (2,000-token fourth), then one more
      ...requests('r-all', '2026-10-15T14:00:00Z', 5, { model: SONNET, prompt: 'A', input: (i) => (i === 3 ? 2_000 : 0), output: 20_000 }),
      ...requests('r-all', '2026-10-15T14:05:00Z', 1, { model: SONNET, prompt: 'B', output: 20_000, key: 'r-all-b' }),
    ]);
    await priceLedger(ledger);
  });

  it('lists only sessions past a threshold, most dollars past first', async () => {
    const rows = await query<Runaway>(ledger, 'runaway_sessions');
    expect(rows.map((r) => r.session_id)).toEqual(['r-cap', 'r-ctx', 'r-iter']);
  });

  it('measures the iterations on one prompt and the dollars past the 15th', async () => {
    const r = (await query<Runaway>(ledger, 'runaway_sessions')).find((x) => x.session_id === 'r-iter')!;
    expect(r).toMatchObject({ project: 'recount', requests: 20, prompts: 2, max_requests_per_prompt: 18, max_prompt_tokens: 100, duration_min: 19 });
    expect(r).toMatchObject({ iterations_crossed: true, context_crossed: false, cost_crossed: false, context_past_usd: 0, cost_past_usd: 0 });
    expect(r.cost_usd).toBeCloseTo(20 * (100 * 1 + 20_000 * 5) / 1e6, 12); // $2.002
    expect(r.iterations_past_usd).toBeCloseTo(3 * 0.1001, 12);
    expect(r.past_thresholds_usd).toBeCloseTo(0.3003, 12);
  });

  it('measures the context and the dollars spent on prompts past it', async () => {
    const r = (await query<Runaway>(ledger, 'runaway_sessions')).find((x) => x.session_id === 'r-ctx')!;
    expect(r).toMatchObject({ max_prompt_tokens: 80_000, context_crossed: true, iterations_crossed: false, cost_crossed: false, duration_min: 2 });
    expect(r.context_past_usd).toBeCloseTo((60_000 + 80_000) * 3 / 1e6, 12); // $0.42
    expect(r.past_thresholds_usd).toBeCloseTo(0.42, 12);
    expect(r.cost_usd).toBeCloseTo(0.54, 12);
  });

  it('measures the session cost above the cap', async () => {
    const r = (await query<Runaway>(ledger, 'runaway_sessions')).find((x) => x.session_id === 'r-cap')!;
    expect(r).toMatchObject({ prompts: 6, max_requests_per_prompt: 1, cost_crossed: true, iterations_crossed: false, context_crossed: false });
    expect(r.cost_usd).toBeCloseTo(30, 12);
    expect(r.cost_past_usd).toBeCloseTo(5, 12);
    expect(r.past_thresholds_usd).toBeCloseTo(5, 12);
  });

  it('counts each dollar once when a session crosses every threshold', async () => {
    const rows = await query<Runaway>(ledger, 'runaway_sessions', { max_iterations: '3', max_context_tokens: '1000', max_session_usd: '1' });
    const r = rows.find((x) => x.session_id === 'r-all')!;
    // requests cost 0.30, 0.30, 0.30, 0.306 (2,000 input tokens), 0.30 on prompt A, then 0.30 on prompt B
    expect(r).toMatchObject({ requests: 6, prompts: 2, max_requests_per_prompt: 5, max_prompt_tokens: 2_000, iterations_crossed: true, context_crossed: true, cost_crossed: true });
    expect(r.cost_usd).toBeCloseTo(1.806, 12);
    expect(r.iterations_past_usd).toBeCloseTo(0.306 + 0.3, 12); // A4, A5
    expect(r.context_past_usd).toBeCloseTo(0.306, 12); // A4
    expect(r.cost_past_usd).toBeCloseTo(0.806, 12);
    // A4 and A5 in full, plus B1's part above the cap (the running cost was already past $1): 0.306 + 0.3 + 0.3
    expect(r.past_thresholds_usd).toBeCloseTo(0.906, 12);
    // the subagent's task is its own prompt: r-sub iterates 10 times at most, prompt-less rows not at all
    const sub = rows.find((x) => x.session_id === 'r-sub')!;
    expect(sub).toMatchObject({ prompts: 2, max_requests_per_prompt: 10, requests: 40 });
    expect(sub.iterations_past_usd).toBeCloseTo(14 * 100 * 5 / 1e6, 12); // iterations 4-10 of both prompts
  });

  it('keeps to the period', async () => {
    const rows = await query<Runaway>(ledger, 'runaway_sessions', { since: '2026-10-16' });
    expect(rows).toEqual([]);
  });
});

describe('runaway sessions on a synthetic month', () => {
  let ledger: Ledger;
  let month: SyntheticMonth;
  beforeAll(async () => {
    month = generateSyntheticMonth(1);
    ledger = await newLedger();
    await loadRows(ledger, month.rows);
    await priceLedger(ledger);
  });

  const thresholds = Object.fromEntries(Object.entries(SYNTHETIC_THRESHOLDS).map(([k, v]) => [k, String(v)]));

  it('finds exactly the planted runaway sessions', async () => {
    const rows = await query<Runaway>(ledger, 'runaway_sessions', thresholds);
    expect(rows.map((r) => r.session_id).sort()).toEqual([...month.planted.runawaySessions].sort());
    for (const r of rows) expect(r.iterations_crossed || r.context_crossed || r.cost_crossed).toBe(true);
    expect(rows.some((r) => r.iterations_crossed)).toBe(true);
    expect(rows.some((r) => r.context_crossed)).toBe(true);
    expect(rows.some((r) => r.cost_crossed)).toBe(true);
    const past = rows.map((r) => r.past_thresholds_usd);
    expect(past).toEqual([...past].sort((a, b) => b - a));
  });

  it('agrees with the ledger on a runaway session’s totals', async () => {
    const rows = await query<Runaway>(ledger, 'runaway_sessions', thresholds);
    for (const r of rows) {
      const t = await ledger.one<{ n: number; cost: number; max_prompt: number }>(
        'SELECT count(*) AS n, sum(cost_usd) AS cost, max(prompt_tokens) AS max_prompt FROM usage_priced WHERE session_id = $s',
        { s: r.session_id },
      );
      expect(r.requests).toBe(t.n);
      expect(r.cost_usd).toBeCloseTo(t.cost, 9);
      expect(r.max_prompt_tokens).toBe(t.max_prompt);
    }
  });
});
