-- mask_secrets(text): raw API keys inside free text (tags, prompts, rejected lines) are cut down to
-- their prefix.
CREATE OR REPLACE TEMP MACRO mask_secrets(text) AS
  regexp_replace(text, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g')
