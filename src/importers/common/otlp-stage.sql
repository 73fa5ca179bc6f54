-- Stage one OTLP JSON capture from otlp_items (otlp/read.sql). Two kinds of usage rows:
--   * GenAI inference spans (semantic conventions): a span with gen_ai.usage.* counts whose
--     gen_ai.operation.name is not an agent or tool operation (invoke_agent / create_agent /
--     execute_tool spans can carry their children's totals: counting them would count twice).
--     Source 'otel' (a reader may name another in the resource's recount.source), keyed by traceId:spanId. gen_ai.usage.input_tokens INCLUDES cache reads and
--     writes (gen_ai.usage.cache_read.input_tokens, gen_ai.usage.cache_creation.input_tokens), so
--     uncached input = input − read − creation (a negative rest is rejected: the counts contradict the
--     convention); output_tokens includes reasoning (gen_ai.usage.reasoning.output_tokens is its
--     subset). Older names (gen_ai.usage.prompt_tokens / completion_tokens, gen_ai.system) are read
--     too. Model: gen_ai.response.model, else gen_ai.request.model. Session: gen_ai.conversation.id;
--     project: the resource's service.name. Times are unix nanoseconds; latency = end − start.
--     A routing-decision span (any attribute named routing.*) that is the inference span's parent,
--     else the only one in its trace, gives the row its routing.* attributes as tags (prefix dropped).
--     Tools: the gen_ai.tool.name of the execute_tool spans the call's response ran: a tool span that
--     is the inference span's child, else the one that starts after it under the same parent (an agent
--     span runs chat → tools → chat as siblings) and before the next inference span there.
--   * Claude Code's claude_code.api_request log events (CLAUDE_CODE_ENABLE_TELEMETRY=1): source
--     'claude-code-otel', provider anthropic; input_tokens, cache_read_tokens, cache_creation_tokens
--     and output_tokens are Anthropic's disjoint buckets (cache creation has no 5m/1h split: counted
--     as 5m), cost_usd is what was billed, duration_ms the latency; session.id, user.account_uuid
--     (else user.email), organization.id → workspace. Keyed by request_id when the event has one,
--     else a hash of the event's identity (session, prompt, sequence, time, model, counts), so the
--     same event in two captures counts once.
-- Other spans and log records carry no usage: skipped. A line that is not JSON is rejected.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH spans AS (
  SELECT *,
         otlp_attr(attrs, 'gen_ai.operation.name') AS operation,
         coalesce(otlp_attr(attrs, 'gen_ai.usage.input_tokens'), otlp_attr(attrs, 'gen_ai.usage.prompt_tokens')) AS input_text,
         coalesce(otlp_attr(attrs, 'gen_ai.usage.output_tokens'), otlp_attr(attrs, 'gen_ai.usage.completion_tokens')) AS output_text,
         coalesce(otlp_attr(attrs, 'gen_ai.usage.cache_read.input_tokens'), otlp_attr(attrs, 'gen_ai.usage.cache_read_input_tokens')) AS read_text,
         coalesce(otlp_attr(attrs, 'gen_ai.usage.cache_creation.input_tokens'), otlp_attr(attrs, 'gen_ai.usage.cache_creation_input_tokens')) AS write_text,
         otlp_attr(attrs, 'gen_ai.usage.reasoning.output_tokens') AS reasoning_text,
         len(list_filter(attrs, a -> starts_with(a.key, 'routing.'))) > 0 AS is_decision,
         try_cast(start_ns AS HUGEINT) AS span_start_n, coalesce(parent_span_id, '') AS parent_key
  FROM otlp_items
  WHERE kind = 'span'
),
inference AS (
  SELECT *
  FROM spans
  WHERE (input_text IS NOT NULL OR output_text IS NOT NULL)
    AND coalesce(operation, '') NOT IN ('invoke_agent', 'create_agent', 'execute_tool')
),
tool_spans AS (
  SELECT trace_id, span_id, parent_key, span_start_n, otlp_attr(attrs, 'gen_ai.tool.name') AS tool_name
  FROM spans
  WHERE operation = 'execute_tool' AND nullif(otlp_attr(attrs, 'gen_ai.tool.name'), '') IS NOT NULL
),
tool_owner AS (  -- the inference span whose response ran each tool
  SELECT t.trace_id, coalesce(child.span_id, sibling.span_id) AS owner_span_id, t.tool_name
  FROM tool_spans t
  LEFT JOIN inference child ON child.trace_id = t.trace_id AND child.span_id = t.parent_key
  ASOF LEFT JOIN inference sibling ON sibling.trace_id = t.trace_id AND sibling.parent_key = t.parent_key AND t.span_start_n >= sibling.span_start_n
),
call_tools AS (
  SELECT trace_id, owner_span_id AS span_id, list_sort(list_distinct(list(tool_name))) AS tools
  FROM tool_owner
  WHERE owner_span_id IS NOT NULL
  GROUP BY ALL
),
decisions AS (  -- routing.* attributes as tags, per decision span; a trace with one decision names it for all its calls
  SELECT trace_id, span_id,
         list_transform(list_filter(attrs, a -> starts_with(a.key, 'routing.')), a -> {'key': a.key[9:], 'value': a.value}) AS entries,
         count(*) OVER (PARTITION BY trace_id) AS per_trace
  FROM spans
  WHERE is_decision AND input_text IS NULL AND output_text IS NULL
),
span_rows AS (
  SELECT i.source_file, i.source_line, NULL AS raw, coalesce(otlp_attr(i.resource_attrs, 'recount.source'), 'otel') AS source,  -- copilot-cli/read-otel.sql names its own
         CASE WHEN i.trace_id IS NOT NULL AND i.span_id IS NOT NULL THEN i.trace_id || ':' || i.span_id END AS record_key,
         i.start_ns AS time_text, try_cast(i.start_ns AS HUGEINT) AS start_n, try_cast(i.end_ns AS HUGEINT) AS end_n, NULL AS iso_time,
         lower(coalesce(otlp_attr(i.attrs, 'gen_ai.provider.name'), otlp_attr(i.attrs, 'gen_ai.system'))) AS provider_raw,
         coalesce(otlp_attr(i.attrs, 'gen_ai.response.model'), otlp_attr(i.attrs, 'gen_ai.request.model')) AS model_raw,
         i.input_text, i.output_text, i.read_text, i.write_text, i.reasoning_text, NULL AS cost_text, NULL AS duration_text,
         true AS input_includes_cache,
         otlp_attr(i.attrs, 'gen_ai.conversation.id') AS session_id,
         otlp_attr(i.resource_attrs, 'service.name') AS project,
         coalesce(otlp_attr(i.attrs, 'user.id'), otlp_attr(i.attrs, 'enduser.id'), otlp_attr(i.resource_attrs, 'user.id')) AS user_raw,
         NULL AS workspace, NULL AS service_tier,
         i.status_code IN ('2', 'STATUS_CODE_ERROR') OR otlp_attr(i.attrs, 'error.type') IS NOT NULL AS failed,
         coalesce(parent.entries, sole.entries) AS tag_entries, ct.tools
  FROM inference i
  LEFT JOIN decisions parent ON parent.trace_id = i.trace_id AND parent.span_id = i.parent_span_id
  LEFT JOIN decisions sole ON sole.trace_id = i.trace_id AND sole.per_trace = 1
  LEFT JOIN call_tools ct ON ct.trace_id = i.trace_id AND ct.span_id = i.span_id
),
events AS (
  SELECT *, coalesce(otlp_attr(attrs, 'event.name'), event_name) AS event
  FROM otlp_items
  WHERE kind = 'log'
),
event_rows AS (
  SELECT source_file, source_line, NULL AS raw, 'claude-code-otel' AS source,
         coalesce(otlp_attr(attrs, 'request_id'),
                  'event:' || md5(concat_ws('|', otlp_attr(attrs, 'session.id'), otlp_attr(attrs, 'prompt.id'), otlp_attr(attrs, 'event.sequence'),
                                            coalesce(otlp_attr(attrs, 'event.timestamp'), start_ns), otlp_attr(attrs, 'model'),
                                            otlp_attr(attrs, 'input_tokens'), otlp_attr(attrs, 'output_tokens'),
                                            otlp_attr(attrs, 'cache_read_tokens'), otlp_attr(attrs, 'cache_creation_tokens')))) AS record_key,
         coalesce(otlp_attr(attrs, 'event.timestamp'), start_ns) AS time_text,
         try_cast(start_ns AS HUGEINT) AS start_n, NULL::HUGEINT AS end_n, otlp_attr(attrs, 'event.timestamp') AS iso_time,
         'anthropic' AS provider_raw, otlp_attr(attrs, 'model') AS model_raw,
         otlp_attr(attrs, 'input_tokens') AS input_text, otlp_attr(attrs, 'output_tokens') AS output_text,
         otlp_attr(attrs, 'cache_read_tokens') AS read_text, otlp_attr(attrs, 'cache_creation_tokens') AS write_text,
         NULL AS reasoning_text, otlp_attr(attrs, 'cost_usd') AS cost_text, otlp_attr(attrs, 'duration_ms') AS duration_text,
         false AS input_includes_cache,
         coalesce(otlp_attr(attrs, 'session.id'), otlp_attr(resource_attrs, 'session.id')) AS session_id,
         NULL AS project,
         coalesce(otlp_attr(attrs, 'user.account_uuid'), otlp_attr(attrs, 'user.email'), otlp_attr(resource_attrs, 'user.account_uuid')) AS user_raw,
         coalesce(otlp_attr(attrs, 'organization.id'), otlp_attr(resource_attrs, 'organization.id')) AS workspace,
         CASE WHEN otlp_attr(attrs, 'speed') = 'fast' THEN 'fast' END AS service_tier,
         false AS failed, NULL AS tag_entries, NULL::VARCHAR[] AS tools
  FROM events
  WHERE event IN ('api_request', 'claude_code.api_request')
),
usage_rows AS (SELECT * FROM span_rows UNION ALL BY NAME SELECT * FROM event_rows),
typed AS (
  SELECT *,
         CASE WHEN iso_time IS NOT NULL THEN try_cast(iso_time AS TIMESTAMPTZ)
              WHEN start_n BETWEEN 1 AND 9223372036854775807 THEN make_timestamp(CAST(start_n // 1000 AS BIGINT)) AT TIME ZONE 'UTC' END AS started_at,
         token_count(input_text) AS input_n, token_count(output_text) AS output_n, token_count(read_text) AS read_n,
         token_count(write_text) AS write_n, token_count(reasoning_text) AS reasoning_n,
         try_cast(cost_text AS DOUBLE) AS cost_n,
         coalesce(try_cast(duration_text AS DOUBLE), CAST(end_n - start_n AS DOUBLE) / 1e6) AS latency_n
  FROM usage_rows
),
checked AS (
  SELECT *,
         CASE WHEN input_includes_cache THEN coalesce(input_n, 0) - coalesce(read_n, 0) - coalesce(write_n, 0) ELSE coalesce(input_n, 0) END AS uncached_input,
         coalesce(token_count_fault('input_tokens', input_text), token_count_fault('output_tokens', output_text),
                  token_count_fault('cache_read_tokens', read_text), token_count_fault('cache_creation_tokens', write_text),
                  token_count_fault('reasoning_tokens', reasoning_text)) AS count_fault
  FROM typed
),
reasons AS (
  SELECT *,
         CASE
           WHEN record_key IS NULL THEN 'traceId or spanId is missing'
           WHEN started_at IS NULL THEN format('the time is missing or not unix nanoseconds ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (input_text IS NOT NULL AND input_n IS NULL) OR (output_text IS NOT NULL AND output_n IS NULL)
                OR (read_text IS NOT NULL AND read_n IS NULL) OR (write_text IS NOT NULL AND write_n IS NULL)
                OR (reasoning_text IS NOT NULL AND reasoning_n IS NULL) THEN 'a token count is not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN format('cost_usd is not a number ({})', cost_text)
           WHEN uncached_input < 0 THEN format('gen_ai.usage.input_tokens ({}) is less than its cache reads and writes ({}): the convention counts them inside input',
                                               input_n, coalesce(read_n, 0) + coalesce(write_n, 0))
         END AS reason
  FROM checked
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind, reason,
       CASE WHEN reason IS NOT NULL THEN format('{} {} in {}', source, record_key, source_file) END AS raw,
       record_key, source, source_file, source_line, $import_id AS import_id, started_at,
       CASE provider_raw WHEN 'aws.bedrock' THEN 'aws-bedrock' WHEN 'gcp.vertex_ai' THEN 'google' WHEN 'gcp.gemini' THEN 'google'
                         WHEN 'gcp.gen_ai' THEN 'google' WHEN 'azure.ai.openai' THEN 'azure' WHEN 'az.ai.openai' THEN 'azure'
                         WHEN 'azure.ai.inference' THEN 'azure' WHEN 'mistral_ai' THEN 'mistral' WHEN 'x_ai' THEN 'x-ai'
                         ELSE provider_raw END AS provider,
       model_raw, 1 AS requests,
       uncached_input AS input_tokens, coalesce(read_n, 0) AS cache_read_tokens, coalesce(write_n, 0) AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens, coalesce(output_n, 0) AS output_tokens, reasoning_n AS reasoning_tokens,
       cost_n AS billed_cost_usd, session_id, project, hide_key(user_raw) AS user_id, workspace,
       coalesce(service_tier, 'standard') AS service_tier,
       CASE WHEN len(tag_entries) > 0 THEN to_json(map_from_entries(
              list_filter(tag_entries, (e, i) -> list_position(list_transform(tag_entries, x -> x.key), e.key) = i))) END AS tags,
       CASE WHEN failed THEN 'error' ELSE 'ok' END AS status,
       latency_n AS latency_ms, tools
FROM reasons
UNION ALL BY NAME
SELECT DISTINCT 'skip' AS row_kind, source_file, source_line, $import_id AS import_id
FROM otlp_items
WHERE kind IN ('span', 'log')
  AND NOT EXISTS (SELECT 1 FROM usage_rows u WHERE u.source_file = otlp_items.source_file AND u.source_line = otlp_items.source_line)
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid OTLP JSON (a truncated or corrupted line)' AS reason, raw, source_file, source_line, $import_id AS import_id
FROM otlp_items
WHERE kind = 'bad'
