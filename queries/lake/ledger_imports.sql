-- The imports a ledger holds (any table), for the lake manifest.
-- params:
SELECT DISTINCT import_id FROM import_files ORDER BY import_id
