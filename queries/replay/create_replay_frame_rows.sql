-- replay_frame_rows: what a what-if replays, for the engine's typed arrays (src/replay/frame-read.ts
-- reads it once, in replay order, and drops it) — the rows of the period from replay_input (a temp
-- view: the counted rows, usage_counted, so a request seen by two sources is replayed once; or the
-- agent usage a plan meters: create_replay_input_*.sql), each with its replay order keys: start time
-- in µs, then a hash of source and record key (independent of import order; replay_keys numbers the
-- rows in the same order). A table rather than one streamed, sorted query: streaming usage_counted at
-- 10M rows stalled in DuckDB 1.5 (every thread waiting, no CPU), where writing it finishes.
-- Every value is numeric: strings stay in the dictionaries (dense *_ix ids, replay_dictionaries and
-- replay_threads), and the rule fields come as ids too (source_ix, row_provider_ix, tools_ix:
-- src/replay/rule-match.ts; the tags a policy tests come by name, read_replay_tag.sql). provider_ix names the price list the row is served under (usage_priced's
-- price_provider): a re-priced request costs that provider's rates for its model where it has them,
-- else the model's home provider's. Every column is coalesced: the reader copies vectors whole.
-- A thread is (source, session_id, agent): per-request rows with a session are replayed with cache
-- state; rows without one (thread_ix = -1) and provider buckets are re-priced bucket by bucket.
-- Cold-start kinds are found after the read (src/replay/frame-breaks.ts): break_usd_per_mtok (what the
-- row paid for a written token over a cache read) and tier_multiplier are what their price needs.
-- Aggregate buckets carry their vendor long-context bucket (is_long_bucket): they have no per-request
-- prompt size. task_tier 0 is a row without a tier (the classifier's tiers are 1..3).
-- params: since DATE, until DATE, tz VARCHAR
CREATE OR REPLACE TEMP TABLE replay_frame_rows AS
WITH counted AS (
  SELECT epoch_us(started_at) AS order_us, hash(source, record_key) AS order_hash,
         source, started_at, bucket_width, provider, price_provider, model, service_tier, context_window,
         session_id, project, api_key, tools, task_type, tier, requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
         web_search_requests, list_cost_usd, cost_usd,
         CASE WHEN cache_write_5m_tokens + cache_write_1h_tokens > 0
              THEN (cache_write_5m_tokens * cache_write_5m_usd_per_mtok + cache_write_1h_tokens * cache_write_1h_usd_per_mtok)
                   / (cache_write_5m_tokens + cache_write_1h_tokens)
              ELSE input_usd_per_mtok END - cache_read_usd_per_mtok AS break_usd_per_mtok,
         tier_multiplier,
         CAST(epoch_us(started_at) // 86400000000 AS INTEGER) AS utc_day,  -- UTC (see usage_priced)
         CASE WHEN bucket_width IS NULL AND session_id IS NOT NULL
              THEN coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) END AS thread
  FROM replay_input
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
),
sessions AS (SELECT source, session_id, ix FROM replay_dictionaries WHERE dictionary = 'session'),
providers AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'provider'),
models AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'model'),
task_types AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'task_type'),
api_keys AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'api_key'),
projects AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'project'),
service_tiers AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'service_tier'),
row_providers AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'row_provider'),
sources AS (SELECT value AS v, ix FROM replay_dictionaries WHERE dictionary = 'source'),
tool_sets AS (SELECT tools AS v, ix FROM replay_dictionaries WHERE dictionary = 'tools'),
days AS (SELECT CAST(CAST(value AS DATE) - DATE '1970-01-01' AS INTEGER) AS v, ix FROM replay_dictionaries WHERE dictionary = 'day')
SELECT
  c.order_us,
  c.order_hash,
  epoch(c.started_at)                                  AS t_s,
  CAST(coalesce(c.requests, 1) AS DOUBLE)              AS requests,
  CAST(c.input_tokens AS DOUBLE)                       AS input_tokens,
  CAST(c.cache_read_tokens AS DOUBLE)                  AS cache_read_tokens,
  CAST(c.cache_write_5m_tokens AS DOUBLE)              AS cache_write_5m_tokens,
  CAST(c.cache_write_1h_tokens AS DOUBLE)              AS cache_write_1h_tokens,
  CAST(c.output_tokens AS DOUBLE)                      AS output_tokens,
  CAST(coalesce(c.web_search_requests, 0) AS DOUBLE)   AS web_search_requests,
  CAST(coalesce(c.list_cost_usd, 'NaN') AS DOUBLE)     AS list_cost_usd,
  CAST(coalesce(c.cost_usd, 'NaN') AS DOUBLE)          AS cost_usd,
  CAST(coalesce(c.break_usd_per_mtok, 'NaN') AS DOUBLE) AS break_usd_per_mtok,
  CAST(coalesce(c.tier_multiplier, 'NaN') AS DOUBLE)  AS tier_multiplier,
  CAST(c.bucket_width IS NOT NULL AS INTEGER)          AS is_bucket,
  CAST(c.bucket_width IS NOT NULL AND c.context_window = '200k-1M' AS INTEGER) AS is_long_bucket,
  CAST(coalesce(c.tier, 0) AS INTEGER)                 AS task_tier,
  coalesce(th.ix, -1)                                  AS thread_ix,
  se.ix AS session_ix,
  pv.ix AS provider_ix,
  mo.ix AS model_ix,
  tt.ix AS task_type_ix,
  ak.ix AS key_ix,
  pr.ix AS project_ix,
  st.ix AS service_tier_ix,
  dy.ix AS day_ix,
  rp.ix AS row_provider_ix,
  so.ix AS source_ix,
  tl.ix AS tools_ix
FROM counted c
LEFT JOIN replay_threads th ON th.source = c.source AND th.session_id = c.session_id AND th.thread = c.thread
LEFT JOIN sessions se ON se.source = c.source AND se.session_id IS NOT DISTINCT FROM c.session_id
LEFT JOIN providers pv ON pv.v IS NOT DISTINCT FROM c.price_provider
LEFT JOIN models mo ON mo.v IS NOT DISTINCT FROM c.model
LEFT JOIN task_types tt ON tt.v IS NOT DISTINCT FROM c.task_type
LEFT JOIN api_keys ak ON ak.v IS NOT DISTINCT FROM c.api_key
LEFT JOIN projects pr ON pr.v IS NOT DISTINCT FROM c.project
LEFT JOIN service_tiers st ON st.v IS NOT DISTINCT FROM c.service_tier
LEFT JOIN row_providers rp ON rp.v IS NOT DISTINCT FROM c.provider
LEFT JOIN sources so ON so.v = c.source
LEFT JOIN tool_sets tl ON tl.v IS NOT DISTINCT FROM c.tools
LEFT JOIN days dy ON dy.v = c.utc_day
