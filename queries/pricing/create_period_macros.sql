-- in_period(ts, since, until, tz): ts falls on a local day in [since, until] in zone tz; NULL ends are open.
CREATE OR REPLACE TEMP MACRO in_period(ts, since, until, tz) AS
  (since IS NULL OR ts >= timezone(tz, CAST(CAST(since AS DATE) AS TIMESTAMP)))
  AND (until IS NULL OR ts < timezone(tz, CAST(CAST(until AS DATE) + 1 AS TIMESTAMP)))
