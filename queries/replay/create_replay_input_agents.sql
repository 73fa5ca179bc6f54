-- replay_input for a plan's own routing rules: the agent usage a plan meters, also on days a provider's
-- aggregate export is what summaries count — Claude Code and Codex transcripts, and Claude Code
-- telemetry for sessions no transcript describes (as plan_requests.sql and usage_windows.sql read it).
CREATE OR REPLACE TEMP VIEW replay_input AS
SELECT * FROM usage_priced
WHERE source IN ('claude-code', 'codex', 'claude-code-otel')
  AND NOT (source = 'claude-code-otel' AND session_id IN (SELECT session_id FROM usage WHERE source = 'claude-code'))
