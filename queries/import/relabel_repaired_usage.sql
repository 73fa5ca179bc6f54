-- Rows staged from a copy of a file without its lines that are not UTF-8 (src/import/line-repair.ts)
-- carry the file's own path and line numbers: the copy's line c is the file's line c plus the bad
-- lines before it, i.e. those whose shift (the bad line's number less the bad lines up to it) is < c.
-- A key, session or project a reader made of the path (when the records name none) names the file too:
-- a temp path there would make each re-import of the file new.
-- params: read_paths VARCHAR[] (the copies), paths VARCHAR[] (the files), shifts BIGINT[][] (same order)
UPDATE staged_usage s
SET source_file = t.path, source_line = s.source_line + len(list_filter(t.shifts, x -> x < s.source_line)),
    record_key = replace(s.record_key, t.read_path, t.path), session_id = replace(s.session_id, t.read_path, t.path),
    project = replace(s.project, t.read_path, t.path), raw = replace(s.raw, t.read_path, t.path)
FROM (SELECT unnest($read_paths) AS read_path, unnest($paths) AS path, unnest($shifts) AS shifts) t
WHERE s.source_file = t.read_path
