-- First step of staging Codex CLI rollouts: split the files into lines in parallel (read_text gives
-- exact line numbers) and parse each line once into the few fields staging needs. Only the line kinds
-- that matter are parsed in full: session_meta, turn_context, token_count events, user prompts and
-- tool calls (function_call_output lines are large and carry nothing staging needs). A trailing CR is
-- JSON whitespace.
-- params: $files VARCHAR[]
CREATE OR REPLACE TEMP TABLE codex_lines AS
WITH lines AS (
  SELECT filename AS source_file,
         unnest(range(1, len(string_split(content, E'\n')) + 1)) AS source_line,
         unnest(string_split(content, E'\n')) AS text
  FROM read_text($files)
),
checked AS (
  SELECT source_file, source_line, raw, json_valid(raw) AS ok,
         contains(raw, '"token_count"') OR contains(raw, '"session_meta"') OR contains(raw, '"turn_context"')
           OR contains(raw, '"user_message"') OR contains(raw, '_call"') OR contains(raw, '_call_output"')
           OR contains(raw, '"turn_aborted"') AS wanted
  FROM (SELECT source_file, source_line,
               CASE WHEN source_line = 1 THEN ltrim(text, chr(65279)) ELSE text END AS raw  -- a UTF-8 byte-order mark
        FROM lines)
  WHERE raw NOT IN ('', E'\r')
),
parsed AS (
  SELECT source_file, source_line, ok, raw,
         CASE WHEN ok AND wanted THEN
           json_extract_string(raw, ['$.type', '$.timestamp', '$.payload.type',
                                     -- session_meta
                                     '$.payload.id', '$.payload.cwd', '$.payload.forked_from_id', '$.payload.source',
                                     '$.payload.git.branch', '$.payload.cli_version', '$.payload.originator',
                                     '$.payload.model_provider',
                                     -- turn_context
                                     '$.payload.model', '$.payload.effort',
                                     -- token_count: the cumulative totals of the session
                                     '$.payload.info.total_token_usage',
                                     '$.payload.info.total_token_usage.input_tokens',
                                     '$.payload.info.total_token_usage.cached_input_tokens',
                                     '$.payload.info.total_token_usage.output_tokens',
                                     '$.payload.info.total_token_usage.reasoning_output_tokens',
                                     '$.payload.info.model_context_window',
                                     -- response items (tool calls) and the user's prompt
                                     '$.payload.name', '$.payload.message',
                                     -- session_meta of a thread-spawned subagent
                                     '$.payload.source.subagent.thread_spawn.parent_thread_id',
                                     -- tool calls and their outputs, turn_aborted (agent_events, issue 18)
                                     '$.payload.call_id', '$.payload.arguments', '$.payload.action', '$.payload.reason',
                                     '$.payload.output'])
         END AS f
  FROM checked
)
-- f[1] line type, f[2] timestamp, f[3] payload type, f[4..11] session_meta, f[12..13] turn_context,
-- f[14..19] token_count, f[20] tool name, f[21] prompt, f[22] a subagent's parent thread, f[23] a tool
-- call's id, f[24] its arguments (JSON text), f[25] a local_shell_call's action, f[26] turn_aborted's
-- reason; a tool output (f[27]) is not kept, only its exit code, whether it failed and for a failure
-- tool_error's fields (macros/tool_error.sql). The raw text is kept only for lines that may
-- be rejected: lines that are not JSON, and token_count events (small lines; codex/stage.sql checks them).
SELECT source_file, source_line, ok, f, raw, exit_code,
       CASE WHEN failed THEN tool_error(output_text) END AS error,
       failed
FROM (
  SELECT source_file, source_line, ok, f[1:26] AS f,
         CASE WHEN NOT ok OR (f[1] = 'event_msg' AND f[3] = 'token_count') THEN rtrim(left(raw, 100000), E'\r') END AS raw,
         exit_code, output_text,
         CASE WHEN f[3] IN ('function_call_output', 'custom_tool_call_output') THEN coalesce(exit_code <> 0, false) OR coalesce(success = 'false', false) END AS failed
  FROM (
    SELECT *,
           -- an output is `{"output": …, "metadata": {"exit_code": …}}` as JSON text, or plain text
           coalesce(CASE WHEN output_json THEN try_cast(json_extract_string(f[27], '$.metadata.exit_code') AS INTEGER) END,
                    stated_exit_code(output_text)) AS exit_code,
           CASE WHEN output_json THEN json_extract_string(f[27], '$.success') END AS success
    FROM (
      SELECT *,
             coalesce(left(ltrim(f[27]), 1) = '{' AND json_valid(f[27]), false) AS output_json,
             CASE WHEN left(ltrim(f[27]), 1) = '{' AND json_valid(f[27]) THEN coalesce(json_extract_string(f[27], '$.output'), f[27]) ELSE f[27] END AS output_text
      FROM parsed
    )
  )
)
