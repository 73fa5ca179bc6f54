-- Damaged lines a reader could not take (src/import/line-repair.ts read their files without them: text
-- that is not UTF-8, a CSV record cut inside a quoted cell), one reject each at the file's own line
-- number; raw is the line as read, with U+FFFD for bytes that are not UTF-8.
-- params: $paths VARCHAR[], $lines BIGINT[], $raws VARCHAR[], $reasons VARCHAR[] (one entry per
--         line, same order), $source VARCHAR (importer id), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
SELECT 'reject' AS row_kind, reason, raw, $source AS source, $import_id AS import_id, source_file, source_line
FROM (SELECT unnest($paths) AS source_file, unnest($lines) AS source_line, unnest($raws) AS raw, unnest($reasons) AS reason)
