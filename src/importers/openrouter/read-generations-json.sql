-- Read OpenRouter generation stats saved as a JSON document into the temp table
-- openrouter_generation_records, one row per record, for the shared mapping in
-- openrouter/stage-generations.sql: one GET /api/v1/generation response ({"data":{…}}, or the bare
-- generation object), an array of them, or several documents one after the other (a file written
-- twice: both copies are read, the merge keeps one of each record). rec is the record's
-- JSON text (raw_text is NULL: rec is what a reject keeps); valid is true, ok says whether it is a JSON
-- object. source_line is the record's position in the file (1 = first response), not a text line: a
-- document has no line per record. A document that does not parse is a reader error naming the file,
-- and so is a single JSON object over 16 MB (an array's elements are read one by one; the limit keeps
-- the reader's buffers within the ledger's memory limit).
-- Same columns as openrouter/read-generations-jsonl.sql.
-- params: $files VARCHAR[]
CREATE OR REPLACE TEMP TABLE openrouter_generation_records AS
WITH docs AS (  -- a whole array comes as one value after a UTF-8 BOM or before a second document: its elements
  SELECT filename, row_number() OVER () AS n, rec
  FROM (SELECT filename, unnest(CASE WHEN json_type(json) = 'ARRAY' THEN json_extract(json, '$[*]') ELSE [json] END) AS rec
        FROM read_json_objects($files, format = 'auto', filename = true, maximum_object_size = 16777216))
)
SELECT filename AS source_file, row_number() OVER (PARTITION BY filename ORDER BY n) AS source_line,
       true AS valid, json_type(rec) = 'OBJECT' AS ok, NULL::VARCHAR AS raw_text, rec::VARCHAR AS rec
FROM docs
