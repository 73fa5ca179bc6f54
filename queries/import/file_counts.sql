-- Per-file outcome of an import run; rows_read = imported + duplicates + rejected.
SELECT source_file AS path,
       CAST(coalesce(sum(n) FILTER (WHERE outcome <> 'skip'), 0) AS BIGINT) AS rows_read,
       CAST(coalesce(sum(n) FILTER (WHERE outcome IN ('insert', 'replace')), 0) AS BIGINT) AS imported,
       CAST(coalesce(sum(n) FILTER (WHERE outcome = 'duplicate'), 0) AS BIGINT) AS duplicates,
       CAST(coalesce(sum(n) FILTER (WHERE outcome = 'reject'), 0) AS BIGINT) AS rejected,
       CAST(coalesce(sum(n) FILTER (WHERE outcome = 'skip'), 0) AS BIGINT) AS skipped
FROM (
  SELECT source_file, action AS outcome, coalesce(row_count, 1) AS n FROM usage_plan
  UNION ALL
  SELECT source_file, action, coalesce(row_count, 1) FROM invoice_plan
  UNION ALL
  SELECT source_file, row_kind, coalesce(row_count, 1) FROM staged_usage WHERE row_kind NOT IN ('usage', 'event')  -- events are no source rows
  UNION ALL
  SELECT source_file, row_kind, coalesce(row_count, 1) FROM staged_invoice WHERE row_kind <> 'usage'
)
GROUP BY source_file
