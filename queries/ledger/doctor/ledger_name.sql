-- recount doctor --fix: the name the open ledger is attached under, for copy_to_compact_copy.sql.
SELECT current_database() AS name
