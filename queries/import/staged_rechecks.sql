-- The files a stage statement marked for a second, line-by-line reading.
SELECT DISTINCT source_file FROM staged_usage WHERE row_kind = 'recheck' ORDER BY source_file
