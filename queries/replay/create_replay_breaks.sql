-- replay_breaks: the observed prompt-cache breaks a replay may recover or reset: the cold starts
-- cold_starts() (queries/forensics/create_cold_starts_macro.sql) classifies prefix_break or
-- context_reset with the defaults of cache_cold_starts.sql (prompt of 1024+ tokens, under 10% of it
-- read from cache, idle margins 180 s / 3300 s after a 1h write, a prefix break keeping 80%+ of the
-- previous prompt). Same rules, rows and order as the macro, but narrow: the window runs over the
-- columns the rules read, partitioned by the integer thread id (replay_threads) instead of three
-- strings and without the priced view. Windows run over the whole ledger (a period's first request
-- still has its predecessor). Only frames that do not hold their threads whole (a part period) or that
-- tie in time within a thread run it: others find the same breaks in one pass (src/replay/frame-breaks.ts),
-- and both price them from each row's own rates (replay_break_rows.sql reads these back by row id).
-- observed_break: 1 prefix_break, 2 context_reset. Keyed by the replay order keys (start time in µs,
-- hash of source and record key), as plan_routed_requests finds a replay row.
-- grain: one row per cold start of those two kinds
CREATE OR REPLACE TEMP TABLE replay_breaks AS
WITH req AS (
  SELECT t.ix AS thread_ix, u.started_at, u.record_key, hash(u.source, u.record_key) AS order_hash, u.model,
         u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens AS prompt_tokens,
         u.cache_read_tokens,
         u.cache_write_5m_tokens + u.cache_write_1h_tokens AS written_tokens,
         CASE WHEN u.cache_write_1h_tokens > 0 AND u.cache_write_5m_tokens = 0 THEN '1h'
              WHEN u.cache_write_5m_tokens > 0 THEN '5m' END AS write_ttl
  FROM usage u
  JOIN replay_threads t
    ON t.source = u.source AND t.session_id = u.session_id
   AND t.thread = coalesce(u.agent_id, CASE WHEN u.is_sidechain THEN 'sidechain' ELSE 'main' END)
  WHERE u.bucket_width IS NULL AND u.session_id IS NOT NULL
),
seq AS (
  SELECT started_at, order_hash, model, prompt_tokens, cache_read_tokens, written_tokens,
         lag(model) OVER w                                    AS previous_model,
         lag(prompt_tokens) OVER w                            AS previous_prompt_tokens,
         lag(cache_read_tokens + written_tokens) OVER w       AS previous_cached_tokens,
         epoch(started_at) - epoch(lag(started_at) OVER w)    AS gap_s,
         last_value(write_ttl IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_write_ttl
  FROM req
  WINDOW w AS (PARTITION BY thread_ix ORDER BY started_at, record_key)
)
SELECT epoch_us(started_at) AS order_us,
       order_hash,
       CAST(CASE WHEN prompt_tokens >= CAST(0.8 AS DOUBLE) * previous_prompt_tokens THEN 1 ELSE 2 END AS INTEGER) AS observed_break,
       greatest(least(previous_prompt_tokens, prompt_tokens) - cache_read_tokens, 0) AS rewritten_tokens
FROM seq
WHERE prompt_tokens >= CAST(1024 AS BIGINT)
  AND cache_read_tokens < CAST(0.1 AS DOUBLE) * prompt_tokens
  AND (written_tokens > 0 OR previous_cached_tokens > 0)
  -- not a session_start, model_switch or idle_expiry (the macro's earlier CASE branches)
  AND previous_prompt_tokens IS NOT NULL
  AND model IS NOT DISTINCT FROM previous_model
  AND NOT coalesce(gap_s >= CASE WHEN previous_write_ttl = '1h' THEN CAST(3300 AS DOUBLE) ELSE CAST(180 AS DOUBLE) END, false)
