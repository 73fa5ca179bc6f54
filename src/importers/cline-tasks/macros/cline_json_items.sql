-- cline_json_items(files, list_path, doc_fields): the messages of Cline's JSON documents, one row per
-- element of the array at list_path ('$' for a task's ui_messages.json, '$.messages' for an SDK
-- session's <id>.messages.json), numbered from 1 in source_line: its place in the list, which a reject
-- names as its line (both files are rewritten whole, compact or pretty-printed). doc_values holds the
-- document's values at doc_fields (JSON paths), as text, on each of its rows. A document that is not
-- JSON, or has no array at list_path, is one row at line 1 with ok false and its text in raw.
CREATE OR REPLACE TEMP MACRO cline_json_items(files, list_path, doc_fields) AS TABLE
WITH texts AS (SELECT * FROM json_texts(files)),
docs AS (
  SELECT source_file, text, CASE WHEN json_valid(text) THEN coalesce(json_type(text, list_path) = 'ARRAY', false) ELSE false END AS ok
  FROM texts
),
items AS (
  -- CASE, not only WHERE: the filter may run after the extraction, which fails on text that is not JSON
  SELECT source_file, json_extract_string(CASE WHEN ok THEN text END, doc_fields) AS doc_values,
         unnest(list_transform(CAST(json_extract(CASE WHEN ok THEN text END, list_path || '[*]') AS JSON[]),
                               (msg, n) -> {'msg': msg, 'n': n})) AS m
  FROM docs
  WHERE ok
)
SELECT source_file, m.n AS source_line, coalesce(json_type(m.msg) = 'OBJECT', false) AS ok, m.msg,
       CASE WHEN coalesce(json_type(m.msg) <> 'OBJECT', true) THEN left(CAST(m.msg AS VARCHAR), 100000) END AS raw, doc_values
FROM items
UNION ALL
SELECT source_file, 1, false, NULL, left(text, 100000), NULL
FROM docs
WHERE NOT ok
