-- token_count(value): a token (or request) count as BIGINT, from whatever a reader gives: JSON, text
-- ('388', '388.0', '1e3') or a number, rounded. NULL when it is missing, not a number, not finite
-- (NaN, Infinity) or beyond ±10^13, the largest bucket the plausibility rule accepts
-- (usage_token_limit.sql): staging can then add and subtract counts without overflowing BIGINT, and
-- token_count_fault.sql names the value that was dropped so its row is rejected, not the file.
-- A negative count passes (token_count_fault names it). The cast to BIGINT is the one every count
-- of every staged row pays: it already drops what does not fit in 64 bits.
CREATE OR REPLACE TEMP MACRO token_count(value) AS (
  CASE WHEN try_cast(value AS BIGINT) BETWEEN -10000000000000 AND 10000000000000 THEN try_cast(value AS BIGINT) END
)
