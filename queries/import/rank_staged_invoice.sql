-- Within one import run keep one staged invoice line per key: the newest file's wins.
UPDATE staged_invoice AS s
SET action = 'duplicate'
FROM (
  SELECT st.rowid AS rid,
         row_number() OVER (PARTITION BY st.source, st.record_key ORDER BY f.modified_at DESC, f.file_order DESC, st.source_line) AS rn
  FROM staged_invoice st
  JOIN stage_files f ON f.path = st.source_file
  WHERE st.row_kind = 'usage'
) AS ranked
WHERE s.rowid = ranked.rid AND ranked.rn > 1
