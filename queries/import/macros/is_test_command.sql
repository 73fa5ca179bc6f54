-- is_test_command(command): the shell command runs a test runner (npm/yarn/pnpm test, vitest, jest,
-- pytest, go test, cargo test, mvn/gradle test, …). The one rules list behind the classifier's
-- 'Bash:test' tool signal (claude_code_lines.sql) and agent_events.is_test_run (issue 18). Commands may
-- be several lines (a transcript line's Bash calls joined by newlines).
CREATE OR REPLACE TEMP MACRO is_test_command(command) AS
  regexp_matches(command,
    '(^|[\s;&|(])((npm|yarn|pnpm)\b[^;&|]*\b(test|vitest|jest)|npx (vitest|jest|mocha)|vitest|jest|pytest|python3? -m (pytest|unittest)|go test|cargo (test|nextest)|mvn\b[^;&|]*\btest|gradlew?\b[^;&|]*\btest|make test|rspec|phpunit|dotnet test|ctest)\b')
