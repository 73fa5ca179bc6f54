-- What an export's sort may use: DuckDB's memory limit (as it shows it, e.g. '366.2 MiB') and its
-- threads. The export picks how many threads sort its rows from these and the rows' count
-- (count_export_rows.sql; see src/export/one-thread-retry.ts).
SELECT current_setting('memory_limit') AS memory_limit, CAST(current_setting('threads') AS BIGINT) AS threads
