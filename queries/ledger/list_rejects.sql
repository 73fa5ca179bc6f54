-- Rejected rows, newest import first; $import_id narrows to one run.
SELECT r.import_id, r.source_file, r.source_line, r.format, r.reason, r.raw
FROM rejects r
LEFT JOIN (SELECT import_id, max(imported_at) AS imported_at FROM import_files GROUP BY import_id) i USING (import_id)
WHERE $import_id IS NULL OR r.import_id = $import_id
ORDER BY i.imported_at DESC NULLS LAST, r.source_file, r.source_line
LIMIT $limit
