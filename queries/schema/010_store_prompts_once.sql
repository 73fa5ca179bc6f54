-- Prompts stored once. A Claude Code or Codex turn's human prompt used to sit on every response of the
-- turn (usage.prompt_text, ~8× the distinct text). Now `prompts` holds each distinct prompt once, keyed
-- by the md5 of its (masked) text, and usage rows carry that md5 in prompt_hash: enough for the
-- classifier (it joins the text), and for runaway_sessions and the report to tell prompts apart
-- without reading one. Like prompt_text before, prompts is local only: never exported or reported.
-- usage.prompt_text stays, NULL in every stored row: renaming or dropping a column breaks ledgers and
-- queries that name it, and within an import it carries a new prompt's text from the statement that
-- writes the row to queries/import/store_prompts.sql (one statement writes one table). The view
-- usage_with_prompts is usage with prompt_text filled in from prompts.
-- One migration step, several statements: they only make sense together. All of them are DDL or write
-- another table: DuckDB refuses to commit an ALTER of usage after an UPDATE of it in one transaction.
CREATE TABLE prompts (
  prompt_hash VARCHAR NOT NULL,  -- md5(prompt_text); one row per hash
  prompt_text VARCHAR NOT NULL   -- the turn's last human prompt (first 4,000 characters, secrets masked)
);
INSERT INTO prompts SELECT DISTINCT md5(prompt_text), prompt_text FROM usage WHERE prompt_text IS NOT NULL;
ALTER TABLE usage ADD COLUMN prompt_hash VARCHAR;
ALTER TABLE usage ALTER prompt_hash SET DATA TYPE VARCHAR USING md5(prompt_text);
ALTER TABLE usage ALTER prompt_text SET DATA TYPE VARCHAR USING NULL;
CREATE VIEW usage_with_prompts AS
SELECT u.* REPLACE (coalesce(p.prompt_text, u.prompt_text) AS prompt_text)
FROM usage u
LEFT JOIN prompts p ON p.prompt_hash = u.prompt_hash;
