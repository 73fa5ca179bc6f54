-- Forget the remembered state of the files an import read again ($paths), before their new rows are
-- appended (src/import/file-state.ts): one row per path.
-- params: paths VARCHAR[]
DELETE FROM file_state WHERE path IN (SELECT unnest($paths))
