-- The run's file list (create_stage_files.sql) names a file whose path holds a secret by its stored
-- path, masked (src/import/mask-path.ts), as its staged rows do: for the merge, the counts and the rejects.
-- params: paths VARCHAR[] (the files), stored_paths VARCHAR[] (their masked paths, same order)
UPDATE stage_files f
SET path = t.stored_path
FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
WHERE f.path = t.path
