-- plan_routed_requests: plan_requests (agent usage, request by request per seat), each with its row in
-- the routing replay: replay_ix is the row's place in the frame's replay order (replay_keys),
-- -1 when the replay does not hold it (a provider's aggregate export counted that day instead).
-- grain: one row per agent usage record; a seat is a user_id, else an api_key, else '(local)' (as usage_windows)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
--
-- Run with the plan frame's replay_input (create_replay_input_agents.sql). A replay row is found by its
-- order keys (start time in µs, hash of source and record key) and its source.
WITH replayed AS (SELECT order_us, order_hash, source, place AS replay_ix FROM replay_keys($since, $until, $tz))
SELECT coalesce(p.user_id, p.api_key, '(local)') AS seat,
       epoch_ms(p.started_at) AS started_at_ms,
       lower(p.provider) AS provider,
       p.model,
       CAST(coalesce(p.input_tokens, 0) + coalesce(p.cache_write_5m_tokens, 0) + coalesce(p.cache_write_1h_tokens, 0) + coalesce(p.output_tokens, 0) AS DOUBLE) AS counted_tokens,
       CAST(coalesce(p.list_cost_usd, 0) AS DOUBLE) AS list_cost_usd,
       coalesce(r.replay_ix, -1) AS replay_ix
FROM usage_priced p
LEFT JOIN replayed r
  ON r.order_us = epoch_us(p.started_at) AND r.order_hash = hash(p.source, p.record_key) AND r.source = p.source
WHERE p.source IN ('claude-code', 'codex', 'claude-code-otel')
  AND in_period(p.started_at, p.bucket_width, $since, $until, $tz)
  AND NOT (p.source = 'claude-code-otel' AND p.session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code'))
ORDER BY seat, p.started_at, p.record_key
