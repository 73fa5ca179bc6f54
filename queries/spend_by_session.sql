-- spend_by_session: the costliest sessions (top $limit) from the request logs: when they ran, requests, models, cost.
-- The costliest agent or gateway sessions (top $limit): when they ran, how many
-- requests, which models. Sessions exist only in request logs, so this reads every row that carries a
-- session_id (usage_priced), including days whose provider totals come from an aggregate export;
-- counted_cost_usd is the part that is in usage_counted (the rest is the same traffic the provider's
-- own export already counts). first/last_started_at are instants (UTC).
-- grain: one row per session_id, costliest first
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', limit BIGINT = 50
WITH priced AS (
  SELECT
    p.session_id,
    list_sort(coalesce(list(DISTINCT p.project) FILTER (WHERE p.project IS NOT NULL), [])) AS projects,
    min(p.started_at)                                          AS first_started_at,
    max(p.started_at)                                          AS last_started_at,
    CAST(epoch(max(p.started_at) - min(p.started_at)) / 60 AS DOUBLE) AS duration_minutes,
    CAST(count(*) AS BIGINT)                                   AS records,
    CAST(coalesce(sum(p.requests), 0) AS HUGEINT)               AS requests,
    list_sort(coalesce(list(DISTINCT p.model) FILTER (WHERE p.model IS NOT NULL), [])) AS models,
    CAST(count(DISTINCT p.agent_id) AS BIGINT)                 AS subagents,
    CAST(sum(p.input_tokens) AS HUGEINT)                        AS input_tokens,
    CAST(sum(p.cache_read_tokens) AS HUGEINT)                   AS cache_read_tokens,
    CAST(sum(p.cache_write_5m_tokens) AS HUGEINT)               AS cache_write_5m_tokens,
    CAST(sum(p.cache_write_1h_tokens) AS HUGEINT)               AS cache_write_1h_tokens,
    CAST(sum(p.output_tokens) AS HUGEINT)                       AS output_tokens,
    CAST(sum(p.cost_usd) AS DOUBLE)                            AS cost_usd,
    CAST(sum(p.cost_usd) FILTER (WHERE p.requests IS NOT NULL)
         / nullif(sum(p.requests) FILTER (WHERE p.cost_usd IS NOT NULL), 0) AS DOUBLE) AS cost_per_request_usd,
    CAST(count(*) FILTER (WHERE p.price_status = 'unpriced') AS BIGINT) AS unpriced_records
  FROM usage_priced p
  WHERE p.session_id IS NOT NULL
    AND in_period(p.started_at, p.bucket_width, $since, $until, $tz)
  GROUP BY p.session_id
),
counted AS (  -- summed on its own side: a join of every priced row to its counted row by key does not fit memory at 10M rows
  SELECT session_id, sum(cost_usd) AS cost_usd
  FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
  WHERE session_id IS NOT NULL
  GROUP BY session_id
)
SELECT p.* EXCLUDE (cost_per_request_usd, unpriced_records),
       CAST(coalesce(c.cost_usd, 0) AS DOUBLE) AS counted_cost_usd,
       p.cost_per_request_usd,
       p.unpriced_records
FROM priced p
LEFT JOIN counted c USING (session_id)
ORDER BY p.cost_usd DESC NULLS LAST, p.session_id
LIMIT CAST($limit AS BIGINT)
