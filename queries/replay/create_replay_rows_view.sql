-- replay_rows: replay_core with the fields a policy's rules test (ruleIndexSql, src/replay/policy.ts)
-- and the row's source, their strings looked up by id in replay_dictionaries. Each lookup is a list
-- built once per statement and indexed per row (no join), so a rule query reads the narrow rows.
-- row_id is replay_core's row id: the frame knows each id's place in replay order (read_replay_rows).
CREATE OR REPLACE TEMP VIEW replay_rows AS
WITH names AS (
  SELECT list(value ORDER BY ix) FILTER (WHERE dictionary = 'source')       AS sources,
         list(value ORDER BY ix) FILTER (WHERE dictionary = 'row_provider') AS providers,
         list(value ORDER BY ix) FILTER (WHERE dictionary = 'model')        AS models,
         list(value ORDER BY ix) FILTER (WHERE dictionary = 'task_type')    AS task_types,
         list(value ORDER BY ix) FILTER (WHERE dictionary = 'api_key')      AS api_keys,
         list(value ORDER BY ix) FILTER (WHERE dictionary = 'project')      AS projects
  FROM replay_dictionaries
)
SELECT c.order_us, c.order_hash, CAST(c.rowid AS INTEGER) AS row_id,
       n.sources[c.source_ix + 1]        AS source,
       n.providers[c.row_provider_ix + 1] AS provider,
       n.models[c.model_ix + 1]          AS model,
       n.task_types[c.task_type_ix + 1]  AS task_type,
       n.api_keys[c.key_ix + 1]          AS api_key,
       n.projects[c.project_ix + 1]      AS project,
       c.tier,
       c.input_tokens + c.cache_read_tokens + c.cache_write_5m_tokens + c.cache_write_1h_tokens AS prompt_tokens,  -- as usage_priced
       c.output_tokens, c.tools, c.tags
FROM replay_core c
CROSS JOIN names n
