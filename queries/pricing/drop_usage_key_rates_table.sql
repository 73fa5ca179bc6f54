-- The report's shared pricing keys, dropped once the report has its data (usage_key_rates is defined over the ledger again first).
DROP TABLE IF EXISTS usage_key_rates_shared
