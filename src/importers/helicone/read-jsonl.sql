-- Read one Helicone request export in JSONL (one request per line) or JSON (an array of requests) into
-- the temp table helicone_records, one row per line or array element, for the shared mapping in
-- helicone/stage.sql: each record parsed once into its fields as text (empty → NULL), request_user_id
-- already masked; older exporter names (response_id, latency, costUSD, properties) are read as
-- fallbacks. ok says whether the record is valid JSON; raw (kept for rejects) is the record as written.
-- One statement for both shapes: JSONL streams through the line reader (bounded memory, exact line
-- numbers), a JSON array through the JSON reader; the bound flag leaves the other reader out of the plan.
-- Same columns as helicone/read-csv.sql.
-- params: $files VARCHAR[] (one file), $json_array BOOLEAN (the file is a JSON array: its records are
--         numbered 1, 2, … in array order instead of by line)
CREATE OR REPLACE TEMP TABLE helicone_records AS
WITH lines AS (  -- JSONL streams through the CSV reader with exact line numbers and bounded memory
  SELECT * FROM jsonl_lines($files)
  WHERE NOT $json_array
),
elements AS (
  SELECT filename AS source_file, row_number() OVER () AS source_line, json::VARCHAR AS raw
  FROM read_json_objects($files, format = 'array', filename = true, maximum_object_size = 67108864)
  WHERE $json_array
),
records AS (
  SELECT source_file, source_line,
         rtrim(CASE WHEN source_line = 1 THEN ltrim(raw, chr(65279)) ELSE raw END, E'\r') AS raw  -- BOM, CRLF
  FROM (SELECT * FROM lines UNION ALL SELECT * FROM elements)
  WHERE raw IS NOT NULL AND trim(raw, E' \t\r') <> ''  -- blank lines carry nothing
),
parsed AS (
  SELECT source_file, source_line, raw, json_valid(raw) AS ok,
         CASE WHEN json_valid(raw) THEN
           json_extract_string(raw, ['$.request_id', '$.request_created_at', '$.request_user_id', '$.request_model', '$.model',
                                     '$.response_model', '$.provider', '$.delay_ms', '$.prompt_tokens', '$.completion_tokens',
                                     '$.reasoning_tokens', '$.prompt_cache_read_tokens', '$.prompt_cache_write_tokens', '$.cost',
                                     '$.costUSD', '$.cache_reference_id', '$.response_status', '$.request_properties',
                                     '$.response_id', '$.latency', '$.properties'])
         END AS f
  FROM records
)
SELECT source_file, source_line, ok, raw,
       nullif(trim(coalesce(f[1], f[19])), '') AS request_id,
       nullif(trim(f[2]), '') AS created_text,
       hide_key(nullif(trim(f[3]), '')) AS user_key,
       coalesce(nullif(trim(f[4]), ''), nullif(trim(f[5]), ''), nullif(trim(f[6]), '')) AS model_name,
       lower(nullif(trim(f[7]), '')) AS provider_raw,
       nullif(trim(coalesce(f[8], f[20])), '') AS delay_text,
       nullif(trim(f[9]), '') AS prompt_text_,
       nullif(trim(f[10]), '') AS completion_text,
       nullif(trim(f[11]), '') AS reasoning_text,
       nullif(trim(f[12]), '') AS read_text,
       nullif(trim(f[13]), '') AS write_text,
       nullif(trim(coalesce(f[14], f[15])), '') AS cost_text,
       lower(nullif(trim(f[16]), '')) AS cache_reference_id,
       try_cast(f[17] AS DOUBLE) AS response_status,
       nullif(trim(coalesce(f[18], f[21])), '') AS properties_text
FROM parsed
