-- Write the staged export rows as Parquet. COPY takes no bound parameters: the export command
-- substitutes the quoted output path for the placeholder after TO.
COPY export_rows TO $out (FORMAT parquet, COMPRESSION zstd)
