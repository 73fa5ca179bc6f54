-- Read LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as JSON lines into the temp
-- table litellm_records, one row per record, for the shared mapping in litellm/stage.sql:
-- one row object per line (a line may also hold an array of rows, or be one element of a
-- one-row-per-line JSON array as psql's json_agg writes it). Each record is parsed once; its fields
-- come back as text, metadata and request_tags as their JSON text. valid/ok say whether the record
-- is JSON and a JSON object; raw_text (kept for rejects) is the line, or the element of an array line.
-- Reads the file as lines (jsonl_records: streaming, bounded memory, exact line numbers).
-- Same columns as litellm/read-csv.sql and litellm/read-json.sql.
-- params: $files VARCHAR[] (one file: staging 'one-file')
CREATE OR REPLACE TEMP TABLE litellm_records AS
WITH parsed AS (  -- each record parsed once; metadata and request_tags come back as their JSON text
  SELECT source_file, source_line, valid, ok, CASE WHEN from_array THEN rec ELSE raw END AS raw_text,
         CASE WHEN ok THEN json_extract_string(rec, [
           '$.request_id', '$.call_type', '$.api_key', '$.spend', '$.prompt_tokens', '$.completion_tokens',
           '$.startTime', '$.endTime', '$.model', '$.model_group', '$.custom_llm_provider', '$.user',
           '$.end_user', '$.team_id', '$.session_id', '$.status', '$.cache_hit', '$.request_tags', '$.metadata']) END AS f
  FROM jsonl_records($files)
)
SELECT source_file, source_line, valid, ok,
       -- the text is kept only for records the mapping may reject (a copy of every record would double
       -- the memory a large log needs): not an object, or a field the mapping checks does not read
       CASE WHEN NOT ok OR f[1] IS NULL OR try_cast(f[7] AS TIMESTAMPTZ) IS NULL
                 OR (f[4] IS NOT NULL AND try_cast(f[4] AS DOUBLE) IS NULL)
                 OR (f[5] IS NOT NULL AND try_cast(f[5] AS DOUBLE) IS NULL)
                 OR (f[6] IS NOT NULL AND try_cast(f[6] AS DOUBLE) IS NULL)
                 OR (f[19] IS NOT NULL AND NOT json_valid(f[19])) OR (f[18] IS NOT NULL AND NOT json_valid(f[18]))
            THEN raw_text END AS raw_text,
       f[1] AS request_id, f[2] AS call_type, f[3] AS api_key, f[4] AS spend, f[5] AS prompt_tokens,
       f[6] AS completion_tokens, f[7] AS start_time, f[8] AS end_time, f[9] AS model, f[10] AS model_group,
       f[11] AS custom_llm_provider, f[12] AS user_name, f[13] AS end_user, f[14] AS team_id, f[15] AS session_id,
       f[16] AS status, f[17] AS cache_hit, f[18] AS request_tags, f[19] AS metadata
FROM parsed
