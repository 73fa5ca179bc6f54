-- The ledger's usage columns with their types, in table order (the lake's column list is built from them).
-- params:
SELECT column_name, data_type AS column_type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_name = 'usage'
ORDER BY ordinal_position
