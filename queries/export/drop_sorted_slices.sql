-- The export's sorted slices, once copied to the file (or after a failure): they may hold gigabytes.
DROP TABLE IF EXISTS export_sorted
