-- How many ledger rows of the period start in each UTC hour: where an export too big to sort on every
-- thread cuts its rows into slices that are (src/export/sorted-slices.ts). Two columns of usage.
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT epoch_us(time_bucket(INTERVAL 1 hour, started_at)) AS hour_us, count(*) AS rows
FROM usage
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY hour_us
ORDER BY hour_us
