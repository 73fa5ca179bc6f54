-- jsonl_records(files): the records of a JSON-lines file (jsonl_lines), one row each: a line holds one
-- JSON object, an array of them, or is one element of a one-object-per-line JSON array ("[{…}," …
-- "{…}]"). rec is the record's JSON text, from_array says it came out of an array line; valid/ok say
-- whether it is JSON and a JSON object. Blank lines and the '[' / ']' lines of an array are no record.
CREATE OR REPLACE TEMP MACRO jsonl_records(files) AS TABLE
WITH texts AS (  -- a line as written, and without the punctuation of a one-object-per-line JSON array
  SELECT source_file, source_line, raw, whole_ok,
         CASE WHEN whole_ok THEN json_type(raw) = 'ARRAY' ELSE false END AS is_array,
         rtrim(ltrim(raw, E' \t[,'), E' \t,]') AS stripped
  FROM (SELECT *, json_valid(raw) AS whole_ok FROM jsonl_lines(files) WHERE raw IS NOT NULL AND trim(raw, E' \t') <> '')
)
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
