-- recount doctor: stored file paths that may hold a secret (an API key planted in a folder or file
-- name), as a ledger written before paths were stored masked keeps them (src/import/mask-path.ts).
-- The markers are mask-path.ts's, case-insensitive; src/doctor/secret-paths.ts keeps the paths whose
-- masked form differs (a marker alone, as in task-management-system/, is no secret).
-- grain: one row per (table, stored path) whose path holds a marker
SELECT place, path, count(*) AS row_count
FROM (
  SELECT 'usage' AS place, source_file AS path FROM usage
  UNION ALL SELECT 'invoice_lines', source_file FROM invoice_lines
  UNION ALL SELECT 'agent_events', source_file FROM agent_events
  UNION ALL SELECT 'rejects', source_file FROM rejects
  UNION ALL SELECT 'import_files', path FROM import_files
  UNION ALL SELECT 'file_state', path FROM file_state
)
GROUP BY place, path
HAVING regexp_matches(path, '(?i)sk-|bearer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|secret')  -- once per distinct path
ORDER BY place, path
