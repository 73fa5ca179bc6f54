-- recount forget: one import run's rows of import_files (with the other delete_*.sql in one transaction).
-- params: import_id VARCHAR
DELETE FROM import_files WHERE import_id = $import_id
