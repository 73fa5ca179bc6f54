-- agent_turns(): every agent turn with its signals and outcome (issue 18) — the one definition behind
-- outcomes_by_session.sql and outcomes_by_model_and_task.sql.
-- grain: one row per turn that made at least one request.
--
-- A turn is a human prompt (an agent_events 'prompt' of the main chain) and every request (counted,
-- priced) and event of the same source and session from it until the session's next prompt, subagents
-- included (their lines carry the parent session). Within a session, prompts run in occurred_at,
-- source_line order; a request or event joins the last prompt at or before its time.
-- Signals per turn:
--   tool_failures       tool results flagged as errors (is_error, or a non-zero exit code)
--   repeated_failures   failures whose command (command_hash of their call) or error text (error_hash)
--                       already failed earlier in the turn: the guides' "two failed attempts on the same error"
--   test_runs           shell calls that run a test runner (is_test_run); last_test_passed: the result of
--                       the last one with a result (NULL: no test run answered)
--   interrupted         the user interrupted the agent; tool_rejected: the user refused a tool call
--   re_asked            the session's next prompt reads almost the same (jaro_winkler >= 0.9 on the prompts
--                       table's texts): a re-ask marks the EARLIER turn as overridden. Over a lake there
--                       are no texts: prompt_hash is the ask_key the export computed by this rule, the same
--                       for a prompt and the next one that re-asks it (queries/lake/copy_agent_events.sql)
-- Outcome (first match wins):
--   failed     the last test run failed, or the turn was interrupted, rejected or re-asked, or it ended
--              with >= 2 repeated failures
--   succeeded  the last test run passed, or it had no tool failure and no override and at least one tool call
--   unknown    otherwise (no tool call and no test run: nothing to judge by)
-- Main model and task type: the ones with the largest cost share of the turn's requests.
CREATE OR REPLACE TEMP MACRO agent_turns() AS TABLE
WITH prompts_seq AS (
  SELECT source, session_id, occurred_at AS started_at, source_line, prompt_hash,
         lead(prompt_hash) OVER w AS next_prompt_hash,
         row_number() OVER w AS turn_no
  FROM agent_events
  WHERE event = 'prompt' AND NOT coalesce(is_sidechain, false)
  WINDOW w AS (PARTITION BY source, session_id ORDER BY occurred_at, source_line, record_key)
),
turns AS (
  SELECT p.*, t1.prompt_text, t2.prompt_text AS next_prompt_text
  FROM prompts_seq p
  LEFT JOIN prompts t1 ON t1.prompt_hash = p.prompt_hash
  LEFT JOIN prompts t2 ON t2.prompt_hash = p.next_prompt_hash
),
events AS (  -- the turn's events other than its prompts
  SELECT t.turn_no, e.*
  FROM agent_events e
  ASOF JOIN turns t ON t.source = e.source AND t.session_id = e.session_id AND e.occurred_at >= t.started_at
  WHERE e.event <> 'prompt'
),
results AS (  -- each result or rejection with its call's command, in call order
  SELECT r.source, r.session_id, r.turn_no, r.event, r.occurred_at, r.source_line, r.is_error, r.exit_code,
         r.error_hash, c.command_hash, coalesce(c.is_test_run, false) AS is_test_run,
         coalesce(c.occurred_at, r.occurred_at) AS called_at
  FROM events r
  LEFT JOIN (SELECT DISTINCT ON (source, session_id, call_id) source, session_id, call_id, command_hash, is_test_run, occurred_at
             FROM events WHERE event = 'tool_call' AND call_id IS NOT NULL) c
    ON c.source = r.source AND c.session_id = r.session_id AND c.call_id = r.call_id  -- ids repeat across sessions
  WHERE r.event = 'tool_result'
),
failures AS (
  SELECT source, session_id, turn_no,
         coalesce(count(*) FILTER (WHERE command_hash IS NOT NULL) OVER (PARTITION BY source, session_id, turn_no, command_hash ORDER BY occurred_at, source_line ROWS UNBOUNDED PRECEDING) > 1, false)
           OR coalesce(count(*) FILTER (WHERE error_hash IS NOT NULL) OVER (PARTITION BY source, session_id, turn_no, error_hash ORDER BY occurred_at, source_line ROWS UNBOUNDED PRECEDING) > 1, false)
           AS is_repeat
  FROM results
  WHERE is_error
),
event_signals AS (
  SELECT source, session_id, turn_no,
         count(*) FILTER (WHERE event = 'tool_call') AS tool_calls,
         count(*) FILTER (WHERE event = 'tool_call' AND is_test_run) AS test_runs,
         bool_or(event = 'interrupt') AS interrupted,
         bool_or(event = 'tool_rejected') AS tool_rejected
  FROM events
  GROUP BY ALL
),
result_signals AS (
  SELECT source, session_id, turn_no,
         count(*) FILTER (WHERE is_error) AS tool_failures,
         arg_max(NOT is_error, (called_at, occurred_at, source_line)) FILTER (WHERE is_test_run) AS last_test_passed
  FROM results
  GROUP BY ALL
),
repeat_signals AS (
  SELECT source, session_id, turn_no, count(*) FILTER (WHERE is_repeat) AS repeated_failures
  FROM failures
  GROUP BY ALL
),
turn_sessions AS (SELECT DISTINCT source, session_id FROM turns),
requests AS (  -- only the sessions with turns go into the ASOF join: it sorts its whole left side, and
               -- a ledger of gateway logs and exports has millions of rows in no agent session.
               -- The counted per-request rows are the priced ones but Claude Code telemetry of sessions
               -- transcripts describe (usage_counted), and telemetry has no turns (agent_events come from
               -- transcripts): read priced, not counted, which would build its aggregate remainders too.
  SELECT t.turn_no, u.source, u.session_id, u.project, u.model, coalesce(u.task_type, 'unclassified') AS task_type,
         u.requests, u.cost_usd
  FROM (SELECT c.source, c.session_id, c.started_at, c.project, c.model, c.task_type, c.requests, c.cost_usd
        FROM usage_priced c
        SEMI JOIN turn_sessions s ON s.source = c.source AND s.session_id = c.session_id
        WHERE c.bucket_width IS NULL) u
  ASOF JOIN turns t ON t.source = u.source AND t.session_id = u.session_id AND u.started_at >= t.started_at
),
main_model AS (  -- the model with the largest cost share (a tie goes by name)
  SELECT source, session_id, turn_no, arg_max(model, (cost_usd, model)) AS model
  FROM (SELECT source, session_id, turn_no, model, coalesce(sum(cost_usd), 0) AS cost_usd FROM requests GROUP BY ALL)
  GROUP BY ALL
),
main_task AS (  -- the task type with the largest cost share
  SELECT source, session_id, turn_no, arg_max(task_type, (cost_usd, task_type)) AS task_type
  FROM (SELECT source, session_id, turn_no, task_type, coalesce(sum(cost_usd), 0) AS cost_usd FROM requests GROUP BY ALL)
  GROUP BY ALL
),
spend AS (
  SELECT r.source, r.session_id, r.turn_no, any_value(r.project) AS project,
         CAST(sum(r.requests) AS BIGINT) AS requests, CAST(sum(r.cost_usd) AS DOUBLE) AS cost_usd,
         list_sort(list_distinct(list(r.model))) AS models
  FROM requests r
  GROUP BY ALL
),
signals AS (
  SELECT t.source, t.session_id, t.turn_no, t.started_at, t.prompt_hash, s.project, s.requests, s.cost_usd, s.models,
         m.model, k.task_type,
         coalesce(e.tool_calls, 0) AS tool_calls,
         coalesce(r.tool_failures, 0) AS tool_failures,
         coalesce(f.repeated_failures, 0) AS repeated_failures,
         coalesce(e.test_runs, 0) AS test_runs,
         r.last_test_passed,
         coalesce(e.interrupted, false) AS interrupted,
         coalesce(e.tool_rejected, false) AS tool_rejected,
         -- the cutoff lets the similarity stop early for a pair that cannot reach it (~1 KB prompts: it
         -- was a third of the statement's time); at or above the cutoff the value is the same
         coalesce(t.next_prompt_hash = t.prompt_hash
                  OR jaro_winkler_similarity(t.prompt_text, t.next_prompt_text, 0.9) >= 0.9, false) AS re_asked
  FROM turns t
  JOIN spend s USING (source, session_id, turn_no)
  JOIN main_model m USING (source, session_id, turn_no)
  JOIN main_task k USING (source, session_id, turn_no)
  LEFT JOIN event_signals e USING (source, session_id, turn_no)
  LEFT JOIN result_signals r USING (source, session_id, turn_no)
  LEFT JOIN repeat_signals f USING (source, session_id, turn_no)
  WHERE s.requests > 0
)
SELECT *,
       CASE
         WHEN last_test_passed = false OR interrupted OR tool_rejected OR re_asked OR repeated_failures >= 2 THEN 'failed'
         WHEN last_test_passed = true OR (tool_failures = 0 AND tool_calls >= 1) THEN 'succeeded'
         ELSE 'unknown'
       END AS outcome
FROM signals
