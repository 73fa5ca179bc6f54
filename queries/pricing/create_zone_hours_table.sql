-- zone_hours: zone $tz's UTC offset in each UTC hour from the ledger's first row to its last, for the
-- report's rollup (create_counted_days_table.sql): a row's local day is then (its epoch + the offset)
-- in whole days, integer arithmetic, where a time-zone conversion per row cost a fifth of the rollup.
-- offset_us is NULL for an hour a transition falls inside (the offsets at its first and last
-- microsecond differ) and before 1970 (integer division truncates): those rows take local_day.
CREATE OR REPLACE TEMP TABLE zone_hours AS
WITH span AS (
  SELECT epoch_us(min(started_at)) // 3600000000 AS first_hour, epoch_us(max(started_at)) // 3600000000 AS last_hour
  FROM usage
),
hours AS (
  SELECT h.range AS utc_hour,
         to_timestamp(0) + to_microseconds(h.range * 3600000000) AS hour_start,
         to_timestamp(0) + to_microseconds(h.range * 3600000000 + 3599999999) AS hour_end
  FROM span, range(span.first_hour, span.last_hour + 1) h
)
SELECT utc_hour,
       CASE WHEN epoch_us(timezone(CAST($tz AS VARCHAR), hour_start)) - epoch_us(hour_start)
                 = epoch_us(timezone(CAST($tz AS VARCHAR), hour_end)) - epoch_us(hour_end)
             AND epoch_us(timezone(CAST($tz AS VARCHAR), hour_start)) >= 0
            THEN epoch_us(timezone(CAST($tz AS VARCHAR), hour_start)) - epoch_us(hour_start) END AS offset_us
FROM hours
