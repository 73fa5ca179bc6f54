-- How many ledger rows a period holds: an upper bound on the rows a statement over the period's
-- counted or priced rows reads, which sets the threads it may run on (src/db/threads.ts). Counting
-- those rows themselves would price every one; this reads two columns (0.1 s at 10M rows).
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT count(*) AS n FROM usage WHERE in_period(started_at, bucket_width, $since, $until, $tz)
