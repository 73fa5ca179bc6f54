-- Where a row's started_at comes from: 'record' (the row's own time), 'wrapper' (a timestamp or created
-- field beside a logged response), 'sse_date' (the Date header of a saved server-sent-events capture)
-- or 'file_mtime' (the file's modification time). Rows imported before all carried their own time.
ALTER TABLE usage ADD COLUMN time_source VARCHAR DEFAULT 'record'
