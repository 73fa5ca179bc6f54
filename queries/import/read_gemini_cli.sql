-- Read one Gemini CLI chat recording into the temp table gemini_cli_items, one row per record, for
-- stage_gemini_cli.sql. Two shapes, told apart by the first non-blank line: a .jsonl recording (one
-- JSON record per line: the session's metadata, messages, {"$set": …} and {"$rewindTo": …}) or a
-- legacy .json document ({sessionId, projectHash, …, messages: […]}, pretty-printed), whose messages
-- become the items, numbered from 1 in source_line. A line (or document) that is not a JSON object is
-- an item with ok false, kept with its text for the reject. item numbers the items of the file.
-- params: $files VARCHAR[] (one file)
CREATE OR REPLACE TEMP TABLE gemini_cli_items AS
WITH lines AS NOT MATERIALIZED (
  SELECT source_file, source_line, rtrim(CASE WHEN source_line = 1 THEN ltrim(raw, chr(65279)) ELSE raw END, E'\r') AS raw
  FROM jsonl_lines($files)
),
file_mode AS MATERIALIZED (  -- a recording's first line is a whole JSON record; a pretty-printed document's is not
  SELECT coalesce(bool_or(json_valid(raw)), true) AS line_mode
  FROM (SELECT raw FROM lines WHERE raw IS NOT NULL AND trim(raw, E' \t') <> '' LIMIT 1)
),
texts AS (
  SELECT source_file, source_line, raw AS text
  FROM lines
  WHERE (SELECT line_mode FROM file_mode) AND raw IS NOT NULL AND trim(raw, E' \t') <> ''
  UNION ALL
  SELECT any_value(source_file), 1, string_agg(coalesce(raw, ''), E'\n' ORDER BY source_line)
  FROM lines
  WHERE NOT (SELECT line_mode FROM file_mode)
  HAVING count(*) > 0
),
docs AS (
  SELECT *, coalesce(CASE WHEN ok THEN json_type(text, '$.messages') = 'ARRAY' END, false) AS is_document
  FROM (SELECT *, CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END AS ok FROM texts)
),
items AS (
  SELECT source_file, source_line, ok, CASE WHEN ok THEN CAST(text AS JSON) END AS rec,
         CASE WHEN NOT ok THEN left(text, 100000) END AS raw,
         NULL::VARCHAR AS doc_session, NULL::VARCHAR AS doc_project_hash, NULL::VARCHAR AS doc_kind
  FROM docs
  WHERE NOT is_document
  UNION ALL
  SELECT source_file, CASE WHEN (SELECT line_mode FROM file_mode) THEN source_line ELSE m.n END, true, m.rec, NULL,
         doc_session, doc_project_hash, doc_kind
  FROM (
    -- CASE, not only WHERE: the filter may run after the extraction
    SELECT source_file, source_line, text->>'sessionId' AS doc_session, text->>'projectHash' AS doc_project_hash, text->>'kind' AS doc_kind,
           unnest(list_transform(CAST(json_extract(CASE WHEN is_document THEN text END, '$.messages[*]') AS JSON[]),
                                 (rec, n) -> {'rec': rec, 'n': n})) AS m
    FROM docs
    WHERE is_document
  )
)
SELECT source_file, source_line, coalesce(ok AND json_type(rec) = 'OBJECT', false) AS ok, rec,
       coalesce(raw, left(CAST(rec AS VARCHAR), 100000)) AS raw, doc_session, doc_project_hash, doc_kind,
       row_number() OVER () AS item
FROM items
