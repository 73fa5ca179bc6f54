-- Over the lake's views DuckDB estimates usage_windows' recursive window starts as larger than over a
-- ledger file, plans its ASOF JOIN as the operator it cannot run inside a recursive CTE ("AsOf joins are
-- not supported in recursive CTEs yet"), and fails. Below this many left-hand rows it plans a loop join
-- instead, which is also the right plan there: each round joins one row per seat.
SET asof_loop_join_threshold = 1000000000
