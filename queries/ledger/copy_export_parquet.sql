-- Write the staged export rows as Parquet. COPY takes no bound parameters: the export command
-- substitutes the quoted output path for the placeholder after TO. The generator pair marks the file
-- as recount's, so a later export may replace it without --force (src/report/write.ts).
COPY export_rows TO $out (FORMAT parquet, COMPRESSION zstd, KV_METADATA {generator: 'recount'})
