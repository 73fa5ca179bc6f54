-- The build's price cache (src/pricing/price-cache.ts): the session's resolved price_rows as
-- Parquet, read back by insert_price_rows_cache.sql. COPY takes no bound target: the build puts the
-- quoted output path in place of $out.
COPY (SELECT * FROM temp.price_rows) TO $out (FORMAT parquet)
