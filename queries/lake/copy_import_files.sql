-- One machine's import provenance (import_files) as one file, replaced whole by each export.
-- $out is the file (COPY takes no bound target).
-- params: $machine
COPY (SELECT *, CAST($machine AS VARCHAR) AS machine FROM import_files ORDER BY imported_at, path)
TO $out (FORMAT parquet, COMPRESSION zstd)
