-- in_period(ts, bucket, since, until, tz): the row's local day (see local_day) is within [since, until]
-- in zone tz; NULL ends are open.
CREATE OR REPLACE TEMP MACRO in_period(ts, bucket, since, until, tz) AS
  (since IS NULL OR local_day(ts, bucket, tz) >= CAST(since AS DATE))
  AND (until IS NULL OR local_day(ts, bucket, tz) <= CAST(until AS DATE))
