-- Stage Claude Code transcripts: every row claude_code_staged yields (claude-code/macros/claude_code_staged.sql).
-- params: $files, $exact VARCHAR[][] (n batches each, staging.ts batchCount), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
SELECT * FROM claude_code_staged($files, $exact, $import_id)
