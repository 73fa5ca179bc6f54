-- What one import run wrote: its rows in each table (before `recount forget` removes them).
-- params: import_id VARCHAR
SELECT (SELECT count(*) FROM import_files WHERE import_id = $import_id) AS files,
       (SELECT count(*) FROM usage WHERE import_id = $import_id) AS usage_rows,
       (SELECT count(*) FROM invoice_lines WHERE import_id = $import_id) AS invoice_lines,
       (SELECT count(*) FROM rejects WHERE import_id = $import_id) AS rejects
