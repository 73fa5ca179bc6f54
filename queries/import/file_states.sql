-- What the ledger remembers of the files an import is given (queries/schema/009_create_file_state.sql).
-- grain: one row per remembered path among $paths
-- params: paths VARCHAR[]
SELECT path, format, size_bytes, mtime_ms, head_hash, tail_hash, consumed_bytes, consumed_lines, import_id, read_at, unchanged_imports
FROM file_state
WHERE path IN (SELECT unnest($paths))
