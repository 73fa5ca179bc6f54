-- imported_files: the files imports read (top $limit by rows read), with their format and what became of their rows.
-- Ledger-wide provenance from import_files: one row per file path and format over every import run
-- (imports counts the runs that read it); rows_read = imported + duplicates + rejected.
-- grain: one row per (path, format), most rows read first
-- params: limit BIGINT = 100
SELECT
  path,
  format,
  CAST(count(*) AS BIGINT)                                   AS imports,
  CAST(sum(rows_read) AS HUGEINT)                             AS rows_read,
  CAST(sum(imported) AS HUGEINT)                              AS imported,
  CAST(sum(duplicates) AS HUGEINT)                            AS duplicates,
  CAST(sum(rejected) AS HUGEINT)                              AS rejected,
  max(imported_at)                                           AS last_imported_at
FROM import_files
GROUP BY path, format
ORDER BY rows_read DESC, path, format
LIMIT CAST($limit AS BIGINT)
