-- The days the whole ledger covers, whatever the period asked for: first_day and last_day in zone $tz (NULL when empty), and its records.
SELECT
  strftime(timezone($tz, min(started_at)), '%Y-%m-%d') AS first_day,
  strftime(timezone($tz, max(started_at)), '%Y-%m-%d') AS last_day,
  CAST(count(*) AS BIGINT) AS records
FROM usage
