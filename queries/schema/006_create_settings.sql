-- Ledger-wide settings, e.g. the task-type rules last applied by `recount classify --rules`
-- (imports label new rows with them).
CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, updated_at TIMESTAMPTZ DEFAULT now())
