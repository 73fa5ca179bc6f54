-- The report runs some fifteen queries over usage_priced; pricing every row once into a temp table
-- (instead of once per query through the view) makes a report over 1M rows about a third faster.
-- The ledger is open read-only, so the table is the view's exact contents for the whole session —
-- except prompt_text, left out: a row keeps only the md5 of its prompt (prompt_hash), which tells
-- runaway_sessions prompts apart, and no report query can read a prompt, even by mistake.
CREATE TEMP TABLE report_usage_priced AS SELECT * EXCLUDE (prompt_text) FROM usage_priced
