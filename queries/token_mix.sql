-- token_mix: share of list cost from uncached input, cache reads, 5m and 1h cache writes, output and web search.
-- Where the dollars come from by token bucket — uncached input, cache reads, 5-minute and
-- 1-hour cache writes, output, and web search — at list prices: each bucket's tokens × the row's
-- effective rate (long-context tier chosen) × its service-tier multiplier, so the buckets add up to
-- list_cost_usd. Unpriced rows have no rates and are only counted. $grain 'all' gives one row
-- (provider and model NULL); 'model' one row per (provider, model).
-- grain: one row, or one row per (provider, model) with grain = 'model'
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', grain VARCHAR = 'all'
WITH params AS (
  SELECT CASE WHEN $grain IN ('all', 'model') THEN $grain
              ELSE error('token_mix: grain must be ''all'' or ''model'', not ''' || coalesce($grain, 'NULL') || '''') END AS grain
),
parts AS (
  SELECT CASE WHEN (SELECT grain FROM params) = 'model' THEN provider END AS provider,
         CASE WHEN (SELECT grain FROM params) = 'model' THEN coalesce(model, '(no model)') END AS model,
         price_status,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
         web_search_requests,
         records, list_cost_usd, input_usd, cache_read_usd, cache_write_5m_usd, cache_write_1h_usd, output_usd, web_search_usd
  FROM counted_days($since, $until, $tz)  -- usage_counted with each bucket's list cost (a report reads it summed per day)
),
sums AS (
  SELECT provider, model,
         sum(records) AS records,
         coalesce(sum(records) FILTER (WHERE price_status = 'unpriced'), 0) AS unpriced_records,
         sum(input_tokens) FILTER (WHERE list_cost_usd IS NOT NULL) AS input_tokens,
         sum(cache_read_tokens) FILTER (WHERE list_cost_usd IS NOT NULL) AS cache_read_tokens,
         sum(cache_write_5m_tokens) FILTER (WHERE list_cost_usd IS NOT NULL) AS cache_write_5m_tokens,
         sum(cache_write_1h_tokens) FILTER (WHERE list_cost_usd IS NOT NULL) AS cache_write_1h_tokens,
         sum(output_tokens) FILTER (WHERE list_cost_usd IS NOT NULL) AS output_tokens,
         sum(web_search_requests) FILTER (WHERE list_cost_usd IS NOT NULL) AS web_search_requests,
         coalesce(sum(list_cost_usd), 0) AS list_cost_usd,
         coalesce(sum(input_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS input_usd,
         coalesce(sum(cache_read_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS cache_read_usd,
         coalesce(sum(cache_write_5m_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS cache_write_5m_usd,
         coalesce(sum(cache_write_1h_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS cache_write_1h_usd,
         coalesce(sum(output_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS output_usd,
         coalesce(sum(web_search_usd) FILTER (WHERE list_cost_usd IS NOT NULL), 0) AS web_search_usd
  FROM parts
  GROUP BY provider, model
)
SELECT
  provider,
  model,
  CAST(records AS BIGINT)                                    AS records,
  CAST(list_cost_usd AS DOUBLE)                              AS list_cost_usd,
  CAST(input_usd AS DOUBLE)                                  AS input_cost_usd,
  CAST(cache_read_usd AS DOUBLE)                             AS cache_read_cost_usd,
  CAST(cache_write_5m_usd AS DOUBLE)                         AS cache_write_5m_cost_usd,
  CAST(cache_write_1h_usd AS DOUBLE)                         AS cache_write_1h_cost_usd,
  CAST(output_usd AS DOUBLE)                                 AS output_cost_usd,
  CAST(web_search_usd AS DOUBLE)                             AS web_search_cost_usd,
  CAST(input_usd / nullif(list_cost_usd, 0) AS DOUBLE)       AS input_share,
  CAST(cache_read_usd / nullif(list_cost_usd, 0) AS DOUBLE)  AS cache_read_share,
  CAST(cache_write_5m_usd / nullif(list_cost_usd, 0) AS DOUBLE) AS cache_write_5m_share,
  CAST(cache_write_1h_usd / nullif(list_cost_usd, 0) AS DOUBLE) AS cache_write_1h_share,
  CAST(output_usd / nullif(list_cost_usd, 0) AS DOUBLE)      AS output_share,
  CAST(web_search_usd / nullif(list_cost_usd, 0) AS DOUBLE)  AS web_search_share,
  CAST(coalesce(input_tokens, 0) AS BIGINT)                  AS input_tokens,
  CAST(coalesce(cache_read_tokens, 0) AS BIGINT)             AS cache_read_tokens,
  CAST(coalesce(cache_write_5m_tokens, 0) AS BIGINT)         AS cache_write_5m_tokens,
  CAST(coalesce(cache_write_1h_tokens, 0) AS BIGINT)         AS cache_write_1h_tokens,
  CAST(coalesce(output_tokens, 0) AS BIGINT)                 AS output_tokens,
  CAST(coalesce(web_search_requests, 0) AS BIGINT)           AS web_search_requests,
  CAST(unpriced_records AS BIGINT)                           AS unpriced_records
FROM sums
ORDER BY list_cost_usd DESC, provider, model
