-- Record one file's outcome of an import run.
INSERT INTO import_files (import_id, imported_at, path, format, rows_read, imported, duplicates, rejected, skipped)
VALUES ($import_id, $imported_at, $path, $format, $rows_read, $imported, $duplicates, $rejected, $skipped)
