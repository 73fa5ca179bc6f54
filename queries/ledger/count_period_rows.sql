-- At most how many ledger rows a period holds: an upper bound on the rows a statement over the
-- period's counted or priced rows reads, which sets the threads it may run on (src/db/threads.ts).
-- Counting those rows themselves would price every one; this compares one column with the period's
-- ends widened by two days (wider than any zone's offset from UTC), not each row's local day
-- (in_period: 7 s at 10M rows on a loaded machine).
-- params: since DATE = NULL, until DATE = NULL
SELECT count(*) AS n
FROM usage
WHERE ($since IS NULL OR started_at >= CAST($since AS DATE) - INTERVAL 2 DAY)
  AND ($until IS NULL OR started_at < CAST($until AS DATE) + INTERVAL 3 DAY)
