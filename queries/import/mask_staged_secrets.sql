-- Raw API keys never land in the ledger: a whole-value secret becomes a stable hash, and secrets
-- inside free text (tags, prompts) are masked.
UPDATE staged_usage
SET api_key = CASE WHEN api_key ~ '^sk-' THEN 'sk-…' || left(sha256(api_key), 12) ELSE api_key END,
    user_id = CASE WHEN user_id ~ '^sk-' THEN 'sk-…' || left(sha256(user_id), 12) ELSE user_id END,
    tags = regexp_replace(tags::VARCHAR, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g')::JSON,
    prompt_text = regexp_replace(prompt_text, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g')
WHERE row_kind = 'usage'
