-- token_count_fault(field, value): why a count that reads as a number cannot be one: negative, or
-- anything token_count.sql drops (NaN, Infinity, 1e308, 9e18), as a reject reason naming the field
-- and the value as written ('input_tokens=1e308 is not a plausible token count'). NULL for a plausible,
-- missing or non-numeric value (each stager says what a missing or non-numeric count means for its
-- format). Checked on the values as read, so a row is rejected for what its file says, before any
-- bucket is derived from it.
CREATE OR REPLACE TEMP MACRO token_count_fault(field, value) AS (
  CASE WHEN token_count(value) >= 0 THEN NULL  -- the common case, settled by the one cast
       WHEN try_cast(value AS DOUBLE) IS NOT NULL THEN format('{}={} is not a plausible token count', field, trim(CAST(value AS VARCHAR)))
  END
)
