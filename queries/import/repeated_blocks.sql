-- Aggregated files (dashboard and console CSVs) in which every bucket was folded from at least k >= 2
-- identical-dimension rows: most likely the file concatenated with itself k times (a real export
-- repeats a few buckets' dimensions, never all of them). Rows with the same dimensions are summed by
-- design, so the totals count k times over; the import warns.
-- grain: one row per such file
SELECT source_file, min(row_count) AS times, count(*) AS buckets
FROM (
  SELECT source_file, coalesce(row_count, 1) AS row_count FROM staged_usage WHERE row_kind = 'usage' AND bucket_width IS NOT NULL
  UNION ALL
  SELECT source_file, coalesce(row_count, 1) FROM staged_invoice WHERE row_kind = 'usage'
)
GROUP BY source_file
HAVING count(*) >= 2 AND min(row_count) >= 2
ORDER BY source_file
