-- Write the staged export rows as Parquet ($out is replaced by a quoted path: COPY takes no parameters).
COPY export_rows TO $out (FORMAT parquet, COMPRESSION zstd)
