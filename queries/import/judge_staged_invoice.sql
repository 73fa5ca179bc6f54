-- Invoice lines are re-pulled aggregates: a new key is inserted, changed amounts replace, the same
-- amounts are duplicates.
UPDATE staged_invoice AS s
SET action = CASE
  WHEN i.record_key IS NULL THEN 'insert'
  WHEN s.amount_usd IS DISTINCT FROM i.amount_usd OR s.list_amount_usd IS DISTINCT FROM i.list_amount_usd THEN 'replace'
  ELSE 'duplicate'
END
FROM (
  SELECT st.rowid AS rid, ex.*
  FROM staged_invoice st
  LEFT JOIN invoice_lines ex ON ex.source = st.source AND ex.record_key = st.record_key
  WHERE st.row_kind = 'usage' AND st.action IS NULL
) AS i
WHERE s.rowid = i.rid
