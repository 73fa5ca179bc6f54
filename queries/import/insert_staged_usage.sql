-- Write the planned inserts and replacements into the ledger, with canonical model ids; raw API
-- keys are hashed and secrets inside free text masked on the way in.
INSERT INTO usage BY NAME
SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, model, api_key, user_id, tags, prompt_text),
       coalesce(m.model, s.model) AS model,
       CASE WHEN s.api_key ~ '^sk-' THEN 'sk-…' || left(sha256(s.api_key), 12) ELSE s.api_key END AS api_key,
       CASE WHEN s.user_id ~ '^sk-' THEN 'sk-…' || left(sha256(s.user_id), 12) ELSE s.user_id END AS user_id,
       CASE WHEN s.tags IS NOT NULL
            THEN regexp_replace(s.tags::VARCHAR, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g')::JSON END AS tags,
       CASE WHEN s.prompt_text IS NOT NULL
            THEN regexp_replace(s.prompt_text, '(sk-(?:ant-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_\-]{12,}', '\1…masked', 'g') END AS prompt_text
FROM staged_usage s
SEMI JOIN usage_plan p ON p.stage_row = s.rowid AND p.action IN ('insert', 'replace')
LEFT JOIN model_map m ON m.model_raw = s.model_raw
