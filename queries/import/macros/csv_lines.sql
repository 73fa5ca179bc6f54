-- csv_lines(files): csv_cells with each row's line in its file (source_file, source_line): row_number()
-- over one file's rows plus its header line. For formats read one file per run (the header template
-- before it has no rows); a multi-line quoted cell is counted as one line.
CREATE OR REPLACE TEMP MACRO csv_lines(files) AS TABLE
SELECT *, filename AS source_file, row_number() OVER () + 1 AS source_line
FROM csv_cells(files);
