-- One machine's rejected rows as one file, replaced whole by each export: where and why, never the
-- line itself (raw can hold anything, prompts included). $out is the file (COPY takes no bound target).
-- params: $machine
COPY (SELECT * EXCLUDE (raw), CAST($machine AS VARCHAR) AS machine FROM rejects ORDER BY source_file, source_line)
TO $out (FORMAT parquet, COMPRESSION zstd)
