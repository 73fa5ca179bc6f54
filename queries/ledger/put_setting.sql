-- Set one ledger setting.
INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ($key, $value, now())
