-- Whether the ledger holds any usage row of this source (a one-pass import runs only while it holds none).
-- params: $source VARCHAR
SELECT EXISTS (SELECT 1 FROM usage WHERE source = $source) AS has_rows
