-- One ledger setting by key.
SELECT value FROM settings WHERE key = $key
