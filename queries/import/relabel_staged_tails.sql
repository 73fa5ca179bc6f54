-- Rows staged from a copy of a file's appended part (src/import/file-state.ts) carry the file's own
-- path and line numbers: the copy's line n is the file's line n + line_offset.
-- params: read_paths VARCHAR[] (the copies), paths VARCHAR[] (the files), line_offsets BIGINT[] (same order)
UPDATE staged_usage s
SET source_file = t.path, source_line = s.source_line + t.line_offset
FROM (SELECT unnest($read_paths) AS read_path, unnest($paths) AS path, unnest($line_offsets) AS line_offset) t
WHERE s.source_file = t.read_path
