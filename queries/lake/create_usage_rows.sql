-- lake_usage_rows: every usage row of every machine's files, read once per session into this session's
-- own DuckDB file. A lake holds a file per machine, month and source (1,500 for 100 machines over 3
-- months and 5 sources): each scan of read_parquet opens every one of them, and a command scans usage
-- dozens of times. lake_machine is the machine the copy came from (dedupe decides between copies by it).
-- $columns (the ledger's columns, cast to its types) and $files (read_parquet(…)) from src/lake/open.ts.
CREATE TABLE lake_usage_rows AS
SELECT $columns,
       f.machine AS lake_machine
FROM $files f
