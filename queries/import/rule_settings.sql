-- The ledger's task-type rules as stored by `recount classify --rules` and their parsed form (rules-cache.ts).
SELECT key, value FROM settings WHERE key IN ($rules_key, $parsed_key)
