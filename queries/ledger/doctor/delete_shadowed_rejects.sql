-- recount doctor --fix, before mask_reject_paths.sql: a reject kept under a raw path and again under
-- the masked one (the same line, for the same reason: a newer recount imported the file since) is
-- kept once, as queries/import/insert_rejects.sql would have kept it.
-- params: paths VARCHAR[] (raw stored paths), stored_paths VARCHAR[] (their masked forms, same order)
DELETE FROM rejects r
WHERE EXISTS (SELECT 1
              FROM (SELECT unnest($paths) AS path, unnest($stored_paths) AS stored_path) t
              JOIN rejects m ON m.source_file = t.stored_path
              WHERE t.path = r.source_file AND m.source_line IS NOT DISTINCT FROM r.source_line AND m.reason = r.reason)
