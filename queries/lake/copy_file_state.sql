-- One machine's file_state (what incremental imports skipped as unchanged) as one file, replaced
-- whole by each export. $out is the file (COPY takes no bound target).
-- params: $machine
COPY (SELECT *, CAST($machine AS VARCHAR) AS machine FROM file_state ORDER BY path)
TO $out (FORMAT parquet, COMPRESSION zstd)
