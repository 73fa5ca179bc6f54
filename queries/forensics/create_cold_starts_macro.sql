-- cold_starts(min_prompt_tokens, cold_read_share, idle_margin_s, idle_margin_1h_s, prefix_ratio): every
-- prompt-cache cold start of an agent thread, classified, with what the lost cache cost — the one
-- definition behind cache_cold_starts.sql and cache_breaks_by_session.sql (see the former's header
-- for the rules). Windows run over the whole ledger; callers pick the period.
CREATE OR REPLACE TEMP MACRO cold_starts(min_prompt_tokens, cold_read_share, idle_margin_s, idle_margin_1h_s, prefix_ratio) AS TABLE
WITH req AS (
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
           WHEN s.gap_s >= CASE WHEN s.previous_write_ttl = '1h' THEN idle_margin_1h_s ELSE idle_margin_s END THEN 'idle_expiry'
           WHEN s.prompt_tokens >= prefix_ratio * s.previous_prompt_tokens THEN 'prefix_break'
           ELSE 'context_reset'
         END AS kind,
         greatest(least(coalesce(s.previous_prompt_tokens, s.prompt_tokens), s.prompt_tokens) - s.cache_read_tokens, 0) AS rewritten_tokens,
         CASE WHEN s.cache_write_5m_tokens + s.cache_write_1h_tokens > 0
              THEN (s.cache_write_5m_tokens * s.cache_write_5m_usd_per_mtok + s.cache_write_1h_tokens * s.cache_write_1h_usd_per_mtok)
                   / (s.cache_write_5m_tokens + s.cache_write_1h_tokens)
              ELSE s.input_usd_per_mtok END AS paid_usd_per_mtok
  FROM seq s
  WHERE s.prompt_tokens >= min_prompt_tokens
    AND s.cache_read_tokens < cold_read_share * s.prompt_tokens
    -- the thread uses the cache: this request writes it, or the previous one read or wrote it
    AND (s.cache_write_5m_tokens + s.cache_write_1h_tokens > 0 OR s.previous_cached_tokens > 0)
)
SELECT *,
       rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier AS extra_cost_usd,
       CASE WHEN kind IN ('idle_expiry', 'prefix_break')
            THEN rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier
            ELSE 0 END AS break_cost_usd
FROM cold
