-- Stage one Helicone request export from the temp table helicone_records, which the variant's reader
-- fills first (prestage): helicone/read-csv.sql (CSV) or helicone/read-jsonl.sql (JSONL or a JSON
-- array). One usage row per request, keyed by request_id (the exporter pages newest-first by offset and
-- repeats rows at page boundaries: the copies are duplicates), a reject per record that is not JSON or
-- lacks what a usage record needs. Every Helicone format writes source 'helicone', so a request in
-- both a JSONL and a CSV export counts once.
-- Units: cost is USD; delay_ms is milliseconds; request_created_at is ISO 8601 (UTC when it has no zone).
-- Tokens: Helicone reports prompt_cache_read_tokens and prompt_cache_write_tokens separately. We
-- assume prompt_tokens INCLUDES them for OpenAI-style providers (OpenAI's own convention, which
-- Helicone passes through) and EXCLUDES them for provider 'anthropic' (Anthropic's input_tokens are
-- already disjoint; the same holds for Claude served by Bedrock or Vertex). completion_tokens
-- EXCLUDES reasoning_tokens: Helicone's logger tracks thinking apart from completion (its
-- total_tokens = prompt + completion + reasoning, and its cost bills reasoning as output), so
-- output = completion + reasoning and reasoning_tokens = reasoning. A Helicone cache hit
-- (cache_reference_id not the all-zero UUID) never reached the provider: it is kept with its cost as
-- given and tagged helicone_cache_hit = 'true'.
-- request_properties (custom properties; a 'Helicone-Property-' prefix is dropped) become tags;
-- the Helicone-Session-Id property is the session.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH typed AS (
  SELECT *,
         CASE
           WHEN created_text IS NULL THEN NULL
           WHEN regexp_matches(created_text, '\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(created_text AS TIMESTAMPTZ)
           ELSE try_cast(created_text AS TIMESTAMP) AT TIME ZONE 'UTC'
         END AS started_at,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(prompt_text_) AS prompt_n,
         token_count(completion_text) AS completion_n,
         token_count(reasoning_text) AS reasoning_n,
         token_count(read_text) AS read_n,
         token_count(write_text) AS write_n,
         coalesce(token_count_fault('prompt_tokens', prompt_text_), token_count_fault('completion_tokens', completion_text),
                  token_count_fault('reasoning_tokens', reasoning_text), token_count_fault('prompt_cache_read_tokens', read_text),
                  token_count_fault('prompt_cache_write_tokens', write_text)) AS count_fault,
         try_cast(cost_text AS DOUBLE) AS cost_n,
         try_cast(delay_text AS DOUBLE) AS delay_n,
         -- a properties map may arrive as an object or as JSON text inside a string
         CASE WHEN json_valid(properties_text) AND json_type(properties_text) = 'VARCHAR' THEN properties_text->>'$'
              ELSE properties_text END AS props_json,
         -- Anthropic's convention: prompt_tokens exclude the cache tokens (also Claude on Bedrock or Vertex)
         provider_raw = 'anthropic'
           OR (provider_raw IN ('bedrock', 'aws', 'aws-bedrock', 'vertex', 'vertex-ai', 'google-vertex') AND model_name ILIKE '%claude%') AS disjoint_prompt
  FROM helicone_records
),
mapped AS (
  SELECT *,
         CASE WHEN json_valid(props_json) THEN TRY_CAST(props_json::JSON AS MAP(VARCHAR, VARCHAR)) END AS props,
         coalesce(read_n, 0) AS cache_read,
         coalesce(write_n, 0) AS cache_write,
         CASE WHEN disjoint_prompt THEN coalesce(prompt_n, 0)
              ELSE coalesce(prompt_n, 0) - coalesce(read_n, 0) - coalesce(write_n, 0) END AS uncached_input
  FROM typed
),
checked AS (
  SELECT *,
         CASE
           WHEN NOT ok THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN request_id IS NULL THEN 'request_id is missing'
           WHEN started_at IS NULL THEN 'request_created_at is missing or not a timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (prompt_text_ IS NOT NULL AND prompt_n IS NULL) OR (completion_text IS NOT NULL AND completion_n IS NULL)
                OR (reasoning_text IS NOT NULL AND reasoning_n IS NULL) OR (read_text IS NOT NULL AND read_n IS NULL)
                OR (write_text IS NOT NULL AND write_n IS NULL) THEN 'a token count is not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN 'cost is not a number'
           WHEN delay_text IS NOT NULL AND delay_n IS NULL THEN 'delay_ms is not a number'
           WHEN props_json IS NOT NULL AND props IS NULL THEN 'request_properties is not a JSON object of properties'
           WHEN uncached_input < 0 THEN 'prompt_cache_read_tokens + prompt_cache_write_tokens exceed prompt_tokens'
         END AS reason,
         list_transform(map_entries(props), e -> {'key': regexp_replace(e.key, '^(?i)helicone-property-', ''), 'value': e.value}) AS prop_entries
  FROM mapped
),
tagged AS (
  SELECT *,
         list_filter(prop_entries, (e, i) -> list_position(list_transform(prop_entries, x -> x.key), e.key) = i) AS tag_entries,
         cache_reference_id IS NOT NULL AND cache_reference_id <> '00000000-0000-0000-0000-000000000000' AS helicone_hit
  FROM checked
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN left(raw, 100000) END AS raw,
       request_id AS record_key,
       'helicone' AS source,  -- one source kind for every Helicone export: a request counts once
       source_file,
       source_line,
       $import_id AS import_id,
       started_at,
       CASE WHEN provider_raw IN ('bedrock', 'aws') THEN 'aws-bedrock' WHEN provider_raw IN ('vertex', 'vertex-ai') THEN 'google'
            WHEN provider_raw = 'x' THEN 'x-ai' ELSE provider_raw END AS provider,  -- Helicone writes OPENAI, ANTHROPIC, BEDROCK, …
       model_name AS model_raw,
       1 AS requests,
       CAST(round(uncached_input) AS BIGINT) AS input_tokens,
       CAST(round(cache_read) AS BIGINT) AS cache_read_tokens,
       CAST(round(cache_write) AS BIGINT) AS cache_write_5m_tokens,  -- no TTL split: counts as 5m
       0 AS cache_write_1h_tokens,
       CAST(round(coalesce(completion_n, 0) + coalesce(reasoning_n, 0)) AS BIGINT) AS output_tokens,
       CAST(round(reasoning_n) AS BIGINT) AS reasoning_tokens,
       cost_n AS billed_cost_usd,
       list_filter(tag_entries, e -> lower(e.key) = 'helicone-session-id')[1].value AS session_id,
       user_key AS user_id,
       CASE WHEN len(tag_entries) > 0 OR helicone_hit THEN
         json_merge_patch(coalesce(to_json(map_from_entries(tag_entries)), '{}'),
                          CASE WHEN helicone_hit THEN json_object('helicone_cache_hit', 'true') ELSE '{}' END)
       END AS tags,
       CASE WHEN response_status IS NULL OR response_status BETWEEN 200 AND 299 THEN 'ok' ELSE 'error' END AS status,
       delay_n AS latency_ms
FROM tagged
