-- What an incremental import compares first: each remembered file's size and modification time (and
-- its format and count), without the hashes and offsets that only a changed file needs
-- (file_states.sql reads those for the few paths whose stat differs). One scan with no parameters:
-- binding a folder's hundreds of paths as lists cost ~3× this query.
-- grain: one row per file_state row
SELECT path, format, size_bytes, mtime_ms, unchanged_imports
FROM file_state
