-- Stage one Amp thread (~/.local/share/amp/threads/T-<uuid>.json, one JSON document that Amp rewrites
-- whole as the thread grows): one usage row per assistant message carrying usage, a reject per message
-- whose counts, model or timestamp do not read (or the file, at line 1, when it is not a JSON object),
-- and per file one row counting the messages skipped (user messages, an assistant message without
-- usage, an all-zero count). source_line is the message's position in messages[] (from 1).
-- Units: message usage {model, inputTokens, cacheCreationInputTokens, cacheReadInputTokens,
-- outputTokens, totalInputTokens, timestamp, credits} is Anthropic's: the buckets are already
-- disjoint (totalInputTokens = inputTokens + cacheCreationInputTokens + cacheReadInputTokens), cache
-- writes have no TTL split (5m bucket); outputTokens includes extended thinking. credits (Amp's own
-- billing unit, not dollars) goes to tags.credits, billed_cost_usd stays NULL.
-- Older threads (before messages carried usage) hold usageLedger.events[] {model, timestamp, credits,
-- tokens {input, output}, toMessageId} instead: read only when no message of the thread has usage.
-- Identity: <thread id>:<messageId> (ledger events: <thread id>:event:<event id>): the rewritten file
-- repeats every earlier message, each a duplicate on the next import.
-- Attribution: session = the thread id; tools = the message's tool_use blocks.
-- params: $files VARCHAR[] (one file), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH texts AS (SELECT * FROM json_texts($files)),
docs AS (
  SELECT source_file, text, CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END AS ok FROM texts
),
threads AS (
  SELECT source_file, text->>'id' AS thread_id,
         coalesce(list_bool_or(list_transform(CAST(json_extract(text, '$.messages[*].usage') AS JSON[]), u -> json_type(u) = 'OBJECT')), false) AS has_usage,
         CAST(json_extract(text, '$.messages[*]') AS JSON[]) AS messages, CAST(json_extract(text, '$.usageLedger.events[*]') AS JSON[]) AS events
  FROM docs WHERE ok
),
items AS (  -- every message (and, for an old thread, every ledger event), numbered from 1
  SELECT source_file, thread_id, m.n AS source_line, m.rec, 'message' AS kind
  FROM (SELECT *, unnest(list_transform(messages, (rec, n) -> {'rec': rec, 'n': n})) AS m FROM threads)
  UNION ALL
  SELECT source_file, thread_id, e.n, e.rec, 'event'
  FROM (SELECT *, unnest(list_transform(CASE WHEN NOT has_usage THEN events END, (rec, n) -> {'rec': rec, 'n': n})) AS e FROM threads)
),
requests AS (
  SELECT source_file, thread_id, source_line, kind, left(CAST(rec AS VARCHAR), 100000) AS raw,
         CASE kind WHEN 'message' THEN concat_ws(':', thread_id, rec->>'messageId') ELSE concat_ws(':', thread_id, 'event', coalesce(rec->>'id', CAST(source_line AS VARCHAR))) END AS record_key,
         coalesce(rec->'usage'->>'timestamp', rec->>'timestamp') AS time_text, coalesce(rec->'usage'->>'model', rec->>'model') AS model_raw,
         coalesce(rec->'usage'->>'inputTokens', rec->'tokens'->>'input') AS input_text,
         coalesce(rec->'usage'->>'outputTokens', rec->'tokens'->>'output') AS output_text,
         rec->'usage'->>'cacheCreationInputTokens' AS write_text, rec->'usage'->>'cacheReadInputTokens' AS read_text,
         coalesce(rec->'usage'->>'credits', rec->>'credits') AS credits_text,
         nullif(list_sort(list_distinct(list_transform(list_filter(CAST(json_extract(rec, '$.content[*]') AS JSON[]), b -> json_extract_string(b, '$.type') = 'tool_use'), b -> json_extract_string(b, '$.name')))), []) AS tools
  FROM items
  WHERE (kind = 'message' AND (rec->>'role') = 'assistant' AND json_type(rec, '$.usage') = 'OBJECT')
     OR (kind = 'event' AND json_type(rec, '$.tokens') = 'OBJECT')
),
typed AS (
  SELECT *, try_cast(time_text AS TIMESTAMPTZ) AS started_at, token_count(input_text) AS input_n, token_count(output_text) AS output_n,
         coalesce(token_count(write_text), 0) AS write_n, coalesce(token_count(read_text), 0) AS read_n,
         coalesce(token_count_fault('inputTokens', input_text), token_count_fault('outputTokens', output_text),
                  token_count_fault('cacheCreationInputTokens', write_text), token_count_fault('cacheReadInputTokens', read_text)) AS count_fault
  FROM requests
),
checked AS (
  SELECT *,
         CASE
           WHEN started_at IS NULL THEN format('timestamp is missing or not a time ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN input_n IS NULL OR output_n IS NULL OR (write_text IS NOT NULL AND token_count(write_text) IS NULL)
                OR (read_text IS NOT NULL AND token_count(read_text) IS NULL)
             THEN 'usage: inputTokens or outputTokens is missing, or a count is not a number'
           WHEN model_raw IS NULL THEN 'usage: model is missing'
         END AS reason
  FROM typed
),
counted AS (SELECT * FROM checked WHERE reason IS NULL AND input_n + output_n + write_n + read_n > 0)
SELECT 'usage' AS row_kind, record_key, 'amp' AS source, source_file, source_line, $import_id AS import_id, started_at,
       CASE WHEN model_raw ILIKE '%claude%' THEN 'anthropic' WHEN model_raw ILIKE 'gpt-%' OR model_raw ILIKE 'o_-%' THEN 'openai'
            WHEN model_raw ILIKE 'gemini%' THEN 'google' ELSE 'amp' END AS provider,
       model_raw, 1 AS requests, input_n AS input_tokens, read_n AS cache_read_tokens, write_n AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens, output_n AS output_tokens, 'standard' AS service_tier, thread_id AS session_id,
       false AS is_sidechain, json_object('credits', try_cast(credits_text AS DOUBLE), 'usage_from', kind) AS tags, tools, 'ok' AS status
FROM counted
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'amp' AS source, source_file, source_line, $import_id AS import_id
FROM checked WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not a JSON object (a truncated or corrupted thread file)' AS reason, left(text, 100000) AS raw,
       'amp' AS source, source_file, 1 AS source_line, $import_id AS import_id
FROM docs WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'amp' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM items i
WHERE NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_line = i.source_line AND c.kind = i.kind AND (c.reason IS NOT NULL OR c.input_n + c.output_n + c.write_n + c.read_n > 0))
GROUP BY source_file
