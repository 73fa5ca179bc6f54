-- Remove ledger rows that a staged row replaces (see judge_staged_usage.sql).
DELETE FROM usage
WHERE (source, record_key) IN (SELECT source, record_key FROM staged_usage WHERE action = 'replace')
