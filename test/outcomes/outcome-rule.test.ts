import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

// The outcome rule (queries/forensics/create_agent_turns_macro.sql) on hand-built events and requests:
// one session per case, each a prompt, one request and the events that decide it.

interface Ev {
  event: string;
  at: string; // seconds after the session's start, 'ss'
  call?: string;
  cmd?: string;
  test?: boolean;
  error?: boolean;
  errHash?: string;
  prompt?: string;
}

async function session(ledger: Ledger, id: string, model: string, events: Ev[], prompts: string[] = []): Promise<void> {
  let n = 0;
  for (const e of events) {
    n++;
    const promptHash = e.prompt ? `h_${e.prompt}` : null;
    if (e.prompt) await ledger.run('INSERT INTO prompts SELECT $h, $t WHERE NOT EXISTS (SELECT 1 FROM prompts WHERE prompt_hash = $h)', { h: promptHash, t: e.prompt });
    await ledger.run(
      `INSERT INTO agent_events (record_key, source, source_line, import_id, session_id, occurred_at, is_sidechain, event, call_id,
         prompt_hash, tool_name, program, command_hash, is_test_run, is_error, error_hash)
       VALUES ($key, 'claude-code', $n, 'imp_test', $session, $at::TIMESTAMPTZ, false, $event, $call, $prompt_hash,
         CASE WHEN $event = 'tool_call' THEN 'Bash' END, CASE WHEN $cmd IS NOT NULL THEN 'npm' END, $cmd, $test, $error, $err)`,
      {
        key: `${id}:${n}`, n, session: id, at: `2026-11-02T10:00:${e.at}Z`, event: e.event, call: e.call ?? null, prompt_hash: promptHash,
        cmd: e.cmd ?? null, test: e.test ?? null, error: e.error ?? null, err: e.errHash ?? null,
      },
    );
    if (e.event === 'prompt') {
      await ledger.run(
        `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
           cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, session_id, project, task_type)
         VALUES ($key, 'claude-code', 'imp_test', $at::TIMESTAMPTZ + INTERVAL 1 SECOND, 'anthropic', $model, $model, 1, 1000000, 0, 0, 0, 0, $session, 'proj', 'coding')`,
        { key: `req:${id}:${n}`, at: `2026-11-02T10:00:${e.at}Z`, model, session: id },
      );
    }
  }
  void prompts;
}

const call = (at: string, id: string, cmd: string, test = false): Ev => ({ event: 'tool_call', at, call: id, cmd, test });
const result = (at: string, id: string, error = false, errHash?: string): Ev => ({ event: 'tool_result', at, call: id, error, errHash });

describe('outcome rule', () => {
  let ledger: Ledger;
  let turns: Record<string, unknown>[];
  beforeAll(async () => {
    ledger = await newLedger();
    // passes: the last test run passed after an earlier failing one
    await session(ledger, 's-pass', 'claude-haiku-4-5', [{ event: 'prompt', at: '00', prompt: 'fix the parser' }, call('02', 'a1', 'c_test', true), result('03', 'a1', true, 'e1'), call('04', 'a2', 'c_test', true), result('05', 'a2')]);
    // fails: the last test run failed
    await session(ledger, 's-testfail', 'claude-haiku-4-5', [{ event: 'prompt', at: '00', prompt: 'add a flag' }, call('02', 'b1', 'c_test', true), result('03', 'b1', true, 'e2')]);
    // fails: the same command failed three times (two repeats), no test run
    await session(ledger, 's-retry', 'claude-haiku-4-5', [{ event: 'prompt', at: '00', prompt: 'build it' }, call('02', 'c1', 'c_build'), result('03', 'c1', true, 'e3'), call('04', 'c2', 'c_build'), result('05', 'c2', true, 'e4'), call('06', 'c3', 'c_build'), result('07', 'c3', true, 'e5')]);
    // one repeat only, no test: a failure, so not succeeded, and not failed: unknown
    await session(ledger, 's-onerepeat', 'claude-haiku-4-5', [{ event: 'prompt', at: '00', prompt: 'lint it' }, call('02', 'd1', 'c_lint'), result('03', 'd1', true, 'e6'), call('04', 'd2', 'c_lint'), result('05', 'd2', true, 'e7')]);
    // interrupted after a clean tool call
    await session(ledger, 's-int', 'claude-sonnet-4-5', [{ event: 'prompt', at: '00', prompt: 'refactor the module' }, call('02', 'e1', 'c_ls'), result('03', 'e1'), { event: 'interrupt', at: '04' }]);
    // rejected tool call
    await session(ledger, 's-rej', 'claude-sonnet-4-5', [{ event: 'prompt', at: '00', prompt: 'delete the logs' }, call('02', 'f1', 'c_rm'), { event: 'tool_rejected', at: '03', call: 'f1' }]);
    // re-asked: the second prompt is almost the first; the first turn fails, the second succeeds
    await session(ledger, 's-reask', 'claude-sonnet-4-5', [
      { event: 'prompt', at: '00', prompt: 'rename the helper to loadRows' }, call('02', 'g1', 'c_sed'), result('03', 'g1'),
      { event: 'prompt', at: '10', prompt: 'rename the helper to loadRows!' }, call('12', 'g2', 'c_sed2'), result('13', 'g2'),
    ]);
    // no tool call at all: unknown
    await session(ledger, 's-chat', 'claude-sonnet-4-5', [{ event: 'prompt', at: '00', prompt: 'what does this do?' }]);
    await priceLedger(ledger);
    turns = await ledger.all('SELECT session_id, turn_no, outcome, tool_failures, repeated_failures, test_runs, last_test_passed, interrupted, tool_rejected, re_asked FROM agent_turns() ORDER BY session_id, turn_no');
  });

  it('derives each signal and outcome', () => {
    const by = (s: string, n = 1) => turns.find((t) => t.session_id === s && Number(t.turn_no) === n)!;
    expect(by('s-pass')).toMatchObject({ outcome: 'succeeded', tool_failures: 1, repeated_failures: 0, test_runs: 2, last_test_passed: true });
    expect(by('s-testfail')).toMatchObject({ outcome: 'failed', last_test_passed: false });
    expect(by('s-retry')).toMatchObject({ outcome: 'failed', tool_failures: 3, repeated_failures: 2, test_runs: 0, last_test_passed: null });
    expect(by('s-onerepeat')).toMatchObject({ outcome: 'unknown', repeated_failures: 1 });
    expect(by('s-int')).toMatchObject({ outcome: 'failed', interrupted: true, tool_failures: 0 });
    expect(by('s-rej')).toMatchObject({ outcome: 'failed', tool_rejected: true });
    expect(by('s-reask', 1)).toMatchObject({ outcome: 'failed', re_asked: true });
    expect(by('s-reask', 2)).toMatchObject({ outcome: 'succeeded', re_asked: false });
    expect(by('s-chat')).toMatchObject({ outcome: 'unknown' });
  });

  it('sums turns per main model and task type with a Wilson interval', async () => {
    const rows = await runNamedQuery<Record<string, number | string>>(ledger, 'outcomes_by_model_and_task');
    const haiku = rows.find((r) => r.model === 'claude-haiku-4-5')!;
    expect(haiku).toMatchObject({ task_type: 'coding', turns: 4, succeeded_turns: 1, failed_turns: 2, unknown_turns: 1 });
    expect(haiku.success_rate).toBeCloseTo(1 / 3, 10);
    // Wilson at z = 1.6449, n = 3, p = 1/3, by hand: centre 0.41237.., half-width 0.33410..
    expect(haiku.success_rate_low).toBeCloseTo(0.078266, 5);
    expect(haiku.success_rate_high).toBeCloseTo(0.746466, 5);
    expect(haiku.retries_per_turn).toBeCloseTo((0 + 2 + 1) / 4, 10);
    expect(haiku.cost_per_success_usd).toBeCloseTo(Number(haiku.cost_usd) / 1, 10);
    const sonnet = rows.find((r) => r.model === 'claude-sonnet-4-5')!;
    expect(sonnet).toMatchObject({ turns: 5, succeeded_turns: 1, failed_turns: 3, unknown_turns: 1 });
    const sessions = await runNamedQuery<Record<string, number | string>>(ledger, 'outcomes_by_session');
    expect(sessions.find((s) => s.session_id === 's-reask')).toMatchObject({ turns: 2, succeeded_turns: 1, failed_turns: 1, project: 'proj' });
  });
});
