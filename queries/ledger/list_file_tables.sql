-- The tables and views stored in the ledger file itself (temp objects are not), to tell a recount
-- ledger (it has schema_migrations), an empty DuckDB file and another tool's database apart.
SELECT table_name
FROM information_schema.tables
WHERE table_catalog = current_database()
ORDER BY table_name
