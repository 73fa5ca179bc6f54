-- Write an export's rows as Parquet, streamed by DuckDB in bounded memory. COPY takes the rows' query
-- with its bound parameters, but not its target as one: the export command puts the rows' query in
-- place of ($rows) and the quoted output path in place of $out. The generator pair marks the file
-- as recount's, so a later export may replace it without --force (src/report/write.ts).
COPY ($rows) TO $out (FORMAT parquet, COMPRESSION zstd, KV_METADATA {generator: 'recount'})
