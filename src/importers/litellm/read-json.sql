-- Read LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as a JSON document into the
-- temp table litellm_records, one row per record, for the shared mapping in litellm/stage.sql:
-- an array of row objects (as GET /spend/logs returns them), a {"data":[…]} page of them, or one row
-- object. Each record is parsed once; its fields come back as text, metadata and request_tags as their
-- JSON text; raw_text (kept for rejects) is the record. source_line is the row's position in the file
-- (1 = first row), not a text line: a document has no line per row. The reader takes an array element
-- by element, but a whole array as one value when a UTF-8 BOM hides its shape or another document
-- follows it (a file written twice: both are read, the merge keeps one copy of each row); such an
-- array's elements are unnested here. A document that does not parse is
-- a reader error naming the file, and so is a single JSON object over 16 MB (an array's elements are
-- read one by one; the limit keeps the reader's buffers within the ledger's memory limit).
-- Same columns as litellm/read-csv.sql and litellm/read-jsonl.sql.
-- params: $files VARCHAR[]
CREATE OR REPLACE TEMP TABLE litellm_records AS
WITH docs AS (
  SELECT filename, row_number() OVER () AS n, json AS doc
  FROM read_json_objects($files, format = 'auto', filename = true, maximum_object_size = 16777216)
),
unpaged AS (  -- a {"data":[…]} page holds its rows in data; a whole array is one doc after a BOM or a second array
  SELECT filename, n, row_number() OVER () AS m, rec
  FROM (SELECT filename, n, unnest(CASE WHEN json_type(doc) = 'ARRAY' THEN json_extract(doc, '$[*]')::VARCHAR[]
                                        WHEN json_type(doc, '$.data') = 'ARRAY' THEN json_extract(doc, '$.data[*]')::VARCHAR[]
                                        ELSE [doc::VARCHAR] END) AS rec
        FROM docs)
),
records AS (
  SELECT filename AS source_file, row_number() OVER (PARTITION BY filename ORDER BY n, m) AS source_line,
         true AS valid, json_type(rec) = 'OBJECT' AS ok, rec
  FROM unpaged
),
parsed AS (  -- each record parsed once; metadata and request_tags come back as their JSON text
  SELECT source_file, source_line, valid, ok, rec AS raw_text,
         CASE WHEN ok THEN json_extract_string(rec, [
           '$.request_id', '$.call_type', '$.api_key', '$.spend', '$.prompt_tokens', '$.completion_tokens',
           '$.startTime', '$.endTime', '$.model', '$.model_group', '$.custom_llm_provider', '$.user',
           '$.end_user', '$.team_id', '$.session_id', '$.status', '$.cache_hit', '$.request_tags', '$.metadata']) END AS f
  FROM records
)
SELECT source_file, source_line, valid, ok, raw_text,
       f[1] AS request_id, f[2] AS call_type, f[3] AS api_key, f[4] AS spend, f[5] AS prompt_tokens,
       f[6] AS completion_tokens, f[7] AS start_time, f[8] AS end_time, f[9] AS model, f[10] AS model_group,
       f[11] AS custom_llm_provider, f[12] AS user_name, f[13] AS end_user, f[14] AS team_id, f[15] AS session_id,
       f[16] AS status, f[17] AS cache_hit, f[18] AS request_tags, f[19] AS metadata
FROM parsed
