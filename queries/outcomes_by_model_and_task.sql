-- outcomes_by_model_and_task: how agent turns ended (issue 18), per main model and task type: turns that
-- succeeded, failed or cannot be judged, the success rate with its 90% Wilson interval (over the turns
-- with a known outcome), repeated failures per turn, cost, and cost per successful turn. A turn and its
-- outcome are defined in queries/forensics/create_agent_turns_macro.sql: failed if the last test run
-- failed, or it was interrupted, rejected or re-asked, or it ended with >= 2 repeated failures;
-- succeeded if the last test run passed, or it had no failure, no override and at least one tool call;
-- else unknown. An outcome is a proxy read from the transcript, not a code review.
-- grain: one row per (model, task_type); model is the turn's main model (largest cost share)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH turns AS (
  SELECT * FROM agent_turns() WHERE in_period(started_at, NULL, $since, $until, $tz)
),
grouped AS (
  SELECT model, task_type,
         count(*) AS turns,
         count(*) FILTER (WHERE outcome = 'succeeded') AS succeeded_turns,
         count(*) FILTER (WHERE outcome = 'failed') AS failed_turns,
         count(*) FILTER (WHERE outcome = 'unknown') AS unknown_turns,
         sum(repeated_failures) AS repeated_failures,
         sum(cost_usd) AS cost_usd
  FROM turns
  GROUP BY ALL
),
rated AS (  -- Wilson score interval, z = 1.6449 (two-sided 90%), over the known outcomes
  SELECT *, succeeded_turns + failed_turns AS known, 1.6448536269514722 AS z,
         succeeded_turns / nullif(succeeded_turns + failed_turns, 0) AS p
  FROM grouped
)
SELECT model, task_type,
       CAST(turns AS BIGINT) AS turns,
       CAST(succeeded_turns AS BIGINT) AS succeeded_turns,
       CAST(failed_turns AS BIGINT) AS failed_turns,
       CAST(unknown_turns AS BIGINT) AS unknown_turns,
       CAST(p AS DOUBLE) AS success_rate,
       CAST((p + z * z / (2 * known) - z * sqrt(p * (1 - p) / known + z * z / (4 * known * known))) / (1 + z * z / known) AS DOUBLE) AS success_rate_low,
       CAST((p + z * z / (2 * known) + z * sqrt(p * (1 - p) / known + z * z / (4 * known * known))) / (1 + z * z / known) AS DOUBLE) AS success_rate_high,
       CAST(repeated_failures / turns AS DOUBLE) AS retries_per_turn,
       CAST(cost_usd AS DOUBLE) AS cost_usd,
       CAST(cost_usd / nullif(succeeded_turns, 0) AS DOUBLE) AS cost_per_success_usd  -- every turn's cost over the successes
FROM rated
ORDER BY cost_usd DESC NULLS LAST, model, task_type
