-- Aggregated files of this run in which some bucket was summed from two or more identical-dimension
-- rows: the only files where a repeated block of rows can have raised the totals, so the only ones
-- whose lines repeated_csv_rows.sql reads again (src/import/repeated-rows.ts keeps the CSV files among
-- them). Legitimate exports repeat a few dimensions too.
-- grain: one row per such file (its stored path)
SELECT DISTINCT source_file
FROM (
  SELECT source_file, row_count FROM staged_usage WHERE row_kind = 'usage' AND bucket_width IS NOT NULL
  UNION ALL
  SELECT source_file, row_count FROM staged_invoice WHERE row_kind = 'usage'
)
WHERE row_count >= 2
ORDER BY source_file
