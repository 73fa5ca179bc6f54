-- Staged invoice rows of a file whose path holds a secret carry its stored path, masked
-- (src/import/mask-path.ts), before the merge compares them with the ledger's rows.
-- params: paths VARCHAR[] (the files), stored_paths VARCHAR[] (their masked paths, same order)
UPDATE staged_invoice s
SET source_file = t.stored_path
FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
WHERE s.source_file = t.path
