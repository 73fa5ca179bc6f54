-- usage_counted: the rows summaries and queries count. Gateway logs, agent transcripts and provider
-- usage exports can describe the same traffic from two sides. Per provider, UTC day and model
-- (canonical id; NULL matches NULL) every per-request row counts, and the provider's aggregate
-- buckets count only their remainder: per token bucket (and requests, web searches), the aggregate's
-- amount minus the per-request rows' of the same provider, day and model, floored at 0. Remainder
-- rows keep the aggregate's source and record_key: the part of the bill no log explains still shows
-- (unclassified) and nothing is counted twice. With no per-request rows for that provider, day and
-- model the aggregate counts whole. When several aggregate rows share a provider, day and model
-- (hours, keys, service tiers, context windows) the per-request amounts are taken from them in
-- started_at, record_key order. Remainders are priced at the aggregate row's own rates
-- (usage_priced: long-context tier, service-tier multiplier); a billed_cost_usd is scaled by the
-- remainder's share of the row's list cost (of its tokens when unpriced). Aggregate rows with
-- nothing left are left out. When two aggregate sources cover a provider's day (API and CSV) the one
-- with the most tokens counts. A row is aggregate when bucket_width is set.
-- Claude Code's own telemetry (source claude-code-otel) and its transcripts (claude-code) are two
-- per-request views of the same calls: in a session both describe, the transcripts count (they carry
-- what forensics and replay read: tools, prompts, 5m/1h writes).
-- Rows left out stay in usage_priced for drill-down.
-- The CTEs used more than once are NOT MATERIALIZED: a materialized CTE stops DuckDB from dropping
-- the columns a query does not read, so every query over this view scanned all of usage's columns
-- (recomputing the small CTEs costs less: spend_by_model at 2M rows 28% less CPU).
CREATE OR REPLACE TEMP VIEW usage_counted AS
WITH transcribed AS NOT MATERIALIZED (  -- sessions with telemetry that transcripts describe too (empty without telemetry)
  SELECT DISTINCT session_id FROM usage
  WHERE source = 'claude-code' AND session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code-otel')
),
agg_source AS NOT MATERIALIZED (  -- the aggregate source that counts for each provider and day (UTC, see usage_priced)
  SELECT provider, epoch_us(started_at) // 86400000000 AS usage_day, source
  FROM usage
  WHERE bucket_width IS NOT NULL
  GROUP BY provider, usage_day, source
  QUALIFY row_number() OVER (PARTITION BY provider, usage_day
    ORDER BY sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens) DESC, source) = 1
),
logged AS NOT MATERIALIZED (  -- what the counted per-request rows add up to, per provider, UTC day (see usage_priced) and model, where an aggregate counts
  SELECT u.provider, epoch_us(u.started_at) // 86400000000 AS usage_day, u.model,
         sum(coalesce(u.requests, 1)) AS requests, sum(u.input_tokens) AS input_tokens,
         sum(u.cache_read_tokens) AS cache_read_tokens, sum(u.cache_write_5m_tokens) AS cache_write_5m_tokens,
         sum(u.cache_write_1h_tokens) AS cache_write_1h_tokens, sum(u.output_tokens) AS output_tokens,
         sum(coalesce(u.reasoning_tokens, 0)) AS reasoning_tokens, sum(coalesce(u.web_search_requests, 0)) AS web_search_requests
  FROM usage u
  SEMI JOIN agg_source s ON s.provider IS NOT DISTINCT FROM u.provider AND s.usage_day = epoch_us(u.started_at) // 86400000000
  ANTI JOIN transcribed t ON u.source = 'claude-code-otel' AND t.session_id = u.session_id
  WHERE u.bucket_width IS NULL
  GROUP BY ALL
),
agg AS (  -- its rows where logs share the day and model, with how much of each amount the earlier rows
          -- of the same provider, day and model hold (whole partitions: the window sees every row of one)
  SELECT u.source, u.record_key, u.provider, epoch_us(u.started_at) // 86400000000 AS usage_day, u.model,
         coalesce(u.requests, 0) AS requests, u.input_tokens, u.cache_read_tokens, u.cache_write_5m_tokens,
         u.cache_write_1h_tokens, u.output_tokens, coalesce(u.reasoning_tokens, 0) AS reasoning_tokens,
         coalesce(u.web_search_requests, 0) AS web_search_requests,
         sum(coalesce(u.requests, 0)) OVER w AS requests_to, sum(u.input_tokens) OVER w AS input_to,
         sum(u.cache_read_tokens) OVER w AS cache_read_to, sum(u.cache_write_5m_tokens) OVER w AS cache_write_5m_to,
         sum(u.cache_write_1h_tokens) OVER w AS cache_write_1h_to, sum(u.output_tokens) OVER w AS output_to,
         sum(coalesce(u.reasoning_tokens, 0)) OVER w AS reasoning_to, sum(coalesce(u.web_search_requests, 0)) OVER w AS web_search_to
  FROM usage u
  SEMI JOIN agg_source s
    ON s.provider IS NOT DISTINCT FROM u.provider AND s.usage_day = epoch_us(u.started_at) // 86400000000 AND s.source = u.source
  SEMI JOIN logged l
    ON l.provider IS NOT DISTINCT FROM u.provider AND l.usage_day = epoch_us(u.started_at) // 86400000000
   AND l.model IS NOT DISTINCT FROM u.model
  WHERE u.bucket_width IS NOT NULL
  WINDOW w AS (PARTITION BY u.provider, epoch_us(u.started_at) // 86400000000, u.model
               ORDER BY u.started_at, u.record_key ROWS UNBOUNDED PRECEDING)
),
remainder AS (  -- per such row: the part past what the logs hold (row amount x ending at x_to, logs L: max(0, min(x, x_to - L)))
  SELECT a.source, a.record_key,
         greatest(0, least(a.requests, a.requests_to - coalesce(l.requests, 0))) AS requests,
         greatest(0, least(a.input_tokens, a.input_to - coalesce(l.input_tokens, 0))) AS input_tokens,
         greatest(0, least(a.cache_read_tokens, a.cache_read_to - coalesce(l.cache_read_tokens, 0))) AS cache_read_tokens,
         greatest(0, least(a.cache_write_5m_tokens, a.cache_write_5m_to - coalesce(l.cache_write_5m_tokens, 0))) AS cache_write_5m_tokens,
         greatest(0, least(a.cache_write_1h_tokens, a.cache_write_1h_to - coalesce(l.cache_write_1h_tokens, 0))) AS cache_write_1h_tokens,
         greatest(0, least(a.output_tokens, a.output_to - coalesce(l.output_tokens, 0))) AS output_tokens,
         greatest(0, least(a.reasoning_tokens, a.reasoning_to - coalesce(l.reasoning_tokens, 0))) AS reasoning_tokens,
         greatest(0, least(a.web_search_requests, a.web_search_to - coalesce(l.web_search_requests, 0))) AS web_search_requests
  FROM agg a
  JOIN logged l
    ON l.provider IS NOT DISTINCT FROM a.provider AND l.usage_day = a.usage_day AND l.model IS NOT DISTINCT FROM a.model
),
split AS (  -- those rows: the remainder's amounts at the row's own rates
  SELECT p.* REPLACE (
           CASE WHEN p.requests IS NOT NULL THEN m.requests END AS requests,
           m.input_tokens AS input_tokens,
           m.cache_read_tokens AS cache_read_tokens,
           m.cache_write_5m_tokens AS cache_write_5m_tokens,
           m.cache_write_1h_tokens AS cache_write_1h_tokens,
           m.output_tokens AS output_tokens,
           CASE WHEN p.reasoning_tokens IS NOT NULL THEN m.reasoning_tokens END AS reasoning_tokens,
           CASE WHEN p.web_search_requests IS NOT NULL THEN m.web_search_requests END AS web_search_requests,
           m.input_tokens + m.cache_read_tokens + m.cache_write_5m_tokens + m.cache_write_1h_tokens AS prompt_tokens,
           CASE WHEN p.list_cost_usd IS NOT NULL THEN  -- the sum usage_priced takes
                  (m.input_tokens * p.input_usd_per_mtok + m.cache_read_tokens * p.cache_read_usd_per_mtok
                   + m.cache_write_5m_tokens * p.cache_write_5m_usd_per_mtok + m.cache_write_1h_tokens * p.cache_write_1h_usd_per_mtok
                   + m.output_tokens * coalesce(p.output_usd_per_mtok, 0)) / 1e6 * p.tier_multiplier
                  + m.web_search_requests * coalesce(p.web_search_usd_per_request, 0) END AS list_cost_usd),
         p.list_cost_usd AS whole_list_cost_usd,
         (m.input_tokens + m.cache_read_tokens + m.cache_write_5m_tokens + m.cache_write_1h_tokens + m.output_tokens)
           / nullif(p.prompt_tokens + p.output_tokens, 0) AS token_share
  FROM usage_priced p
  JOIN remainder m ON m.source = p.source AND m.record_key = p.record_key
  WHERE p.bucket_width IS NOT NULL
    AND (m.requests + m.input_tokens + m.cache_read_tokens + m.cache_write_5m_tokens + m.cache_write_1h_tokens
                           + m.output_tokens + m.web_search_requests > 0)
),
billed AS (  -- a billed cost scales by the remainder's share of the row's list cost (of its tokens when unpriced)
  SELECT * EXCLUDE (whole_list_cost_usd, token_share)
           REPLACE (billed_cost_usd * coalesce(list_cost_usd / nullif(whole_list_cost_usd, 0), token_share, 0) AS billed_cost_usd)
  FROM split
)
SELECT p.*
FROM usage_priced p
ANTI JOIN transcribed t ON p.source = 'claude-code-otel' AND t.session_id = p.session_id
WHERE p.bucket_width IS NULL
UNION ALL
-- aggregate rows of the counting source that no log shares a day and model with: whole, as priced
SELECT p.*
FROM usage_priced p
SEMI JOIN agg_source s
  ON s.provider IS NOT DISTINCT FROM p.provider AND s.usage_day = epoch_us(p.started_at) // 86400000000 AND s.source = p.source
ANTI JOIN logged l
  ON l.provider IS NOT DISTINCT FROM p.provider AND l.usage_day = epoch_us(p.started_at) // 86400000000
 AND l.model IS NOT DISTINCT FROM p.model
WHERE p.bucket_width IS NOT NULL
UNION ALL
SELECT * REPLACE (coalesce(billed_cost_usd, list_cost_usd) AS cost_usd) FROM billed
