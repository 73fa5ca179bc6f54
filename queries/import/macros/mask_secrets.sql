-- mask_secrets(text): raw API keys inside free text (tags, prompts, rejected lines) are cut down to
-- their prefix. Text without 'sk-' cannot hold one and skips the regular expression.
CREATE OR REPLACE TEMP MACRO mask_secrets(text) AS
  CASE WHEN contains(text, 'sk-') THEN regexp_replace(text, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g') ELSE text END
