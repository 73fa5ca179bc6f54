-- Read OpenRouter generation stats saved as JSON lines into the temp table openrouter_generation_records,
-- one row per record, for the shared mapping in stage_openrouter_generations.sql: one GET
-- /api/v1/generation response ({"data":{…}}, or the bare generation object) per line; a line may also
-- hold an array of them, or be one element of a one-object-per-line JSON array ("[{…}," … "{…}]").
-- rec is the record's JSON text; valid/ok say whether it is JSON and a JSON object. raw_text (kept for
-- rejects) is the line as written when it is not rec itself (NULL: rec is the text to keep), so a
-- plain JSON line is stored once.
-- Reads the file as lines (streaming, bounded memory, exact line numbers; blank lines keep their number).
-- Same columns as read_openrouter_generations_json.sql.
-- params: $files VARCHAR[] (one file: staging 'one-file')
CREATE OR REPLACE TEMP TABLE openrouter_generation_records AS
WITH lines AS (
  SELECT filename AS source_file, row_number() OVER () AS source_line, raw
  FROM read_csv($files, columns = {'raw': 'VARCHAR'}, header = false, delim = E'\x01', quote = '', escape = '',
                auto_detect = false, max_line_size = 16777216, buffer_size = 33554432, strict_mode = false, filename = true)
),
texts AS (  -- a line as written, and without the punctuation of a one-object-per-line JSON array
  SELECT source_file, source_line, raw, whole_ok,
         CASE WHEN whole_ok THEN json_type(raw) = 'ARRAY' ELSE false END AS is_array,
         rtrim(ltrim(raw, E' \t[,'), E' \t,]') AS stripped
  FROM (SELECT *, json_valid(raw) AS whole_ok FROM lines WHERE raw IS NOT NULL AND trim(raw, E' \t') <> '')
),
records AS (
  SELECT source_file, source_line, raw, from_array, valid,
         CASE WHEN valid THEN json_type(rec) = 'OBJECT' ELSE false END AS ok, rec
  FROM (
    SELECT *, json_valid(rec) AS valid
    FROM (
      SELECT source_file, source_line, raw, is_array AS from_array,
             unnest(CASE WHEN is_array THEN json_extract(raw, '$[*]')::VARCHAR[]
                         WHEN whole_ok THEN [raw]
                         ELSE [stripped] END) AS rec
      FROM texts
      WHERE stripped <> ''  -- the '[' and ']' lines of an array
    )
  )
)
-- an element of an array line is kept as itself; any other record as its line
SELECT source_file, source_line, valid, ok, CASE WHEN NOT from_array AND rec <> raw THEN raw END AS raw_text, rec
FROM records
