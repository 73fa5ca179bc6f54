-- plan_requests: agent usage, request by request in time order per seat, for replaying it against subscription plans.
-- grain: one row per agent usage record; a seat is a user_id, else an api_key, else '(local)' (as usage_windows)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
--
-- Agent usage is what usage_windows counts: Claude Code and Codex transcripts, and Claude Code telemetry for
-- sessions no transcript describes. counted_tokens is what a token allowance meters (input, cache writes and
-- output; cache reads are left out); list_cost_usd is the API-equivalent cost at list prices (0 when unpriced).
SELECT coalesce(p.user_id, p.api_key, '(local)') AS seat,
       epoch_ms(p.started_at) AS started_at_ms,
       lower(p.provider) AS provider,
       p.model,
       CAST(coalesce(p.input_tokens, 0) + coalesce(p.cache_write_5m_tokens, 0) + coalesce(p.cache_write_1h_tokens, 0) + coalesce(p.output_tokens, 0) AS DOUBLE) AS counted_tokens,
       CAST(coalesce(p.list_cost_usd, 0) AS DOUBLE) AS list_cost_usd
FROM usage_priced p
WHERE p.source IN ('claude-code', 'codex', 'claude-code-otel')
  AND in_period(p.started_at, p.bucket_width, $since, $until, $tz)
  AND NOT (p.source = 'claude-code-otel' AND p.session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code'))
ORDER BY seat, p.started_at, p.record_key
