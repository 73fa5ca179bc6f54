-- usage_counted: the rows summaries and queries count. Gateway logs, agent transcripts and provider
-- exports can describe the same traffic from two sides, so for each provider and UTC day one view
-- is chosen: the provider's own aggregate buckets when any were imported for that day (the source
-- with the most tokens, if several), else every per-request source. Per-request rows are aggregate
-- when bucket_width is set. Claude Code's own telemetry (source claude-code-otel) and its transcripts
-- (claude-code) are two per-request views of the same calls: in a session both describe, the
-- transcripts count (they carry what forensics and replay read: tools, prompts, 5m/1h writes).
-- Rows left out stay in usage_priced for drill-down.
CREATE OR REPLACE TEMP VIEW usage_counted AS
WITH per_source AS (
  SELECT provider, epoch_us(started_at) // 86400000000 AS usage_day, source,  -- UTC day (see usage_priced)
         bool_or(bucket_width IS NOT NULL) AS is_aggregate,
         sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens) AS tokens
  FROM usage
  GROUP BY ALL
),
chosen AS (
  SELECT provider, usage_day, source
  FROM per_source
  QUALIFY is_aggregate = bool_or(is_aggregate) OVER (PARTITION BY provider, usage_day)
      AND (NOT is_aggregate OR row_number() OVER (PARTITION BY provider, usage_day, is_aggregate ORDER BY tokens DESC, source) = 1)
),
transcribed AS (  -- sessions with telemetry that transcripts describe too (empty without telemetry)
  SELECT DISTINCT session_id FROM usage
  WHERE source = 'claude-code' AND session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code-otel')
)
SELECT p.*
FROM usage_priced p
SEMI JOIN chosen c
  ON c.provider IS NOT DISTINCT FROM p.provider
 AND c.usage_day = epoch_us(p.started_at) // 86400000000
 AND c.source = p.source
ANTI JOIN transcribed t
  ON p.source = 'claude-code-otel' AND t.session_id = p.session_id
