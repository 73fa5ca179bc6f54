-- read_replay_rows: the numeric columns of replay_core (create_replay_rows.sql), in replay order, for the
-- engine's typed arrays, with each row's id (the rule matches read unsorted and place rows by it).
-- t_s is the start time's epoch() as usage's started_at gives it (the same double), made here from
-- order_us rather than kept in replay_core: one column less written and spilled.
-- The observed breaks are found from these rows (frame-breaks.ts). Aggregate buckets carry their
-- vendor long-context bucket (is_long_bucket) since they have no per-request prompt size.
SELECT
  CAST(rowid AS INTEGER)                       AS row_id,
  epoch(make_timestamptz(order_us))            AS t_s,
  CAST(requests AS DOUBLE)                     AS requests,
  CAST(input_tokens AS DOUBLE)                 AS input_tokens,
  CAST(cache_read_tokens AS DOUBLE)            AS cache_read_tokens,
  CAST(cache_write_5m_tokens AS DOUBLE)        AS cache_write_5m_tokens,
  CAST(cache_write_1h_tokens AS DOUBLE)        AS cache_write_1h_tokens,
  CAST(output_tokens AS DOUBLE)                AS output_tokens,
  CAST(web_search_requests AS DOUBLE)          AS web_search_requests,
  CAST(coalesce(list_cost_usd, 'NaN') AS DOUBLE) AS list_cost_usd,
  CAST(coalesce(cost_usd, 'NaN') AS DOUBLE)    AS cost_usd,
  CAST(coalesce(break_usd_per_mtok, 'NaN') AS DOUBLE) AS break_usd_per_mtok,
  CAST(coalesce(tier_multiplier, 'NaN') AS DOUBLE) AS tier_multiplier,
  CAST(is_bucket AS INTEGER)                   AS is_bucket,
  CAST(is_long_bucket AS INTEGER)              AS is_long_bucket,
  CAST(coalesce(tier, 0) AS INTEGER)           AS task_tier,
  thread_ix, session_ix, provider_ix, model_ix, task_type_ix, key_ix, project_ix, service_tier_ix, day_ix
FROM replay_core
ORDER BY order_us, order_hash
