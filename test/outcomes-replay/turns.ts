import type { Ledger } from '../../src/db/ledger.js';

/**
 * Hand-built agent turns for the outcomes tests: each turn is a session of its own with one prompt, one
 * request (1M uncached input tokens on `model`, task type `taskType`) and the events that decide its
 * outcome under agent_turns(): a clean tool call (succeeded), an interrupt (failed), the same command
 * failing three times (failed, with repeated failures) or nothing at all (unknown).
 */
export type TurnKind = 'succeeded' | 'failed' | 'repeat_failed' | 'unknown';

export interface TurnSpec {
  model: string;
  taskType: string;
  kind: TurnKind;
  count: number;
}

interface EventRow {
  key: string;
  session: string;
  line: number;
  at: string;
  event: string;
  call: string | null;
  cmd: string | null;
  error: boolean | null;
  err: string | null;
}

// call ids are unique per session here, as in real transcripts (toolu_…, call_…)
export async function seedTurns(ledger: Ledger, specs: TurnSpec[], day = '2026-11-02'): Promise<void> {
  const events: EventRow[] = [];
  const usage: { key: string; session: string; at: string; model: string; taskType: string }[] = [];
  let n = 0;
  for (const s of specs) {
    for (let i = 0; i < s.count; i++, n++) {
      const session = `s-${s.model}-${s.taskType}-${s.kind}-${i}`;
      const t0 = Date.parse(`${day}T08:00:00Z`) + n * 60_000;
      const at = (sec: number) => new Date(t0 + sec * 1000).toISOString();
      let line = 0;
      const ev = (sec: number, event: string, x: Partial<EventRow> = {}) =>
        events.push({ key: `${session}:${++line}`, session, line, at: at(sec), event, call: null, cmd: null, error: null, err: null, ...x });
      ev(0, 'prompt');
      usage.push({ key: `req:${session}`, session, at: at(1), model: s.model, taskType: s.taskType });
      if (s.kind === 'succeeded') {
        ev(2, 'tool_call', { call: `${session}:c1`, cmd: 'h_ls' });
        ev(3, 'tool_result', { call: `${session}:c1`, error: false });
      } else if (s.kind === 'failed') {
        ev(2, 'tool_call', { call: `${session}:c1`, cmd: 'h_ls' });
        ev(3, 'tool_result', { call: `${session}:c1`, error: false });
        ev(4, 'interrupt');
      } else if (s.kind === 'repeat_failed') {
        for (let k = 1; k <= 3; k++) {
          ev(2 * k, 'tool_call', { call: `${session}:c${k}`, cmd: 'h_build' });
          ev(2 * k + 1, 'tool_result', { call: `${session}:c${k}`, error: true, err: `e${k}` });
        }
      }
    }
  }
  for (const e of events) {
    await ledger.run(
      `INSERT INTO agent_events (record_key, source, source_line, import_id, session_id, occurred_at, is_sidechain, event, call_id,
         prompt_hash, tool_name, program, command_hash, is_test_run, is_error, error_hash)
       VALUES ($key, 'claude-code', $line, 'imp_test', $session, $at::TIMESTAMPTZ, false, $event, $call,
         CASE WHEN $event = 'prompt' THEN md5($session) END, CASE WHEN $event = 'tool_call' THEN 'Bash' END,
         CASE WHEN $cmd IS NOT NULL THEN 'npm' END, $cmd, CASE WHEN $event = 'tool_call' THEN false END, $error, $err)`,
      { ...e },
    );
  }
  for (const u of usage) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
         cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, session_id, project, task_type, tier)
       VALUES ($key, 'claude-code', 'imp_test', $at::TIMESTAMPTZ, 'anthropic', $model, $model, 1, 1000000, 0, 0, 0, 0, $session, 'proj', $taskType, 2)`,
      { ...u },
    );
  }
}
