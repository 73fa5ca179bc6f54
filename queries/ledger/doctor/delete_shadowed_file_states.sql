-- recount doctor --fix, before mask_file_state_paths.sql: a file remembered under its raw path and
-- again under its masked one (an import by a newer recount, which looks files up masked, read it
-- since) keeps only the newer memory, so file_state stays one row per path.
-- params: paths VARCHAR[] (raw stored paths), stored_paths VARCHAR[] (their masked forms, same order)
DELETE FROM file_state
WHERE path IN (SELECT t.path
               FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
               JOIN file_state m ON m.path = t.stored_path)
