-- Drop what a stage statement staged from $files (VARCHAR[]), to stage them again another way.
DELETE FROM staged_usage WHERE source_file IN (SELECT unnest($files))
