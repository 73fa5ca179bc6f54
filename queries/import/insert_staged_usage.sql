-- Write the staged rows that the merge kept into the ledger.
INSERT INTO usage BY NAME
SELECT * EXCLUDE (row_kind, reason, raw, row_count, action)
FROM staged_usage
WHERE action IN ('insert', 'replace')
