-- openai_usage_csv_key(…): the record key of an OpenAI dashboard usage bucket, an MD5 of its
-- dimensions (ledger.md: "a hash of the identifying fields"). 32 characters instead of about 110: a
-- third of the ledger's size for these exports, and written faster. Migration 007 turned the keys of
-- older ledgers (the same dimensions joined by '|') into this hash, so re-imports still match them.
CREATE OR REPLACE TEMP MACRO openai_usage_csv_key(start_s, end_s, project, user_key, key_id, model_name, is_batch, tier) AS
  md5(concat_ws('|', start_s, end_s, project, user_key, key_id, model_name, is_batch, tier))
