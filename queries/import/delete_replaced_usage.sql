-- Remove ledger rows that a planned row replaces (see plan_usage_merge.sql).
DELETE FROM usage
WHERE (source, record_key) IN (SELECT source, record_key FROM usage_plan WHERE action = 'replace')
