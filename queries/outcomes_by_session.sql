-- outcomes_by_session: how each session's agent turns ended (issue 18): turns that succeeded, failed or
-- cannot be judged, and their cost. The turn and its outcome rule: queries/forensics/create_agent_turns_macro.sql.
-- grain: one row per (source, session_id) with at least one turn in the period (a turn is in the period by its prompt's day)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT session_id,
       any_value(project) AS project,
       source,
       CAST(count(*) AS BIGINT) AS turns,
       CAST(count(*) FILTER (WHERE outcome = 'succeeded') AS BIGINT) AS succeeded_turns,
       CAST(count(*) FILTER (WHERE outcome = 'failed') AS BIGINT) AS failed_turns,
       CAST(count(*) FILTER (WHERE outcome = 'unknown') AS BIGINT) AS unknown_turns,
       CAST(sum(repeated_failures) AS BIGINT) AS repeated_failures,
       CAST(sum(cost_usd) AS DOUBLE) AS cost_usd,
       min(started_at) AS first_turn_at
FROM agent_turns()
WHERE in_period(started_at, NULL, $since, $until, $tz)
GROUP BY session_id, source
ORDER BY cost_usd DESC NULLS LAST, session_id
