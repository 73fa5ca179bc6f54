-- concentration: one row on how concentrated spend is: top model, top 10 sessions, top key, Herfindahl index.
-- How concentrated the period's spend is, in one row: the top model and its share, the
-- share of the top 10 sessions, the top API key and its share, and the Herfindahl index by model
-- (sum of squared model shares: 1 = one model, 1/n = n models spending equally). Shares are of
-- cost_usd in usage_counted; unpriced rows (no cost) count in no share. Rows without a session or a
-- key can't be a top session or the top key, but their spend stays in the denominator. Sessions only
-- count where request logs are the counted view for their provider and day (see spend_by_session).
-- grain: the whole period (one row)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH rows AS (
  SELECT provider, model, api_key, session_id, cost_usd
  FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
  WHERE cost_usd IS NOT NULL
),
total AS (
  SELECT sum(cost_usd) AS cost_usd FROM rows
),
by_model AS (
  SELECT provider, model, sum(cost_usd) AS cost_usd FROM rows WHERE model IS NOT NULL GROUP BY ALL
),
by_key AS (
  SELECT provider, api_key, sum(cost_usd) AS cost_usd FROM rows WHERE api_key IS NOT NULL GROUP BY ALL
),
by_session AS (
  SELECT session_id, sum(cost_usd) AS cost_usd FROM rows WHERE session_id IS NOT NULL GROUP BY ALL
),
top_model AS (
  SELECT provider, model, cost_usd FROM by_model ORDER BY cost_usd DESC, provider, model LIMIT 1
),
top_key AS (
  SELECT provider, api_key, cost_usd FROM by_key ORDER BY cost_usd DESC, provider, api_key LIMIT 1
),
top_sessions AS (
  SELECT cost_usd FROM by_session ORDER BY cost_usd DESC, session_id LIMIT 10
)
SELECT
  CAST(coalesce(t.cost_usd, 0) AS DOUBLE)                                      AS total_cost_usd,
  (SELECT model FROM top_model)                                                AS top_model,
  (SELECT provider FROM top_model)                                             AS top_model_provider,
  CAST((SELECT cost_usd FROM top_model) AS DOUBLE)                             AS top_model_cost_usd,
  CAST((SELECT cost_usd FROM top_model) / nullif(t.cost_usd, 0) AS DOUBLE)     AS top_model_share,
  CAST((SELECT count(*) FROM by_model) AS BIGINT)                              AS models,
  CAST((SELECT sum(power(cost_usd / nullif(t.cost_usd, 0), 2)) FROM by_model) AS DOUBLE) AS herfindahl_by_model,
  CAST((SELECT count(*) FROM by_session) AS BIGINT)                            AS sessions,
  CAST((SELECT sum(cost_usd) FROM top_sessions) AS DOUBLE)                     AS top10_sessions_cost_usd,
  CAST((SELECT sum(cost_usd) FROM top_sessions) / nullif(t.cost_usd, 0) AS DOUBLE) AS top10_sessions_share,
  (SELECT api_key FROM top_key)                                                AS top_key,
  (SELECT provider FROM top_key)                                               AS top_key_provider,
  CAST((SELECT cost_usd FROM top_key) AS DOUBLE)                               AS top_key_cost_usd,
  CAST((SELECT cost_usd FROM top_key) / nullif(t.cost_usd, 0) AS DOUBLE)       AS top_key_share,
  CAST((SELECT count(*) FROM by_key) AS BIGINT)                                AS keys,
  CAST((SELECT coalesce(sum(records), 0) FROM counted_days($since, $until, $tz)
        WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records
FROM total t
