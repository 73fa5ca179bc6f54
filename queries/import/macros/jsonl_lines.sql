-- jsonl_lines(files): the lines of a JSON-lines file, numbered, streamed through the CSV reader as one
-- VARCHAR column (a delimiter and no quote a line can hold): bounded memory on a large log and exact
-- line numbers (row_number over the scan keeps its order). A blank line is NULL and keeps its number.
-- The numbers run on across files: the statements that use it stage one file at a time.
CREATE OR REPLACE TEMP MACRO jsonl_lines(files) AS TABLE
SELECT filename AS source_file, row_number() OVER () AS source_line, raw
FROM read_csv(files, columns = {'raw': 'VARCHAR'}, header = false, delim = E'\x01', quote = '', escape = '',
              auto_detect = false, max_line_size = 16777216, buffer_size = 33554432, strict_mode = false, filename = true)
