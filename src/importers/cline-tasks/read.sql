-- Read one Cline / Roo Code / Kilo Code ui_messages.json into the temp table cline_task_items, one row
-- per message, for cline-tasks/stage.sql. The file is one JSON array (compact, or pretty-printed by
-- hand); its messages are numbered from 1 in source_line (cline_json_items.sql). A file that is not a
-- JSON array is one item with ok false, kept with its text for the reject. hints is what
-- cline-tasks/index.ts read beside the file (extension, model timeline, workspace), the same on every row.
-- params: $files VARCHAR[] (one file), $hints VARCHAR (JSON)
CREATE OR REPLACE TEMP TABLE cline_task_items AS
SELECT source_file, source_line, ok, msg, raw, CAST($hints AS JSON) AS hints
FROM cline_json_items($files, '$', CAST([] AS VARCHAR[]))
