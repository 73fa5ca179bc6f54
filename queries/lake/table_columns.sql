-- One table's columns with their types, in table order (the lake views cast to the ledger's types).
-- params: $table
SELECT column_name, data_type AS column_type
FROM information_schema.columns
WHERE table_name = $table
ORDER BY ordinal_position
