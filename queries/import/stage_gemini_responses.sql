-- Stage one file of Google Gemini / Vertex AI responses that carry usageMetadata: JSON lines (one
-- GenerateContentResponse per line; a server-sent-events capture's "data: " prefix is dropped), or
-- one JSON document (an array of responses, as REST streamGenerateContent returns it, or one
-- pretty-printed response). A line may also wrap the response with its own time:
-- {"timestamp": …, "response": {…}}. One staged row per response object that has usageMetadata; lines
-- without it (stream chunks without usage, error objects) are skipped.
-- Units: promptTokenCount INCLUDES cachedContentTokenCount, so uncached input = prompt − cached, plus
-- toolUsePromptTokenCount (tool results fed back, billed as input); output = candidatesTokenCount +
-- thoughtsTokenCount (thinking is billed as output; reasoning_tokens = thoughts). trafficType →
-- service_tier (ON_DEMAND standard, ON_DEMAND_PRIORITY priority, ON_DEMAND_FLEX flex,
-- PROVISIONED_THROUGHPUT provisioned).
-- Identity: responseId. A streamed response repeats its responseId on every chunk with running
-- totals: every chunk is staged under the same key and the merge keeps the most complete (the last).
-- Without a responseId the key is a hash of the response's minified JSON (an identical copy is a
-- duplicate). The time is createTime (Vertex), else the wrapper's timestamp; a response with neither
-- is rejected (the ledger needs a time).
-- Read as a stream of lines with bounded memory; a JSON document is reassembled from its lines (only
-- when the first non-blank line opens one: '[' or a lone '{'; a JSON-lines file is read once more to
-- find that out); source_line is then the element's number.
-- params: $files VARCHAR[] (one file), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH lines AS NOT MATERIALIZED (  -- a stream, read twice (a document's lines, then the records); never held
  SELECT * FROM jsonl_lines($files)
),
file_mode AS MATERIALIZED (  -- JSON lines, or one JSON document opened on the first non-blank line?
  SELECT coalesce(any_value(regexp_matches(ltrim(raw, chr(65279)), '^\s*(\[|\{\s*$)')), false) AS is_document
  FROM (SELECT raw
        FROM lines
        WHERE raw IS NOT NULL AND trim(raw, E' \t\r') <> ''
        LIMIT 1)
),
-- materialized before the records are read: one scan at a time (less memory), and empty for JSON lines
documents AS MATERIALIZED (
  SELECT any_value(source_file) AS source_file,
         string_agg(ltrim(coalesce(raw, ''), chr(65279)), E'\n' ORDER BY source_line) AS doc
  FROM lines
  WHERE (SELECT is_document FROM file_mode)
  HAVING count(*) > 0
),
document_items AS (  -- the elements of an array, or the one object; a document that does not parse is one reject
  SELECT source_file, CAST(generate_subscripts(items, 1) AS BIGINT) AS source_line, unnest(items) AS text
  FROM (SELECT source_file,
               CASE WHEN NOT json_valid(doc) THEN [left(doc, 100000)]
                    WHEN json_type(doc) = 'ARRAY' THEN CAST(json_extract(doc, '$[*]') AS VARCHAR[])
                    ELSE [doc] END AS items
        FROM documents)
),
records AS (
  SELECT source_file, source_line, raw,
         CASE WHEN starts_with(t, 'data:') THEN ltrim(substr(t, 6)) ELSE t END AS text
  FROM (SELECT source_file, source_line, raw, trim(ltrim(raw, chr(65279)), E' \t\r') AS t
        FROM lines
        WHERE NOT (SELECT is_document FROM file_mode) AND raw IS NOT NULL AND trim(raw, E' \t\r') <> '')
  UNION ALL
  SELECT source_file, source_line, text AS raw, text FROM document_items
),
parsed AS (
  SELECT source_file, source_line, raw, text, json_valid(text) AS ok,
         CASE WHEN json_valid(text) THEN
           json_extract_string(text, ['$.usageMetadata', '$.responseId', '$.modelVersion', '$.createTime',
                                      '$.usageMetadata.promptTokenCount', '$.usageMetadata.cachedContentTokenCount',
                                      '$.usageMetadata.candidatesTokenCount', '$.usageMetadata.thoughtsTokenCount',
                                      '$.usageMetadata.toolUsePromptTokenCount', '$.usageMetadata.trafficType',
                                      -- a wrapper: {"timestamp": …, "response": {…}}
                                      '$.response.usageMetadata', '$.response.responseId', '$.response.modelVersion',
                                      '$.response.createTime', '$.response.usageMetadata.promptTokenCount',
                                      '$.response.usageMetadata.cachedContentTokenCount',
                                      '$.response.usageMetadata.candidatesTokenCount',
                                      '$.response.usageMetadata.thoughtsTokenCount',
                                      '$.response.usageMetadata.toolUsePromptTokenCount',
                                      '$.response.usageMetadata.trafficType',
                                      '$.timestamp', '$.time', '$.model'])
         END AS w
  FROM records
),
fields AS (  -- the response's own fields, from the line itself or from its "response"
  SELECT source_file, source_line, raw, text, ok,
         CASE WHEN w[1] IS NULL AND w[11] IS NOT NULL THEN w[11:20] ELSE w[1:10] END AS f,
         w[21] AS wrapper_ts, w[22] AS wrapper_time, w[23] AS wrapper_model
  FROM parsed
),
typed AS (
  SELECT *,
         f[1] IS NOT NULL AS has_usage,
         nullif(trim(f[2]), '') AS response_id,
         coalesce(nullif(trim(f[3]), ''), wrapper_model) AS model_version,
         coalesce(try_cast(f[4] AS TIMESTAMPTZ), try_cast(wrapper_ts AS TIMESTAMPTZ), try_cast(wrapper_time AS TIMESTAMPTZ),
                  -- a wrapper's epoch number: seconds, or milliseconds
                  CASE WHEN try_cast(coalesce(wrapper_ts, wrapper_time) AS DOUBLE) > 1e11
                       THEN to_timestamp(try_cast(coalesce(wrapper_ts, wrapper_time) AS DOUBLE) / 1000)
                       ELSE to_timestamp(try_cast(coalesce(wrapper_ts, wrapper_time) AS DOUBLE)) END) AS ts,
         try_cast(f[5] AS BIGINT) AS prompt, try_cast(f[6] AS BIGINT) AS cached, try_cast(f[7] AS BIGINT) AS candidates,
         try_cast(f[8] AS BIGINT) AS thoughts, try_cast(f[9] AS BIGINT) AS tool_prompt, f[10] AS traffic_type
  FROM fields
),
checked AS (
  SELECT *,
         CASE
           WHEN NOT ok THEN CASE WHEN source_line = 1 AND (SELECT is_document FROM file_mode)
                                 THEN 'not a valid JSON document (a truncated or corrupted file)'
                                 ELSE 'not valid JSON (a truncated or corrupted line)' END
           WHEN NOT has_usage THEN NULL  -- no usage: skipped
           WHEN (f[5] IS NOT NULL AND prompt IS NULL) OR (f[6] IS NOT NULL AND cached IS NULL)
                OR (f[7] IS NOT NULL AND candidates IS NULL) OR (f[8] IS NOT NULL AND thoughts IS NULL)
                OR (f[9] IS NOT NULL AND tool_prompt IS NULL) THEN 'a usageMetadata token count is not a number'
           WHEN ts IS NULL THEN 'no time: neither createTime nor a timestamp beside the response'
           WHEN coalesce(cached, 0) > coalesce(prompt, 0) THEN 'cachedContentTokenCount exceeds promptTokenCount'
         END AS reason
  FROM typed
)
-- one pass, one staged row per record
SELECT CASE WHEN reason IS NOT NULL THEN 'reject' WHEN NOT has_usage THEN 'skip' ELSE 'usage' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN rtrim(left(raw, 100000), E'\r') END AS raw,
       CASE WHEN reason IS NULL AND has_usage
            THEN coalesce('resp:' || response_id, 'sha:' || left(sha256(json(text)::VARCHAR), 32)) END AS record_key,
       'gemini-responses' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       'google' AS provider,
       model_version AS model_raw,
       1 AS requests,
       coalesce(prompt, 0) - coalesce(cached, 0) + coalesce(tool_prompt, 0) AS input_tokens,
       coalesce(cached, 0) AS cache_read_tokens,
       0 AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       coalesce(candidates, 0) + coalesce(thoughts, 0) AS output_tokens,
       coalesce(thoughts, 0) AS reasoning_tokens,
       CASE upper(traffic_type)
         WHEN 'ON_DEMAND_PRIORITY' THEN 'priority'
         WHEN 'ON_DEMAND_FLEX' THEN 'flex'
         WHEN 'PROVISIONED_THROUGHPUT' THEN 'provisioned'
         ELSE 'standard' END AS service_tier,
       CASE WHEN reason IS NULL AND has_usage THEN
         json_object('response_id', response_id, 'traffic_type', traffic_type)
       END AS tags,
       'ok' AS status
FROM checked
