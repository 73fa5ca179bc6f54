-- recount doctor --fix: what the ledger remembers of a file is kept under its stored path, masked as a
-- new import looks it up (src/import/file-state.ts), so the next import still finds it unchanged.
-- params: paths VARCHAR[] (raw stored paths), stored_paths VARCHAR[] (their masked forms, same order)
UPDATE file_state s
SET path = t.stored_path
FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
WHERE s.path = t.path
