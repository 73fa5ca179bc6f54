-- usage_windows: agent usage in the providers' rolling usage windows ($hours long, 5 by default; 168 for weeks), busiest first.
-- grain: one row per (seat, window); a seat is a user_id, else an api_key, else '(local)' (one machine's transcripts)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', hours INTEGER = 5, limit BIGINT = 100
--
-- A window starts at a seat's first request and lasts $hours; the first request after it ends starts the
-- next one (how Claude and ChatGPT plans meter their 5-hour and weekly limits). One pass per window. Agent usage is every
-- coding-agent request: Claude Code and Codex transcripts, and Claude Code telemetry for sessions no
-- transcript describes (usage_priced, so days a provider export counts are in too). cost_usd is the
-- API-equivalent cost at list prices (what the same work costs on a pay-as-you-go key);
-- active_minutes counts the minutes in which at least one request started. Times are instants (UTC).
WITH RECURSIVE agent AS (
  SELECT coalesce(p.user_id, p.api_key, '(local)') AS seat, p.started_at, p.requests, p.input_tokens, p.cache_read_tokens,
         p.cache_write_5m_tokens, p.cache_write_1h_tokens, p.output_tokens, p.list_cost_usd, p.price_status, p.model
  FROM usage_priced p
  WHERE p.source IN ('claude-code', 'codex', 'claude-code-otel')
    AND in_period(p.started_at, p.bucket_width, $since, $until, $tz)
    AND NOT (p.source = 'claude-code-otel' AND p.session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code'))
),
times AS (SELECT DISTINCT seat, started_at FROM agent),
starts(seat, window_start) AS (
  SELECT seat, min(started_at) FROM times GROUP BY seat
  UNION ALL
  -- the next request at or after the window's end (a correlated min, not an ASOF join: DuckDB refuses
  -- ASOF inside a recursive CTE when it plans it as a real ASOF join, as over a lake)
  SELECT s.seat, (SELECT min(t.started_at) FROM times t
                  WHERE t.seat = s.seat AND t.started_at >= s.window_start + to_hours(CAST($hours AS BIGINT)))
  FROM starts s
  WHERE EXISTS (SELECT 1 FROM times t WHERE t.seat = s.seat AND t.started_at >= s.window_start + to_hours(CAST($hours AS BIGINT)))
),
windows AS (
  SELECT seat, window_start, window_start + to_hours(CAST($hours AS BIGINT)) AS window_end FROM starts
)
SELECT w.seat, w.window_start, w.window_end,
       CAST(count(*) AS BIGINT) AS records,
       CAST(coalesce(sum(a.requests), 0) AS HUGEINT) AS requests,
       CAST(sum(a.input_tokens) AS HUGEINT) AS input_tokens,
       CAST(sum(a.cache_read_tokens) AS HUGEINT) AS cache_read_tokens,
       CAST(sum(a.cache_write_5m_tokens) AS HUGEINT) AS cache_write_5m_tokens,
       CAST(sum(a.cache_write_1h_tokens) AS HUGEINT) AS cache_write_1h_tokens,
       CAST(sum(a.output_tokens) AS HUGEINT) AS output_tokens,
       CAST(coalesce(sum(a.list_cost_usd), 0) AS DOUBLE) AS cost_usd,
       CAST(count(DISTINCT date_trunc('minute', a.started_at)) AS BIGINT) AS active_minutes,
       min(a.started_at) AS first_request_at,
       max(a.started_at) AS last_request_at,
       list_sort(list(DISTINCT a.model) FILTER (WHERE a.model IS NOT NULL)) AS models,
       CAST(count(*) FILTER (WHERE a.price_status = 'unpriced') AS BIGINT) AS unpriced_records
FROM windows w
JOIN agent a ON a.seat = w.seat AND a.started_at >= w.window_start AND a.started_at < w.window_end
GROUP BY w.seat, w.window_start, w.window_end
ORDER BY cost_usd DESC, w.window_start, w.seat
LIMIT CAST($limit AS BIGINT)
