-- Keep every rejected row, with its reason and raw text (both with secrets masked), for `recount rejects`;
-- a row already kept from an earlier import of the same file is not added again.
INSERT INTO rejects (import_id, source_file, source_line, format, reason, raw)
SELECT $import_id, r.source_file, r.source_line, f.format, mask_secrets(r.reason),
       mask_secrets(r.raw)
FROM (
  SELECT source_file, source_line, reason, raw FROM staged_usage WHERE row_kind = 'reject'
  UNION ALL
  SELECT source_file, source_line, reason, raw FROM staged_invoice WHERE row_kind = 'reject'
) AS r
JOIN stage_files f ON f.path = r.source_file
WHERE NOT EXISTS (
  SELECT 1 FROM rejects k
  WHERE k.source_file = r.source_file AND k.source_line IS NOT DISTINCT FROM r.source_line AND k.reason = mask_secrets(r.reason)
)
