-- While the lake's rows are read into the session: keeping the files' order holds a partial row group
-- per file until the insert ends (thousands of small files: out of memory at 1GB); a table has no order.
SET preserve_insertion_order = false
