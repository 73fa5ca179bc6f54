-- replay_rows: what a what-if replays — the counted rows of the period (usage_counted, so a request
-- seen by two sources is replayed once), in a fixed order (started_at, source, record_key: independent
-- of import order), each with its thread, the observed cold-start kind, and dense ids (*_ix) that the
-- engine uses as typed-array indexes.
-- A thread is (source, session_id, agent) as in cache_cold_starts: per-request rows with a session
-- are replayed with cache state; rows without one (thread_ix = -1) and provider buckets are re-priced
-- bucket by bucket. Cold-start kinds come from the session macro cold_starts with the defaults of
-- cache_cold_starts.sql: prefix_break (a stable prefix would have kept it warm) and context_reset
-- (a new prefix: only what the observed request read was reusable).
-- params: since DATE, until DATE, tz VARCHAR
CREATE OR REPLACE TEMP TABLE replay_rows AS
WITH counted AS (
  SELECT *,
         CASE WHEN bucket_width IS NULL AND session_id IS NOT NULL
              THEN coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) END AS thread
  FROM usage_counted
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
),
breaks AS (
  SELECT source, record_key, kind, break_cost_usd, rewritten_tokens
  FROM cold_starts(CAST(1024 AS BIGINT), CAST(0.1 AS DOUBLE), CAST(180 AS DOUBLE), CAST(3300 AS DOUBLE), CAST(0.8 AS DOUBLE))
  WHERE kind IN ('prefix_break', 'context_reset')
)
SELECT
  CAST(row_number() OVER (ORDER BY c.started_at, c.source, c.record_key) - 1 AS INTEGER) AS row_ix,
  c.source, c.record_key, c.started_at, c.bucket_width, c.provider, c.model, c.service_tier, c.context_window,
  c.session_id, c.thread, c.project, c.api_key, c.tags, c.tools, c.task_type, c.tier,
  coalesce(c.requests, 1) AS requests,
  c.input_tokens, c.cache_read_tokens, c.cache_write_5m_tokens, c.cache_write_1h_tokens, c.output_tokens,
  c.prompt_tokens, coalesce(c.web_search_requests, 0) AS web_search_requests,
  c.list_cost_usd, c.cost_usd,
  coalesce(b.kind, 'none') AS observed_break,
  coalesce(b.break_cost_usd, 0) AS break_cost_usd,
  CASE WHEN b.kind = 'prefix_break' THEN b.rewritten_tokens ELSE 0 END AS rewritten_tokens,
  CAST(CASE WHEN c.thread IS NULL THEN -1
            ELSE dense_rank() OVER (ORDER BY c.source, c.session_id, c.thread) - 1 END AS INTEGER) AS thread_ix,
  CAST(dense_rank() OVER (ORDER BY c.source, c.session_id NULLS FIRST) - 1 AS INTEGER) AS session_ix,
  CAST(dense_rank() OVER (ORDER BY c.model NULLS FIRST) - 1 AS INTEGER) AS model_ix,
  CAST(dense_rank() OVER (ORDER BY c.task_type NULLS FIRST) - 1 AS INTEGER) AS task_type_ix,
  CAST(dense_rank() OVER (ORDER BY c.api_key NULLS FIRST) - 1 AS INTEGER) AS key_ix,
  CAST(dense_rank() OVER (ORDER BY c.project NULLS FIRST) - 1 AS INTEGER) AS project_ix,
  CAST(dense_rank() OVER (ORDER BY c.service_tier NULLS FIRST) - 1 AS INTEGER) AS service_tier_ix,
  CAST(dense_rank() OVER (ORDER BY CAST(timezone('UTC', c.started_at) AS DATE)) - 1 AS INTEGER) AS day_ix
FROM counted c
LEFT JOIN breaks b USING (source, record_key)
