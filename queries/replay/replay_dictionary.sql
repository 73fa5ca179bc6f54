-- replay_dictionary: the values behind replay_rows' dense ids, so the engine can name what it counts.
-- grain: one row per (dictionary, ix); value NULL where the rows have none (e.g. no session)
SELECT DISTINCT 'model' AS dictionary, model_ix AS ix, model AS value FROM replay_rows
UNION ALL SELECT DISTINCT 'provider', provider_ix, price_provider FROM replay_rows
UNION ALL SELECT DISTINCT 'task_type', task_type_ix, task_type FROM replay_rows
UNION ALL SELECT DISTINCT 'api_key', key_ix, api_key FROM replay_rows
UNION ALL SELECT DISTINCT 'project', project_ix, project FROM replay_rows
UNION ALL SELECT DISTINCT 'service_tier', service_tier_ix, service_tier FROM replay_rows
UNION ALL SELECT DISTINCT 'session', session_ix, CASE WHEN session_id IS NOT NULL THEN source || ':' || session_id END FROM replay_rows
UNION ALL SELECT DISTINCT 'day', day_ix, CAST(usage_day AS VARCHAR) FROM replay_rows
ORDER BY dictionary, ix
