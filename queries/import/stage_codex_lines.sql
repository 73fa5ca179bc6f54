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
           OR contains(raw, '"user_message"') OR contains(raw, '_call"') AS wanted
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
                                     '$.payload.source.subagent.thread_spawn.parent_thread_id'])
         END AS f
  FROM checked
)
-- f[1] line type, f[2] timestamp, f[3] payload type, f[4..11] session_meta, f[12..13] turn_context,
-- f[14..19] token_count, f[20] tool name, f[21] prompt, f[22] a subagent's parent thread. The raw text is kept only for lines that may
-- be rejected: lines that are not JSON, and token_count events (small lines; stage_codex.sql checks them).
SELECT source_file, source_line, ok, f,
       CASE WHEN NOT ok OR (f[1] = 'event_msg' AND f[3] = 'token_count') THEN rtrim(left(raw, 100000), E'\r') END AS raw
FROM parsed
