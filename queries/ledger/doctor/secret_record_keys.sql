-- recount doctor: record keys that hold a secret, as an older ledger kept them (some formats key a row
-- by its file's path when the log names no id: codex, gemini-cli, qwen-code). A new import stores such
-- a key as hide_key(key) (queries/import/mask_staged_usage.sql); hide_key's own output holds no secret.
-- stored_twice: rows whose hidden key is stored already (a newer recount imported the file again).
-- Needs macros/mask_secrets.sql and macros/hide_key.sql.
-- grain: one row per table that holds such keys
WITH raw AS (
  SELECT 'usage' AS place, source, record_key FROM usage WHERE mask_secrets(record_key) <> record_key
  UNION ALL SELECT 'invoice_lines', source, record_key FROM invoice_lines WHERE mask_secrets(record_key) <> record_key
  UNION ALL SELECT 'agent_events', source, record_key FROM agent_events WHERE mask_secrets(record_key) <> record_key
),
stored AS (
  SELECT 'usage' AS place, source, record_key FROM usage
  UNION ALL SELECT 'invoice_lines', source, record_key FROM invoice_lines
  UNION ALL SELECT 'agent_events', source, record_key FROM agent_events
)
SELECT r.place, count(*) AS row_count, count(s.record_key) AS stored_twice
FROM raw r
LEFT JOIN stored s ON s.place = r.place AND s.source = r.source AND s.record_key = hide_key(r.record_key)
GROUP BY r.place
ORDER BY r.place
