-- replay_core: what a what-if replays, narrow — the rows of the period from replay_input (a temp view:
-- the counted rows, usage_counted, so a request seen by two sources is replayed once; or the agent usage
-- a plan meters: create_replay_input_*.sql), each with its replay order keys (order_us, order_hash:
-- start time, then a hash of source and record key — independent of import order), its amounts, the
-- observed cold-start kind, and dense ids (*_ix, replay_dictionaries and replay_threads) the engine
-- uses as typed-array indexes. provider_ix names the price list the row is served under
-- (usage_priced's price_provider): a re-priced request costs that provider's rates for its model where
-- it has them, else the model's home provider's.
-- Strings stay in the dictionaries (the rule fields come back through the replay_rows view), so the
-- rows of a large period fit in memory; tools and tags are per row and kept. Readers ORDER BY
-- order_us, order_hash, two fixed-width keys. A row's start time is order_us alone (read_replay_rows
-- makes its epoch seconds from it).
-- A thread is (source, session_id, agent): per-request rows with a session are replayed with cache
-- state; rows without one (thread_ix = -1) and provider buckets are re-priced bucket by bucket.
-- Cold-start kinds (the cold_starts rules) are found after the read (src/replay/frame-breaks.ts): a
-- prefix break costs its rewritten tokens at what the row paid for them over a warm read, as
-- cold_starts prices it; break_usd_per_mtok (that difference of rates) and tier_multiplier are what
-- that price needs from the row.
-- params: since DATE, until DATE, tz VARCHAR
CREATE OR REPLACE TEMP TABLE replay_core AS
WITH counted AS (
  SELECT epoch_us(started_at) AS order_us, hash(source, record_key) AS order_hash,
         source, started_at, bucket_width, provider, price_provider, model, service_tier, context_window,
         session_id, project, api_key, tags, tools, task_type, tier,
         coalesce(requests, 1) AS requests,
         input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
         coalesce(web_search_requests, 0) AS web_search_requests, list_cost_usd, cost_usd,
         CASE WHEN cache_write_5m_tokens + cache_write_1h_tokens > 0
              THEN (cache_write_5m_tokens * cache_write_5m_usd_per_mtok + cache_write_1h_tokens * cache_write_1h_usd_per_mtok)
                   / (cache_write_5m_tokens + cache_write_1h_tokens)
              ELSE input_usd_per_mtok END AS paid_usd_per_mtok,
         cache_read_usd_per_mtok, tier_multiplier,
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
days AS (SELECT CAST(CAST(value AS DATE) - DATE '1970-01-01' AS INTEGER) AS v, ix FROM replay_dictionaries WHERE dictionary = 'day')
SELECT
  c.order_us,
  c.order_hash,
  -- amounts as BIGINT: usage_counted's union makes them HUGEINT, twice the width, for the same values
  CAST(c.requests AS BIGINT) AS requests, CAST(c.input_tokens AS BIGINT) AS input_tokens,
  CAST(c.cache_read_tokens AS BIGINT) AS cache_read_tokens, CAST(c.cache_write_5m_tokens AS BIGINT) AS cache_write_5m_tokens,
  CAST(c.cache_write_1h_tokens AS BIGINT) AS cache_write_1h_tokens, CAST(c.output_tokens AS BIGINT) AS output_tokens,
  CAST(c.web_search_requests AS BIGINT) AS web_search_requests, c.list_cost_usd, c.cost_usd, c.tier, c.tools, c.tags,
  c.bucket_width IS NOT NULL AS is_bucket,
  c.bucket_width IS NOT NULL AND c.context_window = '200k-1M' AS is_long_bucket,
  c.paid_usd_per_mtok - c.cache_read_usd_per_mtok AS break_usd_per_mtok,
  c.tier_multiplier,
  coalesce(th.ix, -1) AS thread_ix,
  se.ix AS session_ix,
  pv.ix AS provider_ix,
  mo.ix AS model_ix,
  tt.ix AS task_type_ix,
  ak.ix AS key_ix,
  pr.ix AS project_ix,
  st.ix AS service_tier_ix,
  dy.ix AS day_ix,
  rp.ix AS row_provider_ix,
  so.ix AS source_ix
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
LEFT JOIN days dy ON dy.v = c.utc_day
