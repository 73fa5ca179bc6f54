-- Stage Claude Code transcript lines. One staged row per assistant line that carries usage
-- (several lines of one API response share message.id; the merge keeps the most complete),
-- a reject per line that is not JSON or lacks what a usage record needs, a skip for the rest
-- (human prompts, tool results, summaries, <synthetic> local errors).
-- params: $files VARCHAR[], $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH raw_lines AS (
  SELECT filename, row_number() OVER () AS gidx, raw
  FROM read_csv($files, columns = {'raw': 'VARCHAR'}, header = false, delim = E'\x01', quote = '', escape = '',
                auto_detect = false, max_line_size = 536870912, strict_mode = false, filename = true)
),
lines AS (
  SELECT filename AS source_file, gidx - min(gidx) OVER (PARTITION BY filename) + 1 AS source_line, raw
  FROM raw_lines
),
parsed AS (
  SELECT source_file, source_line, raw, CASE WHEN json_valid(raw) THEN raw::JSON END AS j
  FROM lines
  WHERE raw IS NOT NULL AND trim(raw) <> ''
),
fields AS (
  SELECT source_file, source_line, raw, j,
         j->>'type' AS line_type,
         j->'message'->'usage' AS u,
         j->'message'->>'model' AS model_raw,
         -- a human turn: string content, or text blocks that are not tool results
         CASE WHEN j->>'type' = 'user' AND NOT coalesce((j->>'isMeta')::BOOLEAN, false) THEN
           CASE json_type(j->'message'->'content')
             WHEN 'VARCHAR' THEN j->'message'->>'content'
             WHEN 'ARRAY' THEN nullif(array_to_string(list_filter(json_extract_string(j, '$.message.content[*].text'), x -> x IS NOT NULL), ' '), '')
           END
         END AS human_prompt
  FROM parsed
),
with_prompt AS (
  SELECT *,
         last_value(human_prompt IGNORE NULLS) OVER (PARTITION BY source_file ORDER BY source_line
                                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS turn_prompt
  FROM fields
),
classified AS (
  SELECT *,
         try_cast(j->>'timestamp' AS TIMESTAMPTZ) AS ts,
         coalesce('msg:' || (j->'message'->>'id'), 'req:' || (j->>'requestId'), 'uuid:' || (j->>'uuid')) AS key,
         CASE
           WHEN j IS NULL THEN 'reject'
           WHEN line_type = 'assistant' AND u IS NOT NULL AND coalesce(model_raw, '') <> '<synthetic>' THEN 'usage'
           ELSE 'skip'
         END AS kind0
  FROM with_prompt
),
checked AS (
  SELECT *,
         CASE
           WHEN j IS NULL THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN kind0 = 'usage' AND ts IS NULL THEN 'assistant line without a valid timestamp'
           WHEN kind0 = 'usage' AND key IS NULL THEN 'assistant line without message.id, requestId or uuid'
           WHEN kind0 = 'usage' AND try_cast(u->>'input_tokens' AS BIGINT) IS NULL THEN 'usage.input_tokens is missing or not a number'
           WHEN kind0 = 'usage' AND try_cast(u->>'output_tokens' AS BIGINT) IS NULL THEN 'usage.output_tokens is missing or not a number'
         END AS reason
  FROM classified
)
SELECT
  CASE WHEN reason IS NOT NULL THEN 'reject' ELSE kind0 END AS row_kind,
  reason,
  CASE WHEN reason IS NOT NULL THEN left(raw, 100000) END AS raw,
  key AS record_key,
  'claude-code' AS source,
  source_file,
  source_line,
  $import_id AS import_id,
  ts AS started_at,
  'anthropic' AS provider,
  model_raw,
  1 AS requests,
  try_cast(u->>'input_tokens' AS BIGINT) AS input_tokens,
  coalesce(try_cast(u->>'cache_read_input_tokens' AS BIGINT), 0) AS cache_read_tokens,
  -- the 5m/1h split when written; older builds only have the total, which counts as 5m
  coalesce(try_cast(u->'cache_creation'->>'ephemeral_5m_input_tokens' AS BIGINT),
           try_cast(u->>'cache_creation_input_tokens' AS BIGINT), 0) AS cache_write_5m_tokens,
  coalesce(try_cast(u->'cache_creation'->>'ephemeral_1h_input_tokens' AS BIGINT), 0) AS cache_write_1h_tokens,
  try_cast(u->>'output_tokens' AS BIGINT) AS output_tokens,
  try_cast(u->'server_tool_use'->>'web_search_requests' AS BIGINT) AS web_search_requests,
  CASE WHEN u->>'speed' = 'fast' THEN 'fast' ELSE coalesce(u->>'service_tier', 'standard') END AS service_tier,
  j->>'sessionId' AS session_id,
  regexp_extract(j->>'cwd', '([^/\\]+)[/\\]*$', 1) AS project,
  j->>'agentId' AS agent_id,
  coalesce(try_cast(j->>'isSidechain' AS BOOLEAN), false) AS is_sidechain,
  json_object('cwd', j->>'cwd', 'git_branch', j->>'gitBranch', 'version', j->>'version', 'request_id', j->>'requestId') AS tags,
  -- tool_use names of every line of the response, not just the line the merge keeps
  CASE WHEN kind0 = 'usage' THEN
    list_sort(list_distinct(flatten(list(list_filter(json_extract_string(j, '$.message.content[*].name'), x -> x IS NOT NULL))
      OVER (PARTITION BY kind0, key))))
  END AS tools,
  'ok' AS status,
  CASE WHEN kind0 = 'usage' THEN left(turn_prompt, 4000) END AS prompt_text
FROM checked
