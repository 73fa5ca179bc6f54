-- cache_breaks_by_session: sessions ranked by what prompt-cache prefix breaks cost them (idle expiries alongside), with the share of the session's cost.
-- grain: one row per (source, session_id) with at least one prefix break or idle expiry in the period
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_prompt_tokens BIGINT = 1024, cold_read_share DOUBLE = 0.1, idle_margin_s DOUBLE = 180, idle_margin_1h_s DOUBLE = 3300, prefix_ratio DOUBLE = 0.8
--
-- Cold starts are found and classified exactly as in cache_cold_starts.sql (same parameters; see its header).
-- break_cost_usd = prefix_break_cost_usd + idle_expiry_cost_usd; share = break_cost_usd / session_cost_usd
-- (the session's per-request cost in the period). A cost is NULL when every break of its kind is unpriced;
-- unpriced_requests counts the session's unpriced requests.
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
),
breaks AS (
  SELECT source, session_id,
         count(*) FILTER (WHERE kind = 'prefix_break') AS breaks,
         count(*) FILTER (WHERE kind = 'idle_expiry')  AS idle_expiries,
         coalesce(sum(rewritten_tokens) FILTER (WHERE kind = 'prefix_break'), 0) AS prefix_break_rewritten_tokens,
         -- $0 when there is none of the kind; NULL when all of them are unpriced (never a silent $0)
         coalesce(sum(rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier) FILTER (WHERE kind = 'prefix_break'),
                  CASE WHEN count(*) FILTER (WHERE kind = 'prefix_break') = 0 THEN 0 END) AS prefix_break_cost_usd,
         coalesce(sum(rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier) FILTER (WHERE kind = 'idle_expiry'),
                  CASE WHEN count(*) FILTER (WHERE kind = 'idle_expiry') = 0 THEN 0 END) AS idle_expiry_cost_usd
  FROM cold
  WHERE kind IN ('prefix_break', 'idle_expiry') AND in_period(started_at, bucket_width, $since, $until, $tz)
  GROUP BY source, session_id
),
sessions AS (
  SELECT source, session_id,
         min(project)                                   AS project,
         count(*)                                       AS requests,
         sum(cost_usd)                                  AS session_cost_usd,
         count(*) FILTER (WHERE price_status = 'unpriced') AS unpriced_requests
  FROM req
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
  GROUP BY source, session_id
)
SELECT
  s.source,
  s.session_id,
  s.project,
  CAST(s.requests AS BIGINT)                                   AS requests,
  CAST(b.breaks AS BIGINT)                                     AS breaks,
  CAST(b.prefix_break_rewritten_tokens AS BIGINT)              AS prefix_break_rewritten_tokens,
  CAST(b.prefix_break_cost_usd AS DOUBLE)                      AS prefix_break_cost_usd,
  CAST(b.idle_expiries AS BIGINT)                              AS idle_expiries,
  CAST(b.idle_expiry_cost_usd AS DOUBLE)                       AS idle_expiry_cost_usd,
  CAST(b.prefix_break_cost_usd + b.idle_expiry_cost_usd AS DOUBLE) AS break_cost_usd,
  CAST(s.session_cost_usd AS DOUBLE)                           AS session_cost_usd,
  CAST((b.prefix_break_cost_usd + b.idle_expiry_cost_usd) / nullif(s.session_cost_usd, 0) AS DOUBLE) AS share,
  CAST(s.unpriced_requests AS BIGINT)                          AS unpriced_requests
FROM breaks b
JOIN sessions s USING (source, session_id)
ORDER BY prefix_break_cost_usd DESC NULLS LAST, break_cost_usd DESC NULLS LAST, s.session_id
