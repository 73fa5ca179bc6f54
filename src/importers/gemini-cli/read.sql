-- Read one Gemini CLI chat recording into the temp table gemini_cli_items, one row per record, for
-- gemini-cli/stage.sql. Two shapes, told apart by the first non-blank line: a .jsonl recording (one
-- JSON record per line: the session's metadata, messages, {"$set": …} and {"$rewindTo": …}) or a
-- legacy .json document ({sessionId, projectHash, …, messages: […]}, pretty-printed), whose messages
-- become the items, numbered from 1 in source_line. A line (or document) that is not a JSON object is
-- an item with ok false, kept with its text for the reject. item numbers the items of the file.
-- params: $files VARCHAR[] (one file)
CREATE OR REPLACE TEMP TABLE gemini_cli_items AS
WITH texts AS (SELECT * FROM json_texts($files)),  -- JSON lines, or one pretty-printed document
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
  SELECT source_file, CASE WHEN whole_file THEN m.n ELSE source_line END, true, m.rec, NULL,
         doc_session, doc_project_hash, doc_kind
  FROM (
    -- CASE, not only WHERE: the filter may run after the extraction
    SELECT source_file, source_line, whole_file, text->>'sessionId' AS doc_session, text->>'projectHash' AS doc_project_hash, text->>'kind' AS doc_kind,
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
