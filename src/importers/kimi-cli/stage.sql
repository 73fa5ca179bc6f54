-- Stage one Kimi CLI wire.jsonl from kimi_cli_items (kimi-cli/read.sql): one usage row per request
-- line (a StatusUpdate with token_usage, or a usage.record), a reject per line that is not JSON or
-- whose counts or time do not read, and per file one row counting the lines skipped.
-- Units: both protocols give disjoint buckets (kimi-cli's TokenUsage: input_other EXCLUDES
-- input_cache_read and input_cache_creation): input = input_other, cache read = input_cache_read,
-- cache write (no TTL split: 5m bucket) = input_cache_creation, output = output (thinking included).
-- Times: the older `timestamp` is unix SECONDS (a float), the newer `time` is MILLISECONDS.
-- Count each request once: the newer CLI logs an ordinary step twice, as the step.end loop event and
-- as a usage.record; only usage.record lines are read (a compaction call has only that record).
-- The older CLI can send a StatusUpdate again for the same step: <session>:<message_id> is its key.
-- A usage.record has no id: <session>:<agent>:<line> (the file is append-only), the line being the
-- first one in the file with the same text: a block of records written again keys as its first copy,
-- so it counts once (a duplicate) instead of twice.
-- Attribution (from the path): older sessions/<work-dir hash>/<session>/wire.jsonl, subagents in
-- <session>/subagents/<agent>/wire.jsonl; newer sessions/<workspace>/<session>/agents/<agent>/wire.jsonl
-- (agent 'main' is the session itself). project = the work-dir hash / workspace folder.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH paths AS (
  SELECT DISTINCT source_file,
         regexp_extract(source_file, '[/\\]sessions[/\\]([^/\\]+)[/\\]([^/\\]+)[/\\](?:agents|subagents)[/\\]([^/\\]+)[/\\][^/\\]+$', ['project', 'session', 'agent']) AS nested,
         regexp_extract(source_file, '[/\\]sessions[/\\]([^/\\]+)[/\\]([^/\\]+)[/\\][^/\\]+$', ['project', 'session']) AS flat
  FROM kimi_cli_items
),
owners AS (
  SELECT source_file, coalesce(nullif(nested.project, ''), nullif(flat.project, '')) AS project,
         coalesce(nullif(nested.session, ''), nullif(flat.session, ''), source_file) AS session, nullif(nullif(nested.agent, ''), 'main') AS agent
  FROM paths
),
aliases AS (  -- llm.request: the model behind each alias a usage.record names (else inherited_model: read.sql)
  SELECT source_file, rec->>'modelAlias' AS alias, last(rec->>'model' ORDER BY source_line) AS model
  FROM kimi_cli_items WHERE ok AND (rec->>'type') = 'llm.request' AND (rec->>'modelAlias') IS NOT NULL GROUP BY ALL
),
tools AS (
  SELECT source_file, request_seq, list_sort(list_distinct(list(tool_name))) AS tools
  FROM kimi_cli_items WHERE tool_name IS NOT NULL GROUP BY ALL
),
requests AS (
  SELECT source_file, source_line, raw, request_seq, is_status,
         CASE WHEN is_status THEN rec->'message'->'payload'->>'message_id' END AS message_id,
         CASE WHEN is_status THEN to_timestamp(try_cast(rec->>'timestamp' AS DOUBLE)) ELSE epoch_ms(try_cast(rec->>'time' AS BIGINT)) END AS started_at,
         coalesce(rec->>'timestamp', rec->>'time') AS time_text,
         CASE WHEN is_status THEN default_model ELSE rec->>'model' END AS model_raw, inherited_model, rec->>'agentId' AS record_agent, rec->>'usageScope' AS scope,
         coalesce(rec->'message'->'payload'->'token_usage', rec->'usage') AS u,
         min(source_line) OVER (PARTITION BY source_file, raw) AS first_line  -- a record written again: its first copy's line
  FROM kimi_cli_items WHERE is_request
),
typed AS (
  SELECT *, coalesce(u->>'input_other', u->>'inputOther') AS input_text, u->>'output' AS output_text,
         coalesce(u->>'input_cache_read', u->>'inputCacheRead') AS read_text, coalesce(u->>'input_cache_creation', u->>'inputCacheCreation') AS write_text
  FROM requests
),
checked AS (
  SELECT *, token_count(input_text) AS input_n, token_count(output_text) AS output_n,
         coalesce(token_count(read_text), 0) AS read_n, coalesce(token_count(write_text), 0) AS write_n,
         CASE
           WHEN started_at IS NULL THEN format('{} is missing or not a time ({})', CASE WHEN is_status THEN 'timestamp' ELSE 'time' END, coalesce(time_text, 'none'))
           ELSE coalesce(token_count_fault('input_other', input_text), token_count_fault('output', output_text),
                         token_count_fault('input_cache_read', read_text), token_count_fault('input_cache_creation', write_text),
                         CASE WHEN token_count(input_text) IS NULL OR token_count(output_text) IS NULL
                                   OR (read_text IS NOT NULL AND token_count(read_text) IS NULL) OR (write_text IS NOT NULL AND token_count(write_text) IS NULL)
                              THEN 'token usage: input_other or output is missing, or a count is not a number' END)
         END AS reason
  FROM typed
),
counted AS (SELECT * FROM checked WHERE reason IS NULL AND input_n + output_n + read_n + write_n > 0)
SELECT 'usage' AS row_kind,
       CASE WHEN message_id IS NOT NULL THEN concat_ws(':', o.session, message_id)
            ELSE concat_ws(':', o.session, coalesce(c.record_agent, o.agent, 'main'), c.first_line) END AS record_key,
       'kimi-cli' AS source, c.source_file, c.source_line, $import_id AS import_id, c.started_at, 'moonshot' AS provider,
       coalesce(a.model, c.inherited_model, c.model_raw) AS model_raw, 1 AS requests, c.input_n AS input_tokens, c.read_n AS cache_read_tokens,
       c.write_n AS cache_write_5m_tokens, 0 AS cache_write_1h_tokens, c.output_n AS output_tokens, 'standard' AS service_tier,
       o.session AS session_id, o.project, nullif(coalesce(c.record_agent, o.agent), 'main') AS agent_id,
       nullif(coalesce(c.record_agent, o.agent), 'main') IS NOT NULL AS is_sidechain,
       json_object('usage_scope', c.scope, 'model_alias', CASE WHEN coalesce(a.model, c.inherited_model) IS NOT NULL THEN c.model_raw END) AS tags, t.tools, 'ok' AS status
FROM counted c
JOIN owners o USING (source_file)
LEFT JOIN aliases a ON a.source_file = c.source_file AND a.alias = c.model_raw AND NOT c.is_status
LEFT JOIN tools t ON t.source_file = c.source_file AND t.request_seq = c.request_seq
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'kimi-cli' AS source, source_file, source_line, $import_id AS import_id
FROM checked WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted line)' AS reason, raw,
       'kimi-cli' AS source, source_file, source_line, $import_id AS import_id
FROM kimi_cli_items WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'kimi-cli' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM kimi_cli_items i
WHERE ok AND NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_line = i.source_line AND (c.reason IS NOT NULL OR c.input_n + c.output_n + c.read_n + c.write_n > 0))
GROUP BY source_file
