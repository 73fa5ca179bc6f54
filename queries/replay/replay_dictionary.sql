-- replay_dictionary: the values behind the frame's dense ids (replay_dictionaries), so the engine can
-- name what it counts and the rules can test them; frame.ts keeps those the period's rows use. tools
-- is the list of a 'tools' entry.
-- grain: one row per (dictionary, ix); value NULL where the rows have none (e.g. no session)
SELECT dictionary, ix, value, tools
FROM replay_dictionaries
WHERE dictionary IN ('model', 'provider', 'task_type', 'api_key', 'project', 'service_tier', 'session', 'day',
                     'row_provider', 'source', 'tools', 'tags')
ORDER BY dictionary, ix
