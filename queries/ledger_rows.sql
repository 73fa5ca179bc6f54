-- ledger_rows: every ledger row with its price (the default `recount export`); prompt text is left out.
-- grain: one row per usage record
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT * EXCLUDE (prompt_text)
FROM usage_priced
WHERE in_period(started_at, $since, $until, $tz)
ORDER BY started_at, source, record_key
