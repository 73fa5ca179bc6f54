-- replay_dictionaries: the values behind replay_rows' dense ids, one small table for all of them, built
-- from narrow scans of the whole ledger (ids do not depend on the period). ix counts from 0 in value
-- order, NULL first where a row may have none; NULL is always a provider (price list) id: rows without
-- a model have no price list. A session's value is source:session_id (NULL without a session); its
-- source and session_id are kept for the join. A day's value is its UTC date (YYYY-MM-DD).
-- row_provider and source are the rule fields `provider` and `source` (the provider that served the
-- row, not its price list).
-- grain: one row per (dictionary, ix)
CREATE OR REPLACE TEMP TABLE replay_dictionaries AS
WITH dense AS (
  SELECT dictionary, value, source, session_id,
         CAST(row_number() OVER (PARTITION BY dictionary ORDER BY sort_key NULLS FIRST, session_id NULLS FIRST) - 1 AS INTEGER) AS ix
  FROM (
    SELECT DISTINCT 'session' AS dictionary, CASE WHEN session_id IS NOT NULL THEN source || ':' || session_id END AS value,
           source AS sort_key, source, session_id FROM usage
    UNION ALL
    SELECT 'provider', v, v, NULL, NULL
    FROM (SELECT DISTINCT price_provider_of(provider, model_raw) AS v FROM (SELECT DISTINCT provider, model_raw FROM usage) UNION SELECT NULL)
    UNION ALL SELECT DISTINCT 'model', model, model, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'task_type', task_type, task_type, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'api_key', api_key, api_key, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'project', project, project, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'service_tier', service_tier, service_tier, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'row_provider', provider, provider, NULL, NULL FROM usage
    UNION ALL SELECT DISTINCT 'source', source, source, NULL, NULL FROM usage
    UNION ALL
    SELECT 'day', CAST(v AS VARCHAR), CAST(v AS VARCHAR), NULL, NULL
    FROM (SELECT DISTINCT DATE '1970-01-01' + CAST(epoch_us(started_at) // 86400000000 AS INTEGER) AS v FROM usage)
  )
)
SELECT dictionary, ix, value, source, session_id FROM dense
