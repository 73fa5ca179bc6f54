-- usage_token_limit: the most tokens (or requests) one bucket of a usage row can plausibly hold: 10^9
-- for one request, 10^13 for an aggregated row (implausible_usage.sql).
CREATE OR REPLACE TEMP MACRO usage_token_limit(bucket_width) AS
  CASE WHEN bucket_width IS NULL THEN 1000000000 ELSE 10000000000000 END
