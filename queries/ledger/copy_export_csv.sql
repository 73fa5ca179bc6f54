-- Write the staged export rows as CSV with a header (output path substituted as in copy_export_parquet.sql).
COPY export_rows TO $out (FORMAT csv, HEADER true)
