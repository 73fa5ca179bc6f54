-- Drops the copies that lose (lake_dropped) from the session's rows: what is left holds each response once.
DELETE FROM lake_usage_rows u
USING lake_dropped d
WHERE d.source = u.source AND d.record_key = u.record_key AND d.machine = u.lake_machine AND d.import_id = u.import_id
