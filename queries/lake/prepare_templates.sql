-- The in-memory ledger's own empty tables become the lake views' templates (names and types).
DROP VIEW usage_with_prompts;
ALTER TABLE usage RENAME TO lake_empty_usage;
ALTER TABLE invoice_lines RENAME TO lake_empty_invoice_lines;
ALTER TABLE import_files RENAME TO lake_empty_import_files;
ALTER TABLE file_state RENAME TO lake_empty_file_state;
ALTER TABLE rejects RENAME TO lake_empty_rejects;
ALTER TABLE agent_events RENAME TO lake_empty_agent_events
