import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

// The demo month (scripts/make-demo-month*.mjs) carries every turn signal on a fixed schedule: test runs
// that fail once and pass on the retry, or fail the same way twice (Claude Code is_error, Codex exit
// code 1), and users interrupting the agent. These figures change only when the generator does.

let ledger: Ledger;
beforeAll(async () => {
  ledger = await newLedger();
  await importPaths(ledger, [samples('month', 'claude-code'), samples('month', 'codex')]);
  await priceLedger(ledger);
}, 300_000);

describe("the demo month's agent turns", () => {
  it('holds failing test runs, interrupts and prompts from both agents', async () => {
    const events = await ledger.all<{ source: string; event: string; n: number; failed: number; tests: number }>(
      `SELECT source, event, count(*)::INT AS n, count(*) FILTER (WHERE is_error)::INT AS failed, count(*) FILTER (WHERE is_test_run)::INT AS tests
       FROM agent_events GROUP BY ALL ORDER BY ALL`,
    );
    expect(events).toEqual([
      { source: 'claude-code', event: 'interrupt', n: 10, failed: 0, tests: 0 },
      { source: 'claude-code', event: 'prompt', n: 138, failed: 0, tests: 0 },
      { source: 'claude-code', event: 'tool_call', n: 2546, failed: 0, tests: 97 },
      { source: 'claude-code', event: 'tool_result', n: 2546, failed: 22, tests: 0 },
      { source: 'codex', event: 'prompt', n: 25, failed: 0, tests: 0 },
      { source: 'codex', event: 'tool_call', n: 118, failed: 0, tests: 23 },
      { source: 'codex', event: 'tool_result', n: 118, failed: 5, tests: 0 },
    ]);
  });

  it('gives turns that succeed, fail, and fail the same way twice', async () => {
    const sessions = await runNamedQuery<Record<string, number>>(ledger, 'outcomes_by_session');
    const sum = (k: string) => sessions.reduce((t, s) => t + Number(s[k]), 0);
    expect({ turns: sum('turns'), succeeded: sum('succeeded_turns'), failed: sum('failed_turns'), unknown: sum('unknown_turns'), repeated: sum('repeated_failures') })
      .toEqual({ turns: 154, succeeded: 122, failed: 32, unknown: 0, repeated: 6 });
  });
});

// The whole month, both sides: the providers' usage exports hold exactly what the transcripts and the
// gateway log show, plus one CI eval script on Anthropic's side (2026-10-20, claude-sonnet-4-5) that
// usage_counted counts as the usage report's remainder; the cost exports bill the same.
describe('the demo month from both sides', () => {
  let month: Ledger;
  beforeAll(async () => {
    month = await newLedger();
    await importPaths(month, [samples('month')]);
    await priceLedger(month);
  }, 300_000);

  it('counts every logged request once and only the eval script from the usage exports', async () => {
    const bySource = await month.all<{ source: string; records: number; requests: number | null; cost_usd: number }>(
      `SELECT source, count(*)::INT AS records, sum(requests)::INT AS requests, round(sum(cost_usd), 2) AS cost_usd
       FROM usage_counted GROUP BY ALL ORDER BY ALL`,
    );
    expect(bySource).toEqual([
      { source: 'anthropic-usage-api', records: 1, requests: null, cost_usd: 21.78 },
      { source: 'claude-code', records: 2684, requests: 2684, cost_usd: 993.56 },
      { source: 'codex', records: 143, requests: 143, cost_usd: 1.62 },
      { source: 'litellm', records: 158, requests: 158, cost_usd: 0.45 },
    ]);
    const [gap] = await month.all<Record<string, unknown>>(
      `SELECT CAST(started_at AS DATE)::VARCHAR AS day, model, input_tokens, output_tokens, task_type
       FROM usage_counted WHERE source = 'anthropic-usage-api'`,
    );
    expect(gap).toEqual({ day: '2026-10-20', model: 'claude-sonnet-4-5', input_tokens: 4_210_000, output_tokens: 610_000, task_type: 'unclassified' });
  });

  it('reconciles the invoices with counted usage to the cent, but for one explained gap', async () => {
    const rows = await runNamedQuery<Record<string, unknown> & { invoiced_usd: number; gap_usd: number }>(month, 'reconciliation');
    expect(rows.length).toBeGreaterThan(300);
    expect(Math.round(rows.reduce((t, r) => t + r.invoiced_usd, 0) * 100) / 100).toBe(1023.82); // $1,017.42 of usage and $6.40 of web search calls
    // the support app's web search calls: billed per call, counted by no log
    const gaps = rows.filter((r) => Math.abs(r.gap_usd) >= 0.01);
    expect(gaps.map((r) => [r.usage_date, r.provider, r.model, r.token_type, Math.round(r.gap_usd * 100) / 100, r.likely_reason])).toEqual([
      ['2026-10-14', 'openai', 'gpt-4.1-mini', 'web_search', 6.4, 'web search charges'],
    ]);
  });
});
