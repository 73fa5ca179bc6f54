-- Stage Langfuse observations: API pages ({data: [...], meta: {page, limit, totalItems, totalPages}}),
-- exported JSON arrays of observations, or one observation per line. One usage row per GENERATION,
-- keyed by its id (overlapping pulls repeat observations; a copy pulled while the call was still
-- running has no usage yet, so the more complete copy wins); every other observation type (SPAN,
-- EVENT, AGENT, TOOL, …) is counted as skipped, one row per file. source_line is the observation's
-- position in its file (1, 2, … across pages and arrays), not a text line.
-- Units: startTime/endTime ISO 8601; latency is SECONDS (→ ms); costDetails are USD.
-- Tokens: usageDetails is a free-form map whose `total` is the sum of the others (never added in).
-- Keys are sorted into buckets by name: cache reads (input_cached_tokens, cache_read_input_tokens,
-- input_cache_read, …), cache writes (cache_creation_input_tokens, input_cache_creation, …; a key
-- naming 1h is a 1h write, and when a 5m/1h split is present the unsplit aggregate beside it is
-- ignored), reasoning (output_reasoning_tokens, …: part of output), other input_* / output_* details.
-- Rule for "does `input` include the cached tokens?": Langfuse's ingestion stores the parts
-- DISJOINT — its OpenAI usage mapping moves prompt_tokens_details.cached_tokens into
-- input_cached_tokens and subtracts it from input (likewise completion details from output), and
-- Anthropic's cache_read_input_tokens / cache_creation_input_tokens never were part of input. So
-- every key counts on its own, for every provider. Usage written raw by custom instrumentation
-- can still hold the input_* / output_* details inside input / output: that is recognized when
-- `total` equals the sum of the parts minus those details, and then they are subtracted instead.
-- costDetails.total → billed (else the sum of the other cost keys, else calculatedTotalCost).
-- Provider: a provider field if any, else by model prefix (claude-* → anthropic, gpt-* / o<digit>* →
-- openai, gemini-* → google, else NULL). traceId, environment, name, prompt and metadata → tags.
-- params: $files VARCHAR[], $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH docs AS (  -- a whole array comes as one value after a UTF-8 BOM or before a second document: its elements
  SELECT filename, row_number() OVER () AS doc_no, doc
  FROM (SELECT filename, unnest(CASE WHEN json_type(json) = 'ARRAY' THEN json_extract(json, '$[*]') ELSE [json] END) AS doc
        FROM read_json_objects($files, format = 'auto', filename = true, maximum_object_size = 67108864))
),
items AS (  -- an API page holds its observations in data; an array element or a line is one itself
  SELECT filename, doc_no, unnest(CASE WHEN json_type(doc, '$.data') = 'ARRAY' THEN json_extract(doc, '$.data[*]') ELSE [doc] END) AS obs
  FROM docs
),
numbered AS (
  SELECT filename AS source_file, row_number() OVER (PARTITION BY filename ORDER BY item_no) AS source_line, obs
  FROM (SELECT *, row_number() OVER () AS item_no FROM items)
),
parsed AS (
  SELECT source_file, source_line, obs,
         json_extract_string(obs, ['$.id', '$.type', '$.startTime', '$.endTime', '$.latency', '$.model', '$.traceId',
                                   '$.environment', '$.name', '$.level', '$.provider', '$.promptName', '$.promptVersion',
                                   '$.userId', '$.sessionId', '$.calculatedTotalCost', '$.usage.input', '$.usage.output',
                                   '$.usageDetails', '$.costDetails', '$.metadata']) AS f
  FROM numbered
),
fields AS (
  SELECT source_file, source_line, obs, f,
         nullif(trim(f[1]), '') AS obs_id,
         upper(f[2]) AS obs_type,
         f[3] AS start_text, f[4] AS end_text,
         nullif(trim(f[6]), '') AS model_name,
         CASE WHEN json_valid(f[19]) AND json_type(f[19]) = 'OBJECT' THEN f[19] END AS usage_json,
         CASE WHEN json_valid(f[20]) AND json_type(f[20]) = 'OBJECT' THEN f[20] END AS cost_json
  FROM parsed
),
typed AS (
  SELECT *,
         CASE
           WHEN start_text IS NULL THEN NULL
           WHEN regexp_matches(start_text, '\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(start_text AS TIMESTAMPTZ)
           ELSE try_cast(start_text AS TIMESTAMP) AT TIME ZONE 'UTC'
         END AS started_at,
         CASE
           WHEN end_text IS NULL THEN NULL
           WHEN regexp_matches(end_text, '\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(end_text AS TIMESTAMPTZ)
           ELSE try_cast(end_text AS TIMESTAMP) AT TIME ZONE 'UTC'
         END AS ended_at,
         -- every usage and cost value as a number; a value that is there but not a number is an error
         map_entries(TRY_CAST(usage_json::JSON AS MAP(VARCHAR, DOUBLE))) AS usage_n,
         map_entries(TRY_CAST(usage_json::JSON AS MAP(VARCHAR, VARCHAR))) AS usage_s,
         map_entries(TRY_CAST(cost_json::JSON AS MAP(VARCHAR, DOUBLE))) AS cost_n,
         map_entries(TRY_CAST(cost_json::JSON AS MAP(VARCHAR, VARCHAR))) AS cost_s
  FROM fields
  WHERE obs_type = 'GENERATION'
),
classified AS (
  SELECT *,
         [{'k': lower(e.key), 'v': coalesce(token_count(e.value), 0),
           'bucket': CASE
                       WHEN lower(e.key) = 'total' THEN 'total'
                       WHEN regexp_matches(lower(e.key), 'cache_?read|cached') THEN 'cache_read'
                       WHEN regexp_matches(lower(e.key), 'cache_?(creation|write)') AND contains(lower(e.key), '1h') THEN 'write_1h'
                       WHEN regexp_matches(lower(e.key), 'cache_?(creation|write)') AND contains(lower(e.key), '5m') THEN 'write_5m'
                       WHEN regexp_matches(lower(e.key), 'cache_?(creation|write)') THEN 'write'
                       WHEN contains(lower(e.key), 'reasoning') THEN 'reasoning'
                       WHEN lower(e.key) = 'input' THEN 'input'
                       WHEN lower(e.key) = 'output' THEN 'output'
                       WHEN starts_with(lower(e.key), 'input') THEN 'input_other'
                       WHEN starts_with(lower(e.key), 'output') THEN 'output_other'
                       ELSE 'other'
                     END}
          FOR e IN coalesce(usage_n, [])] AS parts,
         len(list_filter(usage_s, e -> e.value IS NOT NULL)) > len(list_filter(usage_n, e -> e.value IS NOT NULL))
           OR len(list_filter(cost_s, e -> e.value IS NOT NULL)) > len(list_filter(cost_n, e -> e.value IS NOT NULL)) AS bad_number,
         -- a count that cannot be one (negative, NaN, 1e308, 9e18: 0 in parts) rejects the observation, named
         coalesce([token_count_fault('usageDetails.' || e.key, e.value) FOR e IN coalesce(usage_s, [])
                   IF token_count_fault('usageDetails.' || e.key, e.value) IS NOT NULL][1],
                  token_count_fault('usage.input', f[17]), token_count_fault('usage.output', f[18])) AS count_fault
  FROM typed
),
split AS (
  SELECT *,
         len([p FOR p IN parts IF p.bucket IN ('write_5m', 'write_1h')]) > 0 AS has_ttl_split
  FROM classified
),
counted AS (  -- the parts that count: not total, not unknown keys, not an aggregate beside its TTL split
  SELECT *,
         [p FOR p IN parts IF p.bucket NOT IN ('total', 'other') AND NOT (p.bucket = 'write' AND has_ttl_split)] AS c
  FROM split
),
sums AS (
  SELECT *,
         list_sum([p.v FOR p IN parts IF p.bucket = 'total']) AS usage_total,
         coalesce(list_sum([p.v FOR p IN c]), 0) AS parts_sum,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket = 'input']), 0) AS input_base,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket = 'input_other']), 0) AS input_other,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket = 'output']), 0) AS output_base,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket IN ('output_other', 'reasoning')]), 0) AS output_extra,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket IN ('output_other', 'reasoning') AND NOT starts_with(p.k, 'output_')]), 0) AS output_extra_unprefixed,
         list_sum([p.v FOR p IN c IF p.bucket = 'reasoning']) AS reasoning,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket = 'cache_read']), 0) AS cache_read,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket IN ('write', 'write_5m')]), 0) AS write_5m,
         coalesce(list_sum([p.v FOR p IN c IF p.bucket = 'write_1h']), 0) AS write_1h,
         -- the OpenAI-style details a raw `input` / `output` would hold
         coalesce(list_sum([p.v FOR p IN c IF starts_with(p.k, 'input_')]), 0) AS details_in,
         coalesce(list_sum([p.v FOR p IN c IF starts_with(p.k, 'input_') AND p.bucket IN ('cache_read', 'write', 'write_5m', 'write_1h')]), 0) AS details_in_cache,
         coalesce(list_sum([p.v FOR p IN c IF starts_with(p.k, 'output_')]), 0) AS details_out,
         list_sum([e.value FOR e IN coalesce(cost_n, []) IF lower(e.key) = 'total']) AS cost_total,
         list_sum([e.value FOR e IN coalesce(cost_n, []) IF lower(e.key) <> 'total']) AS cost_parts
  FROM counted
),
layout AS (
  SELECT *,
         usage_total IS NOT NULL AND parts_sum <> usage_total
           AND (parts_sum - details_in = usage_total OR parts_sum - details_in - details_out = usage_total) AS input_holds_details,
         usage_total IS NOT NULL AND parts_sum <> usage_total
           AND (parts_sum - details_out = usage_total OR parts_sum - details_in - details_out = usage_total) AS output_holds_details
  FROM sums
),
measured AS (
  SELECT *,
         CASE WHEN len(c) = 0 THEN coalesce(token_count(f[17]), 0)  -- no usageDetails: the legacy usage object
              WHEN input_holds_details THEN input_base - details_in_cache
              ELSE input_base + input_other END AS uncached_input,
         CASE WHEN len(c) = 0 THEN coalesce(token_count(f[18]), 0)
              WHEN output_holds_details THEN output_base + output_extra_unprefixed
              ELSE output_base + output_extra END AS output_total,
         CASE WHEN end_text IS NOT NULL AND ended_at IS NOT NULL AND started_at IS NOT NULL
              THEN epoch_ms(ended_at) - epoch_ms(started_at)
              ELSE try_cast(f[5] AS DOUBLE) * 1000 END AS latency_ms,
         lower(coalesce(nullif(trim(f[11]), ''),
                        CASE WHEN model_name ILIKE 'claude%' THEN 'anthropic'
                             WHEN model_name ILIKE 'gpt-%' OR regexp_matches(lower(model_name), '^o\d') THEN 'openai'
                             WHEN model_name ILIKE 'gemini%' THEN 'google' END)) AS provider_name,
         CASE WHEN json_valid(f[21]) AND json_type(f[21]) = 'OBJECT' THEN f[21] END AS metadata_json
  FROM layout
),
checked AS (
  SELECT *,
         CASE
           WHEN obs_id IS NULL THEN 'observation id is missing'
           WHEN started_at IS NULL THEN 'startTime is missing or not a timestamp'
           WHEN f[19] IS NOT NULL AND f[19] <> 'null' AND usage_json IS NULL THEN 'usageDetails is not an object'
           WHEN f[20] IS NOT NULL AND f[20] <> 'null' AND cost_json IS NULL THEN 'costDetails is not an object'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN bad_number THEN 'a usageDetails or costDetails value is not a number'
           WHEN uncached_input < 0 THEN 'usageDetails cache tokens exceed input'
         END AS reason
  FROM measured
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN left(obs::VARCHAR, 100000) END AS raw,
       obs_id AS record_key,
       'langfuse-observations' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       started_at,
       provider_name AS provider,
       model_name AS model_raw,
       1 AS requests,
       CAST(round(uncached_input) AS BIGINT) AS input_tokens,
       CAST(round(cache_read) AS BIGINT) AS cache_read_tokens,
       CAST(round(write_5m) AS BIGINT) AS cache_write_5m_tokens,
       CAST(round(write_1h) AS BIGINT) AS cache_write_1h_tokens,
       CAST(round(output_total) AS BIGINT) AS output_tokens,
       CAST(round(reasoning) AS BIGINT) AS reasoning_tokens,
       coalesce(cost_total, cost_parts, try_cast(f[16] AS DOUBLE)) AS billed_cost_usd,
       nullif(trim(f[15]), '') AS session_id,
       hide_key(nullif(trim(f[14]), '')) AS user_id,
       json_merge_patch(coalesce(metadata_json, '{}'),
                        json_object('trace_id', f[7], 'environment', f[8], 'name', f[9],
                                    'prompt', CASE WHEN f[12] IS NOT NULL THEN f[12] || coalesce(' v' || f[13], '') END)) AS tags,
       CASE WHEN upper(f[10]) = 'ERROR' THEN 'error' ELSE 'ok' END AS status,
       latency_ms
FROM checked
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'langfuse-observations' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM fields
WHERE obs_type IS DISTINCT FROM 'GENERATION'
GROUP BY source_file
