-- Each model's dearest output list rate in the session's price rows (no output rate counts as 0), for
-- the report's tier panel without policies (src/report/tier-data.ts). The same figure the catalog's
-- own rows give (test/report/tier-section.test.ts checks it), read without loading the catalog.
SELECT model, max(coalesce(output_usd_per_mtok, 0)) AS output_usd_per_mtok
FROM temp.price_rows
GROUP BY model
