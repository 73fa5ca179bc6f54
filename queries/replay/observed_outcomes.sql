-- observed_outcomes: what `fail_rate: observed` reads (src/replay/observed.ts): per main model and task
-- type, the period's agent turns with a known outcome, the failed ones, and the failed ones that
-- repeated a failure (the same command or error failing again in the turn). Turns, outcomes and the
-- main model are agent_turns()'s (queries/forensics/create_agent_turns_macro.sql), as in
-- outcomes_by_model_and_task.sql.
-- grain: one row per (model, task_type) with at least one turn
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  model,
  task_type,
  CAST(count(*) FILTER (WHERE outcome <> 'unknown') AS BIGINT)                         AS known_turns,
  CAST(count(*) FILTER (WHERE outcome = 'failed') AS BIGINT)                           AS failed_turns,
  CAST(count(*) FILTER (WHERE outcome = 'failed' AND repeated_failures > 0) AS BIGINT) AS repeat_failed_turns
FROM agent_turns()
WHERE in_period(started_at, NULL, $since, $until, $tz) AND model IS NOT NULL
GROUP BY model, task_type
ORDER BY model, task_type
