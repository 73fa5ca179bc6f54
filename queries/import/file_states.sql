-- What the ledger remembers of the files an import is given (queries/schema/009_create_file_state.sql),
-- checked against each file's size and modification time as the import found them. The import asks
-- it only for the files whose stat differs from file_state_stats.sql's; a file whose both are as
-- recorded (same_stat) comes back with only its path, format and count, the others with what reading
-- them from an offset needs.
-- grain: one row per remembered path among $paths
-- params: paths VARCHAR[], sizes BIGINT[], mtimes DOUBLE[] (one each per path, in the same order)
WITH found AS (
  SELECT unnest($paths) AS path, unnest($sizes) AS found_bytes, unnest($mtimes) AS found_mtime_ms
),
final AS (
  SELECT s.path, s.format, s.size_bytes, s.mtime_ms, s.unchanged_imports,
         s.size_bytes = f.found_bytes AND s.mtime_ms = f.found_mtime_ms AS same_stat,
         s.head_hash, s.tail_hash, s.consumed_bytes, s.consumed_lines, s.import_id, s.read_at
  FROM file_state s
  JOIN found f USING (path)
)
SELECT path, format, size_bytes, mtime_ms, unchanged_imports, same_stat,
       CASE WHEN NOT same_stat THEN head_hash END AS head_hash,
       CASE WHEN NOT same_stat THEN tail_hash END AS tail_hash,
       CASE WHEN NOT same_stat THEN consumed_bytes END AS consumed_bytes,
       CASE WHEN NOT same_stat THEN consumed_lines END AS consumed_lines,
       CASE WHEN NOT same_stat THEN import_id END AS import_id,
       CASE WHEN NOT same_stat THEN read_at END AS read_at
FROM final
