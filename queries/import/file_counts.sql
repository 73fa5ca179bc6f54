-- Per-file outcome of an import run; rows_read = imported + duplicates + rejected.
SELECT source_file AS path,
       CAST(coalesce(sum(coalesce(row_count, 1)) FILTER (WHERE row_kind <> 'skip'), 0) AS BIGINT) AS rows_read,
       CAST(coalesce(sum(coalesce(row_count, 1)) FILTER (WHERE action IN ('insert', 'replace')), 0) AS BIGINT) AS imported,
       CAST(coalesce(sum(coalesce(row_count, 1)) FILTER (WHERE action = 'duplicate'), 0) AS BIGINT) AS duplicates,
       CAST(coalesce(sum(coalesce(row_count, 1)) FILTER (WHERE row_kind = 'reject'), 0) AS BIGINT) AS rejected,
       CAST(coalesce(sum(coalesce(row_count, 1)) FILTER (WHERE row_kind = 'skip'), 0) AS BIGINT) AS skipped
FROM (
  SELECT source_file, row_kind, action, row_count FROM staged_usage
  UNION ALL
  SELECT source_file, row_kind, action, row_count FROM staged_invoice
)
GROUP BY source_file
