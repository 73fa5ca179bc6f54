-- Rejected rows, newest import first; $import_id narrows to one run: the rows it rejected, also those
-- an earlier import of the same file rejected first (a reject is kept once, under the run that found it).
SELECT r.import_id, r.source_file, r.source_line, r.format, r.reason, r.raw
FROM rejects r
LEFT JOIN (SELECT import_id, max(imported_at) AS imported_at FROM import_files GROUP BY import_id) i USING (import_id)
WHERE $import_id IS NULL
   OR r.import_id = $import_id
   OR r.source_file IN (SELECT path FROM import_files WHERE import_id = $import_id AND rejected > 0)
ORDER BY i.imported_at DESC NULLS LAST, r.source_file, r.source_line
LIMIT $limit
