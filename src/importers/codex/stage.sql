-- Second step of staging Codex CLI rollouts (after codex/read.sql): one staged row per
-- token_count event that carries totals, a reject per line that is not JSON or whose totals do not
-- read, and per file one row counting the lines skipped (session_meta, turn_context, response items,
-- token_count events without info or with an all-zero total).
--
-- Units: token_count.info.total_token_usage is the session's CUMULATIVE usage. A request's tokens are
-- the delta from the previous event of the same file (by line); input_tokens includes
-- cached_input_tokens and output_tokens includes reasoning_output_tokens, so uncached input =
-- Δinput − Δcached and output = Δoutput (reasoning_tokens = Δreasoning). A total that goes down
-- starts a new count (the delta is the total itself): a session resumed by an older Codex, whose
-- running total starts again from zero in the same file.
-- A total only grows within a count, so an event whose four totals an earlier event of the file
-- already had is a repeat: a re-emission (Codex writes token_count again at turn start and end), or a
-- block of events replayed when a file was concatenated or copied into itself. A repeat adds nothing
-- (same key, zero delta: a duplicate) and is not the previous event of the next one.
-- Counts go through token_count: a negative total, or one past any plausible one (NaN, 1e308, 9e18),
-- rejects its line.
--
-- Identity: record_key = the session lineage's root id + the cumulative total after the event.
--   * Codex re-emits token_count with an unchanged total (at turn start and end): same lineage, same
--     total, so the same key; its delta is 0 and the event that moved the total wins (keep-best keeps
--     the most tokens): a re-emission counts as a duplicate.
--   * A fork (/fork, or a subagent forked from its parent: session_meta.forked_from_id) is a new file
--     with a new session id and rewritten timestamps that first copies the parent's rollout, token_count
--     events included, then continues from the parent's total. Keyed by its own session id, every
--     copied event would be counted again; keyed by timestamp, too. The copy does carry the parent's
--     session_meta lines, so the root of the lineage is the first session_meta in the file that was
--     not itself forked (the root's own in its own file, the copied one in a fork or a fork of a fork),
--     else the file's forked_from_id (a fork that did not copy it), else its own id, else the uuid in
--     its file name. A copied event then has the same root and the same cumulative total as the
--     original: a duplicate. Deltas match too, since a fork copies the rollout from its start.
--   * A fork's own events continue from the parent's total, so they only collide with the parent's
--     later events if both added exactly the same four counts. Unrelated sessions never share a root.
--   * Rows of a forked or subagent file are sidechain rows: the merge prefers the parent's own copy of
--     a replayed event (its session and file) over the fork's, in one run or across runs.
-- session_id is the file's own session (a thread-spawned subagent's parent thread); agent_id is a
-- subagent's own id. Model, cwd and effort come from the latest turn_context before the event.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH metas AS (
  SELECT source_file, source_line, f[4] AS id, f[5] AS cwd, f[6] AS forked_from, f[7] AS src, f[8] AS git_branch,
         f[9] AS cli_version, f[10] AS originator, f[11] AS model_provider, f[22] AS parent_thread_id
  FROM codex_lines
  WHERE ok AND f[1] = 'session_meta'
),
sessions AS (  -- a file's own session is its first session_meta; later ones are copies (a fork's parent)
  SELECT source_file,
         first(id ORDER BY source_line) AS own_id,
         first(cwd ORDER BY source_line) AS meta_cwd,
         first(forked_from ORDER BY source_line) AS forked_from,
         first(src ORDER BY source_line) AS src,
         first(git_branch ORDER BY source_line) AS git_branch,
         first(cli_version ORDER BY source_line) AS cli_version,
         first(originator ORDER BY source_line) AS originator,
         first(model_provider ORDER BY source_line) AS model_provider,
         first(parent_thread_id ORDER BY source_line) AS parent_thread_id,
         first(id ORDER BY source_line) FILTER (WHERE forked_from IS NULL AND id IS NOT NULL) AS unforked_id
  FROM metas
  GROUP BY source_file
),
contexts AS (
  SELECT source_file, source_line, f[12] AS model, f[13] AS effort, f[5] AS cwd
  FROM codex_lines
  WHERE ok AND f[1] = 'turn_context'
),
prompts AS (
  SELECT source_file, source_line, f[21] AS prompt
  FROM codex_lines
  WHERE ok AND f[1] = 'event_msg' AND f[3] = 'user_message' AND f[21] IS NOT NULL
),
events AS (  -- token_count events with totals (info null: nothing counted yet, skipped)
  SELECT source_file, source_line, raw,
         try_cast(f[2] AS TIMESTAMPTZ) AS ts,
         token_count(f[15]) AS in_total,
         f[16] AS f16, f[18] AS f18,
         coalesce(token_count_fault('total_token_usage.input_tokens', f[15]),
                  token_count_fault('total_token_usage.cached_input_tokens', f[16]),
                  token_count_fault('total_token_usage.output_tokens', f[17]),
                  token_count_fault('total_token_usage.reasoning_output_tokens', f[18])) AS count_fault,
         CASE WHEN f[16] IS NULL THEN 0 ELSE token_count(f[16]) END AS cached_total,
         token_count(f[17]) AS out_total,
         CASE WHEN f[18] IS NULL THEN 0 ELSE token_count(f[18]) END AS reasoning_total,
         try_cast(f[19] AS BIGINT) AS context_window
  FROM codex_lines
  WHERE ok AND f[1] = 'event_msg' AND f[3] = 'token_count' AND f[14] IS NOT NULL
),
checked AS (
  SELECT *,
         CASE
           WHEN ts IS NULL THEN 'token_count without a valid timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN in_total IS NULL OR out_total IS NULL OR (f16 IS NOT NULL AND cached_total IS NULL)
                OR (f18 IS NOT NULL AND reasoning_total IS NULL)
             THEN 'total_token_usage: a token count is missing or not a number'
           WHEN cached_total > in_total THEN 'total_token_usage cached_input_tokens exceed input_tokens'
           WHEN reasoning_total > out_total THEN 'total_token_usage reasoning_output_tokens exceed output_tokens'
         END AS reason
  FROM events
),
counted AS (  -- the readable, non-zero events; a repeat has the totals of an earlier event of its file
  SELECT *,
         row_number() OVER (PARTITION BY source_file, in_total, cached_total, out_total, reasoning_total ORDER BY source_line) > 1 AS repeated
  FROM checked
  WHERE reason IS NULL AND in_total + out_total > 0
),
moved AS (  -- the previous total of the same file: lag over the events that are not repeats
  SELECT *,
         lag(in_total) OVER w AS prev_in, lag(cached_total) OVER w AS prev_cached,
         lag(out_total) OVER w AS prev_out, lag(reasoning_total) OVER w AS prev_reasoning
  FROM counted
  WHERE NOT repeated
  WINDOW w AS (PARTITION BY source_file ORDER BY source_line)
),
deltas AS (
  SELECT *,
         -- no previous event, or a total that went down: the count starts again from this total
         prev_in IS NULL OR in_total < prev_in OR cached_total < prev_cached OR out_total < prev_out
           OR reasoning_total < prev_reasoning AS restart
  FROM moved
),
requests AS (
  SELECT * EXCLUDE (prev_in, prev_cached, prev_out, prev_reasoning, restart),
         in_total - CASE WHEN restart THEN 0 ELSE prev_in END AS d_in,
         cached_total - CASE WHEN restart THEN 0 ELSE prev_cached END AS d_cached,
         out_total - CASE WHEN restart THEN 0 ELSE prev_out END AS d_out,
         reasoning_total - CASE WHEN restart THEN 0 ELSE prev_reasoning END AS d_reasoning
  FROM deltas
  UNION ALL BY NAME
  SELECT *, 0 AS d_in, 0 AS d_cached, 0 AS d_out, 0 AS d_reasoning  -- a repeat: its key, nothing added
  FROM counted
  WHERE repeated
),
responses AS (  -- events that moved the total: the model responses tool calls are attributed to
  SELECT source_file, source_line FROM requests WHERE d_in + d_out > 0
),
tool_calls AS (  -- a response's items are written before its token_count: each goes to the next response
  SELECT r.source_file, r.source_line,
         list_sort(list_distinct(list(t.tool))) AS tools,
         count(*) FILTER (WHERE t.item_type = 'web_search_call') AS web_searches
  FROM (SELECT source_file, source_line, f[3] AS item_type,
               coalesce(f[20], CASE f[3] WHEN 'local_shell_call' THEN 'local_shell' WHEN 'web_search_call' THEN 'web_search' END) AS tool
        FROM codex_lines
        WHERE ok AND f[1] = 'response_item' AND f[3] IN ('function_call', 'custom_tool_call', 'local_shell_call', 'web_search_call')) AS t
  ASOF JOIN responses r ON t.source_file = r.source_file AND t.source_line <= r.source_line
  GROUP BY ALL
),
usage_rows AS (
  SELECT q.*, s.* EXCLUDE (source_file), c.model, c.effort, coalesce(c.cwd, s.meta_cwd) AS cwd, left(p.prompt, 4000) AS prompt_text,
         t.tools, coalesce(t.web_searches, 0) AS web_searches,
         nullif(regexp_extract(q.source_file, '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$', 1), '') AS file_uuid,
         coalesce(s.src LIKE '{%"subagent"%', false) AS is_subagent
  FROM requests q
  LEFT JOIN sessions s USING (source_file)
  LEFT JOIN tool_calls t USING (source_file, source_line)
  ASOF LEFT JOIN contexts c ON c.source_file = q.source_file AND q.source_line >= c.source_line
  ASOF LEFT JOIN prompts p ON p.source_file = q.source_file AND q.source_line >= p.source_line
)
SELECT CASE WHEN d_cached > d_in THEN 'reject' ELSE 'usage' END AS row_kind,
       CASE WHEN d_cached > d_in THEN 'cached_input_tokens grew more than input_tokens since the previous event' END AS reason,
       CASE WHEN d_cached > d_in THEN raw END AS raw,
       concat_ws(':', coalesce(unforked_id, forked_from, own_id, file_uuid, source_file),
                 in_total, cached_total, out_total, reasoning_total) AS record_key,
       'codex' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       CASE WHEN model_provider IS NULL OR lower(model_provider) = 'openai' THEN 'openai'
            WHEN lower(model_provider) IN ('oss', 'ollama', 'lmstudio') THEN 'local'
            ELSE lower(model_provider) END AS provider,
       model AS model_raw,
       1 AS requests,
       d_in - d_cached AS input_tokens,
       d_cached AS cache_read_tokens,
       0 AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       d_out AS output_tokens,
       d_reasoning AS reasoning_tokens,
       web_searches AS web_search_requests,
       'standard' AS service_tier,
       coalesce(parent_thread_id, own_id, file_uuid) AS session_id,
       nullif(regexp_extract(cwd, '([^/\\]+)[/\\]*$', 1), '') AS project,
       CASE WHEN is_subagent THEN coalesce(own_id, file_uuid) END AS agent_id,
       forked_from IS NOT NULL OR is_subagent AS is_sidechain,
       json_object('cwd', cwd, 'git_branch', git_branch, 'cli_version', cli_version, 'originator', originator,
                   'effort', effort, 'forked_from', forked_from, 'model_context_window', context_window) AS tags,
       tools,
       'ok' AS status,
       prompt_text
FROM usage_rows
UNION ALL BY NAME
-- agent_events rows (issue 18): the user's prompts, turn_aborted (interrupted), tool calls and their
-- outputs, keyed by call_id (a fork's copies of its parent's calls count once) or by session and time.
-- They are no usage rows: the import moves them into agent_events (insert_staged_events.sql), uncounted.
SELECT 'event' AS row_kind,
       CASE kind WHEN 'tool_call' THEN 'call:' || call_id WHEN 'tool_result' THEN 'result:' || call_id
                 ELSE kind || ':' || session_id || '@' || CAST(ts AS VARCHAR) END AS record_key,
       'codex' AS source, source_file, source_line, $import_id AS import_id, ts AS started_at, session_id, is_sidechain,
       {'event': kind, 'call_id': call_id,
        'prompt_hash': CASE WHEN kind = 'prompt' THEN md5(mask_secrets(left(prompt, 4000))) END,
        'tool_name': tool_name, 'program': shell_program(command), 'command_hash': md5(command),
        'is_test_run': is_test_command(command), 'is_error': CAST(failed AS BOOLEAN), 'exit_code': CAST(exit_code AS INTEGER),
        'error_hash': error.error_hash, 'error_first_line': error.error_first_line} AS event  -- as create_staged_usage.sql types it
FROM (
  SELECT l.source_file, l.source_line, try_cast(l.f[2] AS TIMESTAMPTZ) AS ts, l.f[23] AS call_id, l.f[21] AS prompt,
         l.exit_code, l.failed, l.error,
         CASE WHEN l.f[1] = 'event_msg' AND l.f[3] = 'user_message' AND l.f[21] IS NOT NULL THEN 'prompt'
              WHEN l.f[1] = 'event_msg' AND l.f[3] = 'turn_aborted' AND coalesce(l.f[26], 'interrupted') = 'interrupted' THEN 'interrupt'
              WHEN l.f[1] = 'response_item' AND l.f[3] IN ('function_call', 'custom_tool_call', 'local_shell_call') THEN 'tool_call'
              WHEN l.f[1] = 'response_item' AND l.f[3] IN ('function_call_output', 'custom_tool_call_output') THEN 'tool_result'
         END AS kind,
         coalesce(l.f[20], CASE l.f[3] WHEN 'local_shell_call' THEN 'local_shell' END) AS tool_name,
         CASE WHEN l.f[3] IN ('function_call', 'local_shell_call') THEN codex_command(coalesce(l.f[24], l.f[25])) END AS command,
         coalesce(s.parent_thread_id, s.own_id,
                  nullif(regexp_extract(l.source_file, '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$', 1), '')) AS session_id,
         s.forked_from IS NOT NULL OR coalesce(s.src LIKE '{%"subagent"%', false) AS is_sidechain
  FROM codex_lines l
  LEFT JOIN sessions s USING (source_file)
  WHERE l.ok AND (l.f[1] = 'event_msg' AND l.f[3] IN ('user_message', 'turn_aborted')
                  OR l.f[1] = 'response_item' AND l.f[3] IN ('function_call', 'custom_tool_call', 'local_shell_call', 'function_call_output', 'custom_tool_call_output'))
)
WHERE kind IS NOT NULL AND ts IS NOT NULL AND session_id IS NOT NULL AND (call_id IS NOT NULL OR kind IN ('prompt', 'interrupt'))
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'codex' AS source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted line)' AS reason, raw,
       'codex' AS source, source_file, source_line, $import_id AS import_id
FROM codex_lines
WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'codex' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM codex_lines l
WHERE ok AND NOT EXISTS (SELECT 1 FROM checked c
                         WHERE c.source_file = l.source_file AND c.source_line = l.source_line
                           AND (c.reason IS NOT NULL OR c.in_total + c.out_total > 0))
GROUP BY source_file
