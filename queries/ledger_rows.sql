-- ledger_rows: every ledger row with its price (the default `recount export`); `counted` tells whether
-- summaries count it (see usage_counted); the prompt (its text, and the md5 it is stored under) is left out.
-- Only aggregate rows and Claude Code's telemetry can be left out of usage_counted (every other
-- per-request row counts), so only those are looked up in it: a lookup of every row held a hash table
-- of every record key (10M of them at 10M rows) through the export's sort.
-- grain: one row per usage record
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT a.* EXCLUDE (prompt_text, prompt_hash),
       CASE WHEN a.bucket_width IS NULL AND a.source <> 'claude-code-otel' THEN true
            ELSE c.record_key IS NOT NULL END AS counted
FROM usage_priced a
LEFT JOIN (SELECT source, record_key FROM usage_counted WHERE bucket_width IS NOT NULL OR source = 'claude-code-otel') c
  ON c.source = a.source AND c.record_key = a.record_key
WHERE in_period(a.started_at, a.bucket_width, $since, $until, $tz)
ORDER BY a.started_at, a.source, a.record_key
