-- Stage one file of AWS Bedrock model invocation logs (schemaType "ModelInvocationLog"): one staged
-- row per invocation, keyed by requestId (the same record can land in both a CloudWatch and an S3
-- export: a copy is a duplicate).
-- JSON lines are read as a stream with bounded memory (big files): the S3 delivery form (one record
-- per line); a CloudWatch event wrapper ({"timestamp": <ms>, "message": "<the record as a JSON
-- string>", …}, as a subscription writes it); a CloudWatch export line (an ISO timestamp, a space,
-- the record). A file that is one JSON document (a CloudWatch Logs export: the Insights console's
-- array, a filter-log-events or get-query-results answer) has its events read first, by
-- bedrock/read.sql into bedrock_document; each carries its record as text ("@message",
-- "message", a result cell's value) or is the record itself. source_line is then the event's
-- position in the document (1, 2, …), not a text line.
-- Units: input.inputTokenCount EXCLUDES cache reads and writes (Bedrock reports
-- cacheReadInputTokenCount and cacheWriteInputTokenCount beside it; Converse's totalTokens is their
-- sum with output), so the buckets are already disjoint: input = inputTokenCount, cache read =
-- cacheReadInputTokenCount, cache write (no TTL split in the log: 5m) = cacheWriteInputTokenCount.
-- outputTokenCount includes a model's reasoning (Bedrock reports no split).
-- Blocked and failed calls: a call a guardrail stopped (outputBodyJson "amazon-bedrock-guardrailAction":
-- "INTERVENED", or stopReason "guardrail_intervened") is kept with status 'blocked'; a failed or
-- throttled call (errorCode present) with status 'error'. Either keeps the token counts it logged
-- (billed) and counts 0 where it logged none.
-- identity.arn: the role (or IAM user) name is the api_key, the role session (or user) name the user.
-- params: $files VARCHAR[] (one file: row_number() over it is the line number), $import_id VARCHAR;
--         reads the temp table bedrock_document (empty for JSON lines)
INSERT INTO staged_usage BY NAME
WITH lines AS (  -- a document's text lines are not records: its events are read below
  SELECT * FROM jsonl_lines($files)
  WHERE NOT EXISTS (SELECT 1 FROM bedrock_document)
),
texts AS (  -- blank lines keep their number and are dropped here
  SELECT source_file, source_line, raw,
         -- a CloudWatch export line starts with the event's timestamp; a UTF-8 BOM may start the file
         CASE WHEN regexp_matches(raw, '^\s*\d{4}-\d\d-\d\dT\S+\s+\{') THEN regexp_extract(raw, '^\s*\S+\s+(\{.*)$', 1)
              ELSE ltrim(raw, chr(65279) || ' ') END AS doc
  FROM lines
  WHERE raw IS NOT NULL AND trim(raw, E' \t\r') <> ''
),
checked AS (
  SELECT source_file, source_line, raw, doc, json_valid(doc) AS ok FROM texts
),
line_records AS (  -- the CloudWatch event wrapper carries the record as a JSON string in "message"
  SELECT source_file, source_line, raw, ok,
         CASE WHEN ok AND NOT contains(doc, '"schemaType"') AND json_type(doc, '$.message') = 'VARCHAR'
                   AND json_valid(json_extract_string(doc, '$.message'))
              THEN json_extract_string(doc, '$.message') ELSE doc END AS rec
  FROM checked
),
document_records AS (  -- a document's event: the record as text, or an event object carrying it (@message / message)
  SELECT source_file, source_line, raw, json_valid(rec) AS ok, rec
  FROM (SELECT source_file, source_line, item AS raw,
               CASE WHEN NOT json_valid(item) THEN item  -- a reject below
                    WHEN json_type(item) <> 'OBJECT' OR json_type(item, '$.schemaType') IS NOT NULL THEN item
                    WHEN json_type(item, '$."@message"') = 'VARCHAR' THEN item->>'@message'
                    WHEN json_type(item, '$."@message"') = 'OBJECT' THEN json_extract(item, '$."@message"')::VARCHAR
                    WHEN json_type(item, '$.message') = 'VARCHAR' THEN item->>'message'
                    WHEN json_type(item, '$.message') = 'OBJECT' THEN json_extract(item, '$.message')::VARCHAR
                    ELSE item END AS rec
        FROM bedrock_document
        WHERE source_line > 0)
),
unwrapped AS (
  SELECT * FROM line_records
  UNION ALL
  SELECT source_file, source_line, raw, ok, rec FROM document_records
),
parsed AS (  -- each record is parsed once (records carry whole prompts: parsing is the cost)
  SELECT source_file, source_line, raw, ok,
         CASE WHEN ok THEN
           json_extract_string(rec, ['$.schemaType', '$.timestamp', '$.requestId', '$.modelId', '$.accountId',
                                     '$.region', '$.operation', '$.inferenceRegion', '$.identity.arn',
                                     '$.input.inputTokenCount', '$.input.cacheReadInputTokenCount',
                                     '$.input.cacheWriteInputTokenCount', '$.output.outputTokenCount',
                                     '$.errorCode', '$.output.outputBodyJson.metrics.latencyMs', '$.schemaVersion',
                                     '$.requestMetadata', '$.output.outputBodyJson'])
         END AS f
  FROM unwrapped
),
fields AS (
  SELECT source_file, source_line, raw, ok,
         CASE WHEN json_valid(f[17]) AND json_type(f[17]) = 'OBJECT' THEN f[17]::JSON END AS request_metadata,
         coalesce(f[1] = 'ModelInvocationLog', false) AS is_log,
         try_cast(f[2] AS TIMESTAMPTZ) AS ts, nullif(trim(f[3]), '') AS request_id, f[4] AS model_id,
         f[5] AS account_id, f[6] AS region, f[7] AS operation, f[8] AS inference_region, f[9] AS arn,
         f[10] AS in_text, f[11] AS cache_read_text, f[12] AS cache_write_text, f[13] AS out_text,
         nullif(trim(f[14]), '') AS error_code, try_cast(f[15] AS DOUBLE) AS latency_ms, f[16] AS schema_version,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(f[10]) AS in_tokens, token_count(f[11]) AS cache_read,
         token_count(f[12]) AS cache_write, token_count(f[13]) AS out_tokens,
         coalesce(token_count_fault('input.inputTokenCount', f[10]), token_count_fault('input.cacheReadInputTokenCount', f[11]),
                  token_count_fault('input.cacheWriteInputTokenCount', f[12]), token_count_fault('output.outputTokenCount', f[13])) AS count_fault,
         -- a guardrail stopped the call: InvokeModel's body (or a streamed chunk) says INTERVENED, Converse's
         -- stopReason says so (matched on the body's JSON text, where a model's own text has its quotes escaped)
         coalesce(regexp_matches(f[18], '"amazon-bedrock-guardrailAction"\s*:\s*"INTERVENED"|"stopReason"\s*:\s*"guardrail_intervened"'),
                  false) AS blocked,
         -- arn:aws:sts::<account>:assumed-role/<role>/<session>, arn:aws:iam::<account>:user/<name>, …:role/<name>
         regexp_extract(f[9], ':(assumed-role|role|user)/([^/]+)(?:/(.+))?$', ['kind', 'name', 'session']) AS principal
  FROM parsed
),
checked_fields AS (
  SELECT *,
         CASE
           WHEN NOT ok THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN NOT is_log THEN NULL  -- valid JSON but not an invocation record: skipped
           WHEN ts IS NULL THEN 'timestamp is missing or not a valid time'
           WHEN request_id IS NULL THEN 'requestId is missing'
           WHEN count_fault IS NOT NULL THEN count_fault
           -- a failed or blocked call may log no counts; counts it logs must be numbers
           WHEN (in_text IS NOT NULL AND in_tokens IS NULL) OR (out_text IS NOT NULL AND out_tokens IS NULL)
                OR (error_code IS NULL AND NOT blocked AND (in_tokens IS NULL OR out_tokens IS NULL))
             THEN 'input.inputTokenCount or output.outputTokenCount is missing or not a number'
           WHEN (cache_read_text IS NOT NULL AND cache_read IS NULL) OR (cache_write_text IS NOT NULL AND cache_write IS NULL)
             THEN 'a cache token count is not a number'
         END AS reason
  FROM fields
)
-- one pass, one staged row per line (a CTE read twice would be materialized or read the file again)
SELECT CASE WHEN reason IS NOT NULL THEN 'reject' WHEN NOT is_log THEN 'skip' ELSE 'usage' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN rtrim(left(raw, 100000), E'\r') END AS raw,
       request_id AS record_key,
       'bedrock-invocation-logs' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       'aws-bedrock' AS provider,
       model_id AS model_raw,
       1 AS requests,
       coalesce(in_tokens, 0) AS input_tokens,
       coalesce(cache_read, 0) AS cache_read_tokens,
       coalesce(cache_write, 0) AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       coalesce(out_tokens, 0) AS output_tokens,
       'standard' AS service_tier,
       hide_key(nullif(CASE WHEN principal['kind'] IN ('assumed-role', 'role') THEN principal['name']
                            WHEN principal['kind'] = 'user' THEN 'user/' || principal['name']
                            ELSE arn END, '')) AS api_key,
       hide_key(nullif(CASE WHEN principal['kind'] = 'assumed-role' THEN principal['session']
                            WHEN principal['kind'] = 'user' THEN principal['name'] END, '')) AS user_id,
       account_id AS workspace,
       -- the log's own fields win over the caller's requestMetadata (per-request tags) of the same name
       CASE WHEN is_log AND reason IS NULL THEN
         json_merge_patch(coalesce(request_metadata, '{}'::JSON),
                          json_object('region', region, 'account_id', account_id, 'operation', operation,
                                      'inference_region', inference_region, 'identity_arn', arn,
                                      'error_code', error_code, 'schema_version', schema_version,
                                      'guardrail_action', CASE WHEN blocked THEN 'INTERVENED' END))
       END AS tags,
       CASE WHEN error_code IS NOT NULL THEN 'error' WHEN blocked THEN 'blocked' ELSE 'ok' END AS status,
       latency_ms
FROM checked_fields
