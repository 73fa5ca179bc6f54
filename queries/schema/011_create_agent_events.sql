-- What an agent transcript says about how a turn went (issue 18: outcomes), one row per signal line:
-- a human prompt (a turn starts), a tool call, a tool's result, the user interrupting or rejecting a
-- tool call. Turns and their outcomes are derived by query (queries/outcomes_*.sql), so an append read
-- from a file's offset and subagent files in other files join up at query time. Only what the signals
-- need is kept: flags, exit codes, a shell command's program name and md5, an error's md5 and first
-- line (masked) — never a tool's output. Like prompts, local to the ledger: never exported or reported
-- except as counts.
CREATE TABLE agent_events (
  record_key       VARCHAR NOT NULL,  -- dedupe key within source: the line's identity and the event's
  source           VARCHAR NOT NULL,  -- importer id ('claude-code', 'codex')
  source_file      VARCHAR,
  source_line      BIGINT,
  import_id        VARCHAR NOT NULL,
  session_id       VARCHAR NOT NULL,
  occurred_at      TIMESTAMPTZ NOT NULL,
  is_sidechain     BOOLEAN,           -- a subagent's line
  event            VARCHAR NOT NULL,  -- 'prompt' | 'tool_call' | 'tool_result' | 'interrupt' | 'tool_rejected'
  call_id          VARCHAR,           -- tool_call/tool_result/tool_rejected: the call they belong to
  prompt_hash      VARCHAR,           -- prompt: md5 of its masked text (the prompts table holds the text)
  tool_name        VARCHAR,           -- tool_call: as the agent names it ('Bash', 'Read', 'exec_command')
  program          VARCHAR,           -- tool_call of a shell: the program name ('npm', 'pytest'), never its arguments
  command_hash     VARCHAR,           -- tool_call of a shell: md5 of the command (repeats, without the text)
  is_test_run      BOOLEAN,           -- tool_call of a shell: the command runs a test runner
  is_error         BOOLEAN,           -- tool_result: flagged as an error (is_error, a non-zero exit code)
  exit_code        INTEGER,           -- tool_result: when the log says
  error_hash       VARCHAR,           -- tool_result that failed: md5 of its error text
  error_first_line VARCHAR            -- tool_result that failed: the first line of its error (≤ 120 characters, secrets masked)
);
