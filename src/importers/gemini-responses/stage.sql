-- Stage one file of Google Gemini API / Vertex AI responses that carry usageMetadata, in one of three
-- shapes, told apart by the first non-blank line:
--   * JSON lines: one GenerateContentResponse per line (a "data: " prefix is dropped), or a logged
--     wrapper {"timestamp" | "time" | "created": …, "response": {…}};
--   * a server-sent-events capture (streamGenerateContent?alt=sse), starting with "data:" or, saved
--     with its headers (curl -i), with an HTTP status line: header lines up to the first blank line,
--     then "data: {…}" events (other SSE fields are ignored; any other line is rejected);
--   * one JSON document: an array of responses (REST streamGenerateContent) or one pretty-printed
--     response ('[' or a lone '{'); source_line is then the element's number.
-- One staged row per response object that has usageMetadata; objects without it (stream chunks
-- without usage, error objects) are skipped.
-- Units: promptTokenCount INCLUDES cachedContentTokenCount, so uncached input = prompt − cached, plus
-- toolUsePromptTokenCount (tool results fed back, billed as input); output = candidatesTokenCount +
-- thoughtsTokenCount (thinking is billed as output; reasoning_tokens = thoughts). trafficType →
-- service_tier (ON_DEMAND standard, ON_DEMAND_PRIORITY priority, ON_DEMAND_FLEX flex,
-- PROVISIONED_THROUGHPUT provisioned).
-- Identity: responseId, else a hash of the response's minified JSON (an identical copy is a duplicate).
-- Streams: the billed chunk of a streamed response is its last one (earlier chunks can over-report
-- the prompt), so within the file only one chunk per stream is staged as usage, the others as
-- duplicates: the chunk with a finishReason (or blockReason), else the last in the file. A stream is
-- the chunks sharing a responseId; without one, in a capture or a JSON array, the chunks up to one
-- that finishes (within one HTTP response).
-- Time (time_source): createTime (Vertex) 'record'; else the wrapper's time 'wrapper' (ISO text, or
-- epoch seconds or milliseconds); else the capture's Date header 'sse_date'; else the file's
-- modification time (stage_files) 'file_mtime'. A row is never rejected only for lacking a time.
-- Memory: JSON lines are read as a stream; a document or a capture is held whole (they are small), and
-- the stream ranking holds the staged rows (numbers and keys), not the lines' text.
-- params: $files VARCHAR[] (one file), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH lines AS NOT MATERIALIZED (  -- a stream, read twice (a document's or capture's lines, then the records); never held
  SELECT * FROM jsonl_lines($files)
),
file_mode AS MATERIALIZED (  -- the file's shape from its first non-blank line, and its modification time
  SELECT CASE WHEN regexp_matches(first_line, '^\s*(\[|\{\s*$)') THEN 'document'
              WHEN regexp_matches(first_line, '^(HTTP/[0-9.]+ [0-9]{3}|data:|event:|id:|retry:|:)') THEN 'sse'
              ELSE 'lines' END AS mode,
         (SELECT max(modified_at) FROM stage_files WHERE list_contains($files, path)) AS file_mtime
  FROM (SELECT coalesce(any_value(ltrim(raw, chr(65279))), '') AS first_line
        FROM (SELECT raw
              FROM lines
              WHERE raw IS NOT NULL AND trim(raw, E' \t\r') <> ''
              LIMIT 1))
),
-- materialized before the records are read: one scan at a time (less memory), and empty for JSON lines
documents AS MATERIALIZED (
  SELECT any_value(source_file) AS source_file,
         string_agg(ltrim(coalesce(raw, ''), chr(65279)), E'\n' ORDER BY source_line) AS doc
  FROM lines
  WHERE (SELECT mode FROM file_mode) = 'document'
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
-- a capture's lines (empty for other files), numbered into HTTP responses: a status line opens one
sse_lines AS MATERIALIZED (
  SELECT source_file, source_line, raw, t,
         count(*) FILTER (WHERE regexp_matches(t, '^HTTP/[0-9.]+ [0-9]{3}')) OVER (ORDER BY source_line) AS response_no
  FROM (SELECT source_file, source_line, raw, trim(ltrim(coalesce(raw, ''), chr(65279)), E' \t\r') AS t
        FROM lines
        WHERE (SELECT mode FROM file_mode) = 'sse')
),
sse_heads AS (  -- a response's header block ends at its first blank (or data) line; its Date is when it was sent
  SELECT *, response_no > 0 AND source_line < coalesce(head_end, source_line + 1) AS in_head
  FROM (SELECT *, min(source_line) FILTER (WHERE t = '' OR starts_with(t, 'data:')) OVER (PARTITION BY response_no) AS head_end
        FROM sse_lines)
),
sse_events AS (
  SELECT *, max(CASE WHEN in_head AND regexp_matches(t, '^date:', 'i')
                     THEN timezone('UTC', try_strptime(trim(substr(t, 6)), '%a, %d %b %Y %H:%M:%S GMT')) END)
              OVER (PARTITION BY response_no) AS sent_at
  FROM sse_heads
),
records AS (  -- kind: 'line' (JSON lines), 'item' (a document's element), 'event' (SSE data), 'other' (any other SSE line)
  SELECT source_file, source_line, raw, CASE WHEN starts_with(t, 'data:') THEN ltrim(substr(t, 6)) ELSE t END AS text,
         'line' AS kind, 0 AS block, NULL::TIMESTAMPTZ AS sent_at
  FROM (SELECT source_file, source_line, raw, trim(ltrim(raw, chr(65279)), E' \t\r') AS t
        FROM lines
        WHERE (SELECT mode FROM file_mode) = 'lines' AND raw IS NOT NULL AND trim(raw, E' \t\r') <> '')
  UNION ALL
  SELECT source_file, source_line, text AS raw, text, 'item', 0, NULL FROM document_items
  UNION ALL
  SELECT source_file, source_line, raw, CASE WHEN starts_with(t, 'data:') THEN ltrim(substr(t, 6)) ELSE t END,
         CASE WHEN starts_with(t, 'data:') THEN 'event' ELSE 'other' END, response_no, sent_at
  FROM sse_events
  WHERE NOT in_head AND t <> '' AND NOT regexp_matches(t, '^(event:|id:|retry:|:)')
    AND NOT regexp_matches(t, '^data:\s*\[DONE\]$')  -- an end-of-stream marker some proxies add
),
parsed AS (
  SELECT source_file, source_line, raw, text, kind, block, sent_at, kind <> 'other' AND json_valid(text) AS ok,
         CASE WHEN kind <> 'other' AND json_valid(text) THEN
           json_extract_string(text, ['$.usageMetadata', '$.responseId', '$.modelVersion', '$.createTime',
                                      '$.usageMetadata.promptTokenCount', '$.usageMetadata.cachedContentTokenCount',
                                      '$.usageMetadata.candidatesTokenCount', '$.usageMetadata.thoughtsTokenCount',
                                      '$.usageMetadata.toolUsePromptTokenCount', '$.usageMetadata.trafficType',
                                      '$.candidates[0].finishReason', '$.promptFeedback.blockReason',
                                      -- a wrapper: {"timestamp": …, "response": {…}}
                                      '$.response.usageMetadata', '$.response.responseId', '$.response.modelVersion',
                                      '$.response.createTime', '$.response.usageMetadata.promptTokenCount',
                                      '$.response.usageMetadata.cachedContentTokenCount',
                                      '$.response.usageMetadata.candidatesTokenCount',
                                      '$.response.usageMetadata.thoughtsTokenCount',
                                      '$.response.usageMetadata.toolUsePromptTokenCount',
                                      '$.response.usageMetadata.trafficType',
                                      '$.response.candidates[0].finishReason', '$.response.promptFeedback.blockReason',
                                      '$.timestamp', '$.time', '$.created', '$.model'])
         END AS w
  FROM records
),
fields AS (  -- the response's own fields, from the line itself or from its "response"
  SELECT source_file, source_line, raw, text, kind, block, sent_at, ok,
         CASE WHEN w[1] IS NULL AND w[13] IS NOT NULL THEN w[13:24] ELSE w[1:12] END AS f,
         coalesce(w[25], w[26], w[27]) AS wrapper_time, w[28] AS wrapper_model
  FROM parsed
),
typed AS (
  SELECT *,
         -- a prompt a safety filter blocked may come without usage: still a (blocked) call
         f[1] IS NOT NULL OR f[12] IS NOT NULL AS has_usage,
         f[11] AS finish_reason, f[12] AS block_reason,
         nullif(trim(f[2]), '') AS response_id,
         coalesce(nullif(trim(f[3]), ''), wrapper_model) AS model_version,
         try_cast(f[4] AS TIMESTAMPTZ) AS created_at,
         coalesce(try_cast(wrapper_time AS TIMESTAMPTZ),
                  -- an epoch number: seconds, or milliseconds (out-of-range numbers are no time)
                  CASE WHEN try_cast(wrapper_time AS DOUBLE) BETWEEN 1e11 AND 1e14 THEN to_timestamp(try_cast(wrapper_time AS DOUBLE) / 1000)
                       WHEN try_cast(wrapper_time AS DOUBLE) BETWEEN 0 AND 1e11 THEN to_timestamp(try_cast(wrapper_time AS DOUBLE)) END) AS wrapped_at,
         coalesce(f[11], f[12]) IS NOT NULL AS ends_stream,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(f[5]) AS prompt, token_count(f[6]) AS cached, token_count(f[7]) AS candidates,
         token_count(f[8]) AS thoughts, token_count(f[9]) AS tool_prompt, f[10] AS traffic_type,
         coalesce(token_count_fault('usageMetadata.promptTokenCount', f[5]), token_count_fault('usageMetadata.cachedContentTokenCount', f[6]),
                  token_count_fault('usageMetadata.candidatesTokenCount', f[7]), token_count_fault('usageMetadata.thoughtsTokenCount', f[8]),
                  token_count_fault('usageMetadata.toolUsePromptTokenCount', f[9])) AS count_fault
  FROM fields
),
checked AS (
  SELECT *,
         coalesce(created_at, wrapped_at, sent_at, (SELECT file_mtime FROM file_mode)) AS ts,
         CASE WHEN created_at IS NOT NULL THEN 'record' WHEN wrapped_at IS NOT NULL THEN 'wrapper'
              WHEN sent_at IS NOT NULL THEN 'sse_date' ELSE 'file_mtime' END AS time_source,
         CASE
           WHEN kind = 'other' THEN 'not a server-sent event line (data: {…}) in a capture'
           WHEN NOT ok THEN CASE WHEN source_line = 1 AND kind = 'item'
                                 THEN 'not a valid JSON document (a truncated or corrupted file)'
                                 ELSE 'not valid JSON (a truncated or corrupted line)' END
           WHEN NOT has_usage THEN NULL  -- no usage: skipped
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (f[5] IS NOT NULL AND prompt IS NULL) OR (f[6] IS NOT NULL AND cached IS NULL)
                OR (f[7] IS NOT NULL AND candidates IS NULL) OR (f[8] IS NOT NULL AND thoughts IS NULL)
                OR (f[9] IS NOT NULL AND tool_prompt IS NULL) THEN 'a usageMetadata token count is not a number'
           WHEN coalesce(cached, 0) > coalesce(prompt, 0) THEN 'cachedContentTokenCount exceeds promptTokenCount'
         END AS reason
  FROM typed
),
staged AS (  -- one row per record
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
         time_source,
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
         -- one rule for every importer (README, "Blocked and failed calls"): a filter's stop is 'blocked'
         CASE WHEN block_reason IS NOT NULL
                   OR upper(finish_reason) IN ('SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT')
              THEN 'blocked' ELSE 'ok' END AS status,
         response_id, ends_stream, kind, block
  FROM checked
),
streams AS (  -- the stream a usage row belongs to (see the header); NULL: a response of its own
  SELECT *,
         CASE WHEN row_kind <> 'usage' THEN NULL
              WHEN response_id IS NOT NULL THEN 'resp:' || response_id
              -- the finishing chunks before this one (a running sum: a framed count is ~7x slower)
              WHEN kind IN ('event', 'item') THEN
                block || ':' || (sum(CAST(ends_stream AS INTEGER)) OVER (PARTITION BY block ORDER BY source_line) - CAST(ends_stream AS INTEGER))
         END AS stream_key
  FROM staged
)
-- a stream's billed chunk is its usage row; its other chunks are duplicates
SELECT * EXCLUDE (response_id, ends_stream, kind, block, stream_key)
         REPLACE (CASE WHEN stream_key IS NOT NULL
                            AND row_number() OVER (PARTITION BY stream_key ORDER BY ends_stream DESC, source_line DESC) > 1
                       THEN 'duplicate' ELSE row_kind END AS row_kind)
FROM streams
