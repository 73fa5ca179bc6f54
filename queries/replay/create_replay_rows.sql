-- replay_rows: what a what-if replays — the rows of the period from replay_input (a temp view: the
-- counted rows, usage_counted, so a request seen by two sources is replayed once; or the agent usage a
-- plan meters: create_replay_input_*.sql), each with its replay order key (order_us, order_hash: start
-- time, then a hash of source and record key — independent of import order), its thread, the observed
-- cold-start kind, and dense ids (*_ix) the engine uses as typed-array indexes. provider_ix names the
-- price list the row is served under (usage_priced's price_provider): a re-priced request costs that
-- provider's rates for its model where it has them, else the model's home provider's.
-- The table is not sorted (sorting the wide priced rows costs more than the whole replay); readers
-- ORDER BY order_us, order_hash, two fixed-width keys. The ids come from small dictionaries over
-- narrow scans of the ledger, joined in.
-- A thread is (source, session_id, agent) as in cache_cold_starts: per-request rows with a session
-- are replayed with cache state; rows without one (thread_ix = -1) and provider buckets are re-priced
-- bucket by bucket. Cold-start kinds come from the session macro cold_starts with the defaults of
-- cache_cold_starts.sql: prefix_break (a stable prefix would have kept it warm) and context_reset
-- (a new prefix: only what the observed request read was reusable).
-- params: since DATE, until DATE, tz VARCHAR
CREATE OR REPLACE TEMP TABLE replay_rows AS
WITH counted AS (
  SELECT source, record_key, started_at, bucket_width, provider, price_provider, model, service_tier, context_window,
         session_id, project, api_key, tags, tools, task_type, tier,
         coalesce(requests, 1) AS requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
         prompt_tokens, coalesce(web_search_requests, 0) AS web_search_requests, list_cost_usd, cost_usd,
         DATE '1970-01-01' + CAST(epoch_us(started_at) // 86400000000 AS INTEGER) AS usage_day,  -- UTC (see usage_priced)
         CASE WHEN bucket_width IS NULL AND session_id IS NOT NULL
              THEN coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) END AS thread
  FROM replay_input
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
),
breaks AS (
  SELECT source, record_key, kind, break_cost_usd, rewritten_tokens
  FROM cold_starts(CAST(1024 AS BIGINT), CAST(0.1 AS DOUBLE), CAST(180 AS DOUBLE), CAST(3300 AS DOUBLE), CAST(0.8 AS DOUBLE))
  WHERE kind IN ('prefix_break', 'context_reset')
),
threads AS (
  SELECT source, session_id, thread, CAST(row_number() OVER (ORDER BY source, session_id, thread) - 1 AS INTEGER) AS ix
  FROM (SELECT DISTINCT source, session_id, coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) AS thread
        FROM usage WHERE bucket_width IS NULL AND session_id IS NOT NULL)
),
sessions AS (
  SELECT source, session_id, CAST(row_number() OVER (ORDER BY source, session_id NULLS FIRST) - 1 AS INTEGER) AS ix
  FROM (SELECT DISTINCT source, session_id FROM usage)
),
-- NULL is always a provider id: rows without a model have no price list
providers AS (
  SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix
  FROM (SELECT DISTINCT price_provider_of(provider, model_raw) AS v FROM (SELECT DISTINCT provider, model_raw FROM usage)
        UNION SELECT NULL)
),
models AS (SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix FROM (SELECT DISTINCT model AS v FROM usage)),
task_types AS (SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix FROM (SELECT DISTINCT task_type AS v FROM usage)),
api_keys AS (SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix FROM (SELECT DISTINCT api_key AS v FROM usage)),
projects AS (SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix FROM (SELECT DISTINCT project AS v FROM usage)),
service_tiers AS (SELECT v, CAST(row_number() OVER (ORDER BY v NULLS FIRST) - 1 AS INTEGER) AS ix FROM (SELECT DISTINCT service_tier AS v FROM usage)),
days AS (
  SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS INTEGER) AS ix
  FROM (SELECT DATE '1970-01-01' + CAST(d AS INTEGER) AS v FROM (SELECT DISTINCT epoch_us(started_at) // 86400000000 AS d FROM usage))
)
SELECT
  epoch_us(c.started_at) AS order_us,
  hash(c.source, c.record_key) AS order_hash,
  c.* EXCLUDE (record_key, started_at, bucket_width, context_window, thread),
  CAST(epoch(c.started_at) AS DOUBLE) AS t_s,
  c.bucket_width IS NOT NULL AS is_bucket,
  c.bucket_width IS NOT NULL AND c.context_window = '200k-1M' AS is_long_bucket,
  coalesce(b.kind, 'none') AS observed_break,
  coalesce(b.break_cost_usd, 0) AS break_cost_usd,
  CASE WHEN b.kind = 'prefix_break' THEN b.rewritten_tokens ELSE 0 END AS rewritten_tokens,
  coalesce(th.ix, -1) AS thread_ix,
  se.ix AS session_ix,
  pv.ix AS provider_ix,
  mo.ix AS model_ix,
  tt.ix AS task_type_ix,
  ak.ix AS key_ix,
  pr.ix AS project_ix,
  st.ix AS service_tier_ix,
  dy.ix AS day_ix
FROM counted c
LEFT JOIN breaks b ON b.source = c.source AND b.record_key = c.record_key
LEFT JOIN threads th ON th.source = c.source AND th.session_id = c.session_id AND th.thread = c.thread
JOIN sessions se ON se.source = c.source AND se.session_id IS NOT DISTINCT FROM c.session_id
JOIN providers pv ON pv.v IS NOT DISTINCT FROM c.price_provider
JOIN models mo ON mo.v IS NOT DISTINCT FROM c.model
JOIN task_types tt ON tt.v IS NOT DISTINCT FROM c.task_type
JOIN api_keys ak ON ak.v IS NOT DISTINCT FROM c.api_key
JOIN projects pr ON pr.v IS NOT DISTINCT FROM c.project
JOIN service_tiers st ON st.v IS NOT DISTINCT FROM c.service_tier
JOIN days dy ON dy.v = c.usage_day
