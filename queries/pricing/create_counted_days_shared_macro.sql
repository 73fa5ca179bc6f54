-- counted_days(since, until, tz) over counted_days_shared (create_counted_days_table.sql): the same
-- rows summed per day. Its days are one zone's: asked for another zone it stops rather than answer wrong.
CREATE OR REPLACE TEMP MACRO counted_days(since, until, tz) AS TABLE
SELECT * EXCLUDE (rollup_tz)
FROM counted_days_shared
WHERE CASE WHEN rollup_tz = tz THEN true
           ELSE error('counted_days: the shared rollup is in zone ' || rollup_tz || ', not ' || coalesce(tz, 'NULL')) END
  AND day BETWEEN coalesce(CAST(since AS DATE), day) AND coalesce(CAST(until AS DATE), day)
