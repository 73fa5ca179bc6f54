-- Write an export's rows as CSV with a header, streamed by DuckDB in bounded memory (the rows' query
-- and the output path are put in place of ($rows) and $out as in copy_export_parquet.sql).
COPY ($rows) TO $out (FORMAT csv, HEADER true)
