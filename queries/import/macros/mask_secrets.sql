-- mask_secrets(text): secrets inside text are cut down to a short prefix and '…masked': API keys
-- (sk-…, sk-proj-…, sk-ant-…, sk-or-v1-…), bearer tokens, AWS access key ids and secret values
-- (anything after a name containing "secret"), Google API keys (AIza…) and GitHub tokens. Text that
-- holds none of their markers skips the replacements.
CREATE OR REPLACE TEMP MACRO mask_secrets(text) AS
  CASE WHEN regexp_matches(text, 'sk-|[Bb]earer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|(?i:secret)')
       THEN regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(text,
              '([Bb]earer\s+)[A-Za-z0-9._~+/=\-]{8,}', '\1…masked', 'g'),
              '(sk-(?:ant-|proj-|or-v1-|svcacct-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g'),
              '((?:AKIA|ASIA)[0-9A-Z]{4})[0-9A-Z]{12}', '\1…masked', 'g'),
              '(AIza)[0-9A-Za-z_\-]{30,}', '\1…masked', 'g'),
              '(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}', '\1…masked', 'g'),
              '((?i:secret)[A-Za-z_\-]*["'']?\s*[:=]\s*["'']?)[A-Za-z0-9/+=_\-]{16,}', '\1…masked', 'g')
       ELSE text END
