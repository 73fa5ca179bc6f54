-- How many ledger rows an export of the period reads: what sets the threads its sort may use
-- (src/export/one-thread-retry.ts). The default export (ledger_rows) gives one row per ledger row, and
-- a named query over them about as many or fewer. Counting the export's own rows instead prices every
-- one of them (count_export_rows.sql: over four minutes at 10M rows on a loaded machine); this reads
-- two columns.
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT count(*) AS n FROM usage WHERE in_period(started_at, bucket_width, $since, $until, $tz)
