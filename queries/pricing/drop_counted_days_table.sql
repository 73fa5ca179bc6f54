-- The report's shared rollup, dropped once the report has its data (counted_days is defined again over usage_counted first).
DROP TABLE IF EXISTS counted_days_shared
