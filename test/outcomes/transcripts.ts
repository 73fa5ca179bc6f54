// Hand-written transcript lines for the agent_events tests (issue 18), in the shapes docs/formats.md
// describes: a Claude Code session and a Codex rollout, each with a turn that passes its tests after a
// failure, one that is refused or interrupted, and a retried failing command.

const cc = (o: Record<string, unknown>) => JSON.stringify({ sessionId: 'sess-cc', cwd: '/home/dev/shop', isSidechain: false, version: '2.0.14', ...o });
const usage = { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
const at = (s: number) => new Date(Date.UTC(2026, 10, 2, 10, 0, s)).toISOString();
const bash = (n: number, s: number, id: string, command: string) =>
  cc({ type: 'assistant', uuid: `a${n}`, timestamp: at(s), requestId: `req_${n}`,
       message: { id: `msg_${n}`, model: 'claude-haiku-4-5', role: 'assistant', content: [{ type: 'tool_use', id, name: 'Bash', input: { command, description: 'x' } }], usage } });
const result = (n: number, s: number, id: string, content: unknown, isError: boolean) =>
  cc({ type: 'user', uuid: `u${n}`, timestamp: at(s), message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, is_error: isError }] } });
const prompt = (n: number, s: number, text: string) => cc({ type: 'user', uuid: `p${n}`, timestamp: at(s), message: { role: 'user', content: text } });

/** Claude Code: four turns (lines 1-5 pass after a failure; 6-8 refused; 9-10 interrupted; 11-15 retry a failing build). */
export const CLAUDE_LINES = [
  prompt(1, 0, 'fix the failing cart test'),
  bash(1, 5, 'toolu_1', 'cd /home/dev/shop && npm test'),
  result(2, 9, 'toolu_1', 'Exit code 1\n FAIL  test/cart.test.ts > totals\nAssertionError: expected 3 to be 4', true),
  bash(2, 15, 'toolu_2', 'npx vitest run test/cart.test.ts'),
  result(3, 19, 'toolu_2', [{ type: 'text', text: ' Test Files  1 passed (1)' }], false),
  prompt(4, 30, 'now delete the old fixtures'),
  bash(3, 35, 'toolu_3', 'rm -rf test/old'),
  result(5, 39, 'toolu_3', "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.", true),
  cc({ type: 'user', uuid: 'i1', timestamp: at(40), message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user for tool use]' }] } }),
  prompt(6, 45, 'build the release bundle'),
  bash(4, 47, 'toolu_4', 'NODE_ENV=production npm run build -- --token sk-ant-api03-abcdefghijklmnopqrstuvwxyz'),
  result(7, 48, 'toolu_4', 'Exit code 2\nerror TS2304: Cannot find name sk-ant-api03-abcdefghijklmnopqrstuvwxyz', true),
  bash(5, 50, 'toolu_5', 'NODE_ENV=production npm run build -- --token sk-ant-api03-abcdefghijklmnopqrstuvwxyz'),
  result(8, 51, 'toolu_5', 'Exit code 2\nerror TS2304: Cannot find name sk-ant-api03-abcdefghijklmnopqrstuvwxyz', true),
  bash(6, 53, 'toolu_6', 'NODE_ENV=production npm run build -- --token sk-ant-api03-abcdefghijklmnopqrstuvwxyz'),
  result(9, 54, 'toolu_6', 'Exit code 2\nerror TS2304: Cannot find name sk-ant-api03-abcdefghijklmnopqrstuvwxyz', true),
];

/** A later turn appended to the Claude Code session: an interrupt with no tool call. */
export const CLAUDE_APPENDED = [
  prompt(10, 58, 'explain the pricing module'),
  cc({ type: 'assistant', uuid: 'a9', timestamp: at(59), requestId: 'req_9', message: { id: 'msg_9', model: 'claude-haiku-4-5', role: 'assistant', content: [{ type: 'text', text: 'It…' }], usage } }),
  cc({ type: 'user', uuid: 'i2', timestamp: at(59), message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] } }),
];

const SESSION = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const cx = (s: number, type: string, payload: Record<string, unknown>) => JSON.stringify({ timestamp: at(s), type, payload });
let total = 0;
const tokens = (s: number) => {
  total += 1000;
  return cx(s, 'event_msg', { type: 'token_count', info: { total_token_usage: { input_tokens: total, cached_input_tokens: 0, output_tokens: total / 10, reasoning_output_tokens: 0, total_tokens: total * 1.1 }, model_context_window: 272000 } });
};
const call = (s: number, id: string, args: unknown, name = 'shell') => cx(s, 'response_item', { type: 'function_call', name, arguments: JSON.stringify(args), call_id: id });
const output = (s: number, id: string, out: string) => cx(s, 'response_item', { type: 'function_call_output', call_id: id, output: out });

/** Codex: three turns (pytest fails then passes; the same command fails twice; an aborted turn). */
export function codexLines(): string[] {
  total = 0;
  return [
    cx(0, 'session_meta', { id: SESSION, timestamp: at(0), cwd: '/home/dev/api', originator: 'codex_cli_rs', cli_version: '0.50.0' }),
    cx(0, 'turn_context', { cwd: '/home/dev/api', model: 'gpt-5-codex', effort: 'medium' }),
    cx(1, 'event_msg', { type: 'user_message', message: 'make the orders tests pass', kind: 'plain' }),
    call(2, 'call_1', { command: ['bash', '-lc', 'pytest -q tests/test_orders.py'], workdir: '/home/dev/api' }),
    output(3, 'call_1', JSON.stringify({ output: 'F.\n1 failed, 1 passed', metadata: { exit_code: 1, duration_seconds: 0.4 } })),
    tokens(4),
    call(5, 'call_2', { cmd: 'pytest -q tests/test_orders.py' }, 'exec_command'),
    output(6, 'call_2', 'Process exited with code 0\nOutput:\n2 passed'),
    tokens(7),
    cx(10, 'event_msg', { type: 'user_message', message: 'run the migration', kind: 'plain' }),
    call(11, 'call_3', { cmd: 'cd /home/dev/api && alembic upgrade head' }, 'exec_command'),
    output(12, 'call_3', 'Exit code: 1\nWall time: 0.3 seconds\nOutput:\nalembic.util.exc.CommandError: Target database is not up to date.'),
    tokens(13),
    call(14, 'call_4', { cmd: 'cd /home/dev/api && alembic upgrade head' }, 'exec_command'),
    output(15, 'call_4', 'Exit code: 1\nWall time: 0.3 seconds\nOutput:\nalembic.util.exc.CommandError: Target database is not up to date.'),
    tokens(16),
    call(17, 'call_5', { cmd: 'cd /home/dev/api && alembic upgrade head' }, 'exec_command'),
    output(18, 'call_5', 'Exit code: 1\nWall time: 0.3 seconds\nOutput:\nalembic.util.exc.CommandError: Target database is not up to date.'),
    tokens(19),
    cx(20, 'event_msg', { type: 'user_message', message: 'add an index on orders.created_at', kind: 'plain' }),
    call(21, 'call_6', { cmd: 'sed -n 1,40p models.py' }, 'exec_command'),
    tokens(22),
    cx(23, 'event_msg', { type: 'turn_aborted', reason: 'interrupted' }),
  ];
}
export const CODEX_FILE = `rollout-2026-11-02T10-00-00-${SESSION}.jsonl`;
