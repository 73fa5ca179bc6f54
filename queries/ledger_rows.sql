-- ledger_rows: every ledger row with its price (the default `recount export`); `counted` tells whether
-- summaries count it (see usage_counted); the prompt (its text, and the md5 it is stored under) is left out.
-- grain: one row per usage record
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT a.* EXCLUDE (prompt_text, prompt_hash),
       c.record_key IS NOT NULL AS counted
FROM usage_priced a
LEFT JOIN (SELECT source, record_key FROM usage_counted) c ON c.source = a.source AND c.record_key = a.record_key
WHERE in_period(a.started_at, a.bucket_width, $since, $until, $tz)
ORDER BY a.started_at, a.source, a.record_key
