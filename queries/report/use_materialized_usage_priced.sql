-- usage_priced (and usage_counted and the macros built on it) now read the priced rows materialized
-- by materialize_usage_priced.sql.
CREATE OR REPLACE TEMP VIEW usage_priced AS SELECT * FROM report_usage_priced
