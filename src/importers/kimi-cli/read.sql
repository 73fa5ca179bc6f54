-- Read one Kimi CLI wire.jsonl into the temp table kimi_cli_items for kimi-cli/stage.sql: one row per
-- line (jsonl_records: exact line numbers), with what both protocols say about a request.
--   older (Python CLI, ~/.kimi): {"timestamp": <unix seconds>, "message": {"type": "StatusUpdate",
--     "payload": {"token_usage": {input_other, output, input_cache_read, input_cache_creation},
--     "message_id"}}}; tool calls are {"message": {"type": "ToolCall", "payload": {"function": {"name"}}}}.
--   newer (Kimi Code, ~/.kimi-code): {"type": "usage.record", "time": <ms>, "model", "usageScope",
--     "agentId", "usage": {inputOther, output, inputCacheRead, inputCacheCreation}}; tool calls are
--     context.append_loop_event records whose event is {"type": "tool.call", "name"}; llm.request
--     records map a model alias (usage.record's model) to the model itself.
-- is_request marks the lines that are one API request each; request_seq numbers the requests before a
-- line, so a tool call belongs to the next request of its file (it is streamed before its usage).
-- default_model: the CLI's configured default (config.toml), for the older protocol's unnamed model.
-- inherited_model: for a usage.record, the model behind its alias when the file's own llm.request
-- records may not map it (a subagent's log): from the session's other agents or config.toml (aliases.ts).
-- params: $files VARCHAR[] (one file), $default_model VARCHAR ('' when unknown),
--   $model_aliases VARCHAR (a JSON object: alias -> model)
CREATE OR REPLACE TEMP TABLE kimi_cli_items AS
WITH recs AS (
  SELECT source_file, source_line, raw, ok, CASE WHEN ok THEN CAST(rec AS JSON) END AS rec FROM jsonl_records($files)
),
kinds AS (
  SELECT *,
         coalesce(ok AND (rec->'message'->>'type') = 'StatusUpdate' AND json_type(rec, '$.message.payload.token_usage') = 'OBJECT', false) AS is_status,
         coalesce(ok AND (rec->>'type') = 'usage.record' AND json_type(rec, '$.usage') = 'OBJECT'
                  AND coalesce(rec->>'usageScope', '') <> 'session', false) AS is_usage_record,  -- a session-scope record repeats the totals
         CASE WHEN (rec->'message'->>'type') IN ('ToolCall', 'ToolCallRequest') THEN rec->'message'->'payload'->'function'->>'name'
              WHEN (rec->>'type') = 'context.append_loop_event' AND (rec->'event'->>'type') = 'tool.call' THEN rec->'event'->>'name'
         END AS tool_name
  FROM recs
)
SELECT kinds.*, is_status OR is_usage_record AS is_request,
       coalesce(sum((is_status OR is_usage_record)::INTEGER) OVER (ORDER BY source_line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS request_seq,
       nullif($default_model, '') AS default_model,
       CASE WHEN is_usage_record THEN aliases.models[rec->>'model'] END AS inherited_model
FROM kinds, (SELECT CAST(CAST($model_aliases AS JSON) AS MAP(VARCHAR, VARCHAR)) AS models) aliases
