-- price_rows from the build's price cache (src/pricing/price-cache.ts) instead of from the catalog:
-- the same rows, written by copy_price_rows_cache.sql from the same schema.
INSERT INTO temp.price_rows BY NAME SELECT * FROM read_parquet($file)
