-- The run's file list (create_stage_files.sql) names a file read from an offset by its own path once
-- its copy is staged (relabel_staged_tails.sql), for the merge, the counts and the rejects.
-- params: read_paths VARCHAR[] (the copies), paths VARCHAR[] (the files), same order
UPDATE stage_files f
SET path = t.path
FROM (SELECT unnest($read_paths) AS read_path, unnest($paths) AS path) t
WHERE f.path = t.read_path
