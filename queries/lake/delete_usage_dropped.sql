-- Drops the copies that lose (lake_dropped) from the session's rows: what is left holds each response once.
DELETE FROM lake_usage_rows
WHERE rowid IN (SELECT row_id FROM lake_dropped)
