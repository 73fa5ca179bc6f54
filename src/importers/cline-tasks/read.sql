-- Read one Cline / Roo Code / Kilo Code ui_messages.json into the temp table cline_task_items, one row
-- per message, for cline-tasks/stage.sql. The file is one JSON array (compact, or pretty-printed by
-- hand); its messages are numbered from 1 in source_line (a message's place in the array, which
-- rejects name as its line). A file that is not a JSON array is one item with ok false, kept with its
-- text for the reject. hints is what cline-tasks.ts read beside the file (extension, model timeline,
-- workspace), the same on every row.
-- params: $files VARCHAR[] (one file), $hints VARCHAR (JSON)
CREATE OR REPLACE TEMP TABLE cline_task_items AS
WITH texts AS (SELECT * FROM json_texts($files)),
docs AS (
  SELECT source_file, text, CASE WHEN json_valid(text) THEN json_type(text) = 'ARRAY' ELSE false END AS ok FROM texts
),
items AS (
  -- CASE, not only WHERE: the filter may run after the extraction, which fails on text that is not JSON
  SELECT source_file, unnest(list_transform(CAST(json_extract(CASE WHEN ok THEN text END, '$[*]') AS JSON[]),
                                            (msg, n) -> {'msg': msg, 'n': n})) AS m
  FROM docs
  WHERE ok
)
SELECT source_file, m.n AS source_line, coalesce(json_type(m.msg) = 'OBJECT', false) AS ok, m.msg,
       CASE WHEN coalesce(json_type(m.msg) <> 'OBJECT', true) THEN left(CAST(m.msg AS VARCHAR), 100000) END AS raw,
       CAST($hints AS JSON) AS hints
FROM items
UNION ALL
SELECT source_file, 1, false, NULL, left(text, 100000), CAST($hints AS JSON)
FROM docs
WHERE NOT ok
