-- Write the staged export rows as CSV with a header ($out is replaced by a quoted path).
COPY export_rows TO $out (FORMAT csv, HEADER true)
