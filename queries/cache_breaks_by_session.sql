-- cache_breaks_by_session: sessions ranked by what prompt-cache prefix breaks cost them (idle expiries alongside), with the share of the session's cost.
-- grain: one row per (source, session_id) with at least one prefix break or idle expiry in the period
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_prompt_tokens BIGINT = 1024, cold_read_share DOUBLE = 0.1, idle_margin_s DOUBLE = 180, idle_margin_1h_s DOUBLE = 3300, prefix_ratio DOUBLE = 0.8
--
-- Cold starts come from the session macro cold_starts, as in cache_cold_starts.sql (same parameters; see its header).
-- break_cost_usd = prefix_break_cost_usd + idle_expiry_cost_usd; share = break_cost_usd / session_cost_usd
-- (the session's per-request cost in the period). A cost is NULL when every break of its kind is unpriced;
-- unpriced_requests counts the session's unpriced requests.
WITH breaks AS (
  SELECT source, session_id,
         count(*) FILTER (WHERE kind = 'prefix_break') AS breaks,
         count(*) FILTER (WHERE kind = 'idle_expiry')  AS idle_expiries,
         coalesce(sum(rewritten_tokens) FILTER (WHERE kind = 'prefix_break'), 0) AS prefix_break_rewritten_tokens,
         -- $0 when there is none of the kind; NULL when all of them are unpriced (never a silent $0)
         coalesce(sum(rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier) FILTER (WHERE kind = 'prefix_break'),
                  CASE WHEN count(*) FILTER (WHERE kind = 'prefix_break') = 0 THEN 0 END) AS prefix_break_cost_usd,
         coalesce(sum(rewritten_tokens * (paid_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier) FILTER (WHERE kind = 'idle_expiry'),
                  CASE WHEN count(*) FILTER (WHERE kind = 'idle_expiry') = 0 THEN 0 END) AS idle_expiry_cost_usd
  FROM cold_starts(CAST($min_prompt_tokens AS BIGINT), CAST($cold_read_share AS DOUBLE), CAST($idle_margin_s AS DOUBLE),
                   CAST($idle_margin_1h_s AS DOUBLE), CAST($prefix_ratio AS DOUBLE))
  WHERE kind IN ('prefix_break', 'idle_expiry') AND in_period(started_at, bucket_width, $since, $until, $tz)
  GROUP BY source, session_id
),
sessions AS (
  SELECT source, session_id,
         min(project)                                   AS project,
         count(*)                                       AS requests,
         sum(cost_usd)                                  AS session_cost_usd,
         count(*) FILTER (WHERE price_status = 'unpriced') AS unpriced_requests
  FROM usage_priced
  WHERE bucket_width IS NULL AND session_id IS NOT NULL AND in_period(started_at, bucket_width, $since, $until, $tz)
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
