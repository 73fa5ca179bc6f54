-- replay_dictionary: the values behind replay_core's dense ids (replay_dictionaries), so the engine can
-- name what it counts; frame.ts keeps those the period's rows use.
-- grain: one row per (dictionary, ix); value NULL where the rows have none (e.g. no session)
SELECT dictionary, ix, value
FROM replay_dictionaries
WHERE dictionary IN ('model', 'provider', 'task_type', 'api_key', 'project', 'service_tier', 'session', 'day')
ORDER BY dictionary, ix
