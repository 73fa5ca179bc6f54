-- Within one import run keep one staged row per record; the others are duplicates.
-- The winner: for re-pulled aggregates (replace) the newest file; otherwise the main-chain line over
-- a sidechain copy, then the most complete line (largest token total), then the first seen.
UPDATE staged_usage AS s
SET action = 'duplicate'
FROM (
  SELECT st.rowid AS rid,
         row_number() OVER (
           PARTITION BY st.source, st.record_key
           ORDER BY CASE WHEN f.merge = 'replace' THEN f.modified_at END DESC NULLS LAST,
                    CASE WHEN f.merge = 'replace' THEN f.file_order END DESC NULLS LAST,
                    coalesce(st.is_sidechain, false),
                    st.input_tokens + st.cache_read_tokens + st.cache_write_5m_tokens + st.cache_write_1h_tokens + st.output_tokens DESC,
                    f.file_order, st.source_line
         ) AS rn
  FROM staged_usage st
  JOIN stage_files f ON f.path = st.source_file
  WHERE st.row_kind = 'usage'
) AS ranked
WHERE s.rowid = ranked.rid AND ranked.rn > 1
