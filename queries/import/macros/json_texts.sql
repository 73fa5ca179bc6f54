-- json_texts(files): the JSON texts of one file that is either JSON lines or one JSON document, told
-- apart by its first non-blank line: when that line is a whole JSON value the file is JSON lines and
-- each non-blank line is a text at its own line number; otherwise (a pretty-printed document) the
-- whole file is one text at line 1, with whole_file true. A BOM and CRLF endings are dropped. Used by readers of formats
-- that come both ways (OTLP captures and bodies, Gemini CLI recordings and legacy sessions).
CREATE OR REPLACE TEMP MACRO json_texts(files) AS TABLE
WITH lines AS NOT MATERIALIZED (
  SELECT source_file, source_line, rtrim(CASE WHEN source_line = 1 THEN ltrim(raw, chr(65279)) ELSE raw END, E'\r') AS raw
  FROM jsonl_lines(files)
),
file_mode AS MATERIALIZED (
  SELECT coalesce(bool_or(json_valid(raw)), true) AS line_mode
  FROM (SELECT raw FROM lines WHERE raw IS NOT NULL AND trim(raw, E' \t') <> '' LIMIT 1)
)
SELECT source_file, source_line, raw AS text, false AS whole_file
FROM lines
WHERE (SELECT line_mode FROM file_mode) AND raw IS NOT NULL AND trim(raw, E' \t') <> ''
UNION ALL
SELECT any_value(source_file), 1, string_agg(coalesce(raw, ''), E'\n' ORDER BY source_line), true
FROM lines
WHERE NOT (SELECT line_mode FROM file_mode)
HAVING count(*) > 0
