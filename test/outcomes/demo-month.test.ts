import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.js';
import { runNamedQuery } from '../../src/ledger/named-query.js';
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
