-- What a statement whose memory grows with its rows may use: DuckDB's memory limit (as it shows it,
-- e.g. '366.2 MiB') and its threads. src/db/threads.ts picks how many threads run it from these and
-- the rows' count.
SELECT current_setting('memory_limit') AS memory_limit, CAST(current_setting('threads') AS BIGINT) AS threads
