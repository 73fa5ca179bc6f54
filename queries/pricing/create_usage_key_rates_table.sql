-- usage_key_rates_shared: usage_key_rates written once for a `recount report` (src/report/rollup.ts),
-- so each of its queries over usage_priced joins a few thousand rates instead of finding the pricing
-- keys over every ledger row again (~0.1 CPU-s a query at 1M rows).
CREATE OR REPLACE TEMP TABLE usage_key_rates_shared AS
SELECT * FROM usage_key_rates
