-- recount doctor --fix: usage rows name their file by its stored path, masked as a new import stores it
-- (src/import/mask-path.ts maskSecretsIn), in the transaction that masks every table's paths.
-- params: paths VARCHAR[] (raw stored paths), stored_paths VARCHAR[] (their masked forms, same order)
UPDATE usage x
SET source_file = t.stored_path
FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
WHERE x.source_file = t.path
