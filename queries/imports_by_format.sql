-- imports_by_format: what the imports read, per source format: files, rows read, imported, duplicates removed, rejected rows, file reads skipped as unchanged.
-- Ledger-wide provenance from import_files (imports are not periods: every import run counts). A file
-- imported twice counts once in files and twice in file_imports; rows_read = imported + duplicates +
-- rejected for every file import; skipped_lines are lines that carry no usage (outside rows_read).
-- unchanged_skips: how often an incremental import found one of the format's files unchanged since the
-- ledger read it and did not open it (file_state; none of those reads is in the other columns).
-- rejects_kept: the rejected rows the ledger keeps (`recount rejects`): a row rejected again by a
-- re-import of its file is in rejected once per import, in rejects_kept once.
-- grain: one row per format, most rows read first
-- params:
WITH reads AS (
  SELECT
    format,
    CAST(count(DISTINCT path) AS BIGINT)                       AS files,
    CAST(count(*) AS BIGINT)                                   AS file_imports,
    CAST(count(DISTINCT import_id) AS BIGINT)                  AS imports,
    CAST(sum(rows_read) AS HUGEINT)                             AS rows_read,
    CAST(sum(imported) AS HUGEINT)                              AS imported,
    CAST(sum(duplicates) AS HUGEINT)                            AS duplicates,
    CAST(sum(rejected) AS HUGEINT)                              AS rejected,
    CAST(sum(skipped) AS HUGEINT)                               AS skipped_lines,
    min(imported_at)                                           AS first_imported_at,
    max(imported_at)                                           AS last_imported_at
  FROM import_files
  GROUP BY format
),
skips AS (
  SELECT format, CAST(sum(unchanged_imports) AS HUGEINT) AS unchanged_skips
  FROM file_state
  GROUP BY format
),
kept AS (
  SELECT format, CAST(count(*) AS BIGINT) AS rejects_kept
  FROM rejects
  GROUP BY format
)
SELECT reads.*, coalesce(skips.unchanged_skips, 0) AS unchanged_skips, coalesce(kept.rejects_kept, 0) AS rejects_kept
FROM reads
LEFT JOIN skips USING (format)
LEFT JOIN kept USING (format)
ORDER BY rows_read DESC, format
