-- cache_cold_starts: every prompt-cache cold start of an agent thread, classified (session_start, model_switch, idle_expiry, prefix_break, context_reset) with what the lost cache cost.
-- grain: one row per cold-start request (per-request rows with a session_id)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_prompt_tokens BIGINT = 1024, cold_read_share DOUBLE = 0.1, idle_margin_s DOUBLE = 180, idle_margin_1h_s DOUBLE = 3300, prefix_ratio DOUBLE = 0.8
--
-- A thread is (source, session_id, agent): a subagent has its own cache, so coalesce(agent_id, 'main')
-- (a sidechain row without an agent_id is thread 'sidechain'). Requests run in started_at, record_key order.
-- Cold start: prompt_tokens >= $min_prompt_tokens and cache_read_tokens < $cold_read_share * prompt_tokens, in a
-- thread that uses the cache (the request writes cache, or the previous request read or wrote it).
-- Kind, first match wins, against the previous request of the thread:
--   session_start  no previous request
--   model_switch   the model differs (caches are per model)
--   idle_expiry    gap >= the idle margin: $idle_margin_s (a 5-minute TTL; transcripts log write times, so
--                  ~3 min of logged idle may already be 5 min of cache idle), or $idle_margin_1h_s when the
--                  thread's latest cache write before this request was 1h only
--   prefix_break   prompt_tokens >= $prefix_ratio * previous prompt_tokens: same model, cache still warm, the
--                  prompt kept its size, yet the read collapsed (the prefix changed)
--   context_reset  the prompt shrank below $prefix_ratio of the previous one (/clear, /compact): a new prefix
-- rewritten_tokens = min(previous prompt, this prompt) - cache_read (the whole prompt - cache_read at a session
-- start): tokens written or sent uncached that a warm cache would have served.
-- extra_cost_usd = rewritten_tokens * (rate paid for them - cache read rate) / 1e6 * tier_multiplier, where the
-- rate paid is the row's cache write rate weighted by its 5m/1h write mix (the 1h rate when it wrote 1h only),
-- or the input rate when it wrote nothing. break_cost_usd = extra_cost_usd for idle_expiry and prefix_break,
-- 0 for the others (unavoidable). NULL when the model is unpriced.
-- Windows run over the whole ledger; the period only selects which cold starts are listed.
WITH params AS (
  SELECT CAST($min_prompt_tokens AS BIGINT) AS min_prompt_tokens,
         CAST($cold_read_share AS DOUBLE)   AS cold_read_share,
         CAST($idle_margin_s AS DOUBLE)     AS idle_margin_s,
         CAST($idle_margin_1h_s AS DOUBLE)  AS idle_margin_1h_s,
         CAST($prefix_ratio AS DOUBLE)      AS prefix_ratio
),
req AS (
  SELECT *,
         coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) AS thread,
         CASE WHEN cache_write_1h_tokens > 0 AND cache_write_5m_tokens = 0 THEN '1h'
              WHEN cache_write_5m_tokens > 0 THEN '5m' END AS write_ttl
  FROM usage_priced
  WHERE bucket_width IS NULL AND session_id IS NOT NULL
),
seq AS (
  SELECT *,
         lag(model) OVER w                 AS previous_model,
         lag(prompt_tokens) OVER w         AS previous_prompt_tokens,
         lag(cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens) OVER w AS previous_cached_tokens,
         epoch(started_at) - epoch(lag(started_at) OVER w) AS gap_s,
         last_value(write_ttl IGNORE NULLS) OVER (
           PARTITION BY source, session_id, thread ORDER BY started_at, record_key
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_write_ttl
  FROM req
  WINDOW w AS (PARTITION BY source, session_id, thread ORDER BY started_at, record_key)
),
cold AS (
  SELECT s.*,
         CASE
           WHEN s.previous_prompt_tokens IS NULL THEN 'session_start'
           WHEN s.model IS DISTINCT FROM s.previous_model THEN 'model_switch'
           WHEN s.gap_s >= CASE WHEN s.previous_write_ttl = '1h' THEN p.idle_margin_1h_s ELSE p.idle_margin_s END THEN 'idle_expiry'
           WHEN s.prompt_tokens >= p.prefix_ratio * s.previous_prompt_tokens THEN 'prefix_break'
           ELSE 'context_reset'
         END AS kind,
         greatest(least(coalesce(s.previous_prompt_tokens, s.prompt_tokens), s.prompt_tokens) - s.cache_read_tokens, 0) AS rewritten_tokens,
         CASE WHEN s.cache_write_5m_tokens + s.cache_write_1h_tokens > 0
              THEN (s.cache_write_5m_tokens * s.cache_write_5m_usd_per_mtok + s.cache_write_1h_tokens * s.cache_write_1h_usd_per_mtok)
                   / (s.cache_write_5m_tokens + s.cache_write_1h_tokens)
              ELSE s.input_usd_per_mtok END AS paid_usd_per_mtok
  FROM seq s, params p
  WHERE s.prompt_tokens >= p.min_prompt_tokens
    AND s.cache_read_tokens < p.cold_read_share * s.prompt_tokens
    -- the thread uses the cache: this request writes it, or the previous one read or wrote it
    AND (s.cache_write_5m_tokens + s.cache_write_1h_tokens > 0 OR s.previous_cached_tokens > 0)
)
SELECT
  source,
  session_id,
  agent_id,
  project,
  record_key,
  started_at,
  model,
  previous_model,
  CAST(gap_s AS DOUBLE)                                   AS gap_s,
  CAST(prompt_tokens AS BIGINT)                           AS prompt_tokens,
  CAST(previous_prompt_tokens AS BIGINT)                  AS previous_prompt_tokens,
  CAST(cache_read_tokens AS BIGINT)                       AS cache_read_tokens,
  CAST(cache_write_5m_tokens + cache_write_1h_tokens AS BIGINT) AS cache_write_tokens,
  CAST(rewritten_tokens AS BIGINT)                        AS rewritten_tokens,
  kind,
  CAST(rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier AS DOUBLE) AS extra_cost_usd,
  CAST(CASE WHEN kind IN ('idle_expiry', 'prefix_break')
            THEN rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier
            ELSE 0 END AS DOUBLE)                         AS break_cost_usd
FROM cold
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
ORDER BY started_at, source, record_key
