-- Files imported from outside $folder: none means the ledger holds only what came from there (the demo
-- ledger's imports are all of the bundled samples).
SELECT count(*) AS files FROM import_files WHERE NOT starts_with(path, $folder)
