import { Ledger } from '../src/db/ledger.js';

/**
 * A ledger of `rows` usage rows shaped like a real mixed one, written by one SQL statement (10M rows
 * in about a minute): 60% Claude Code (sessions of 40 responses, subagents, tools, a prompt hash per
 * 8 responses), 10% Codex, 15% a LiteLLM gateway over three providers (keys, users, tags, latency,
 * billed costs, 2% errors), 10% OpenRouter, 5% OpenAI daily usage buckets (which add only their remainder over
 * the per-request OpenAI rows in usage_counted), spread over 90 days.
 */
export async function generateScaleLedger(db: string, rows: number): Promise<void> {
  const ledger = await Ledger.open(db);
  try {
    await ledger.withMemoryLimit('2GB', () => ledger.run(SCALE_INSERT, { rows }));
  } finally {
    ledger.close();
  }
}

const SCALE_INSERT = `
INSERT INTO usage (record_key, source, source_file, source_line, import_id, started_at, bucket_width, provider, model, model_raw,
  requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens,
  web_search_requests, service_tier, billed_cost_usd, session_id, project, api_key, user_id, workspace, agent_id, is_sidechain,
  tags, tools, task_type, status, latency_ms, tier, time_source, prompt_hash)
WITH base AS (
  SELECT n, CAST(hash(n) % 1000000007 AS BIGINT) AS h, n // 40 AS sess, n % 40 AS turn,
         CAST(hash(n // 40) % 1000000007 AS BIGINT) AS sh, CAST(hash(n) % 100 AS INTEGER) AS kind
  FROM range($rows) r(n)
),
shaped AS (
  SELECT *,
    CASE WHEN kind < 60 THEN 'claude-code' WHEN kind < 70 THEN 'codex' WHEN kind < 85 THEN 'litellm'
         WHEN kind < 95 THEN 'openrouter' ELSE 'openai-usage-csv' END AS src,
    TIMESTAMPTZ '2026-08-01 00:00:00+00' + to_microseconds(CAST(sh % (90 * 86400) AS BIGINT) * 1000000 + turn * 31000000 + h % 1000 * 1000) AS ts,
    ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'][1 + sh % 4] AS cc_model,
    ['gpt-5', 'gpt-4.1-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-flash', 'gemini-2.5-pro'][1 + h % 6] AS gw_model,
    'project-' || (sh % 40) AS proj,
    20000 + sh % 30000 + turn * (1500 + sh % 3000) AS context
  FROM base
)
SELECT
  CASE src WHEN 'claude-code' THEN 'msg:msg_01' || substr(md5(CAST(n AS VARCHAR)), 1, 22)
           WHEN 'openai-usage-csv' THEN md5(CAST(n AS VARCHAR))
           ELSE 'chatcmpl-' || substr(md5(CAST(n AS VARCHAR)), 1, 24) END,
  src,
  CASE src WHEN 'claude-code' THEN '/home/dev/.claude/projects/-home-dev-' || proj || '/' || md5(CAST(sess AS VARCHAR)) || '.jsonl'
           WHEN 'codex' THEN '/home/dev/.codex/sessions/2026/' || md5(CAST(sess AS VARCHAR)) || '.jsonl'
           WHEN 'litellm' THEN '/data/litellm/spend-logs-' || (sh % 90) || '.csv'
           WHEN 'openrouter' THEN '/data/openrouter/activity.jsonl' ELSE '/data/openai/usage-dashboard.csv' END,
  turn * 3 + 2 + h % 3,
  'imp_bench_' || (sh % 12),
  CASE WHEN src = 'openai-usage-csv' THEN date_trunc('day', ts) ELSE ts END,
  CASE WHEN src = 'openai-usage-csv' THEN '1d' END,
  CASE src WHEN 'claude-code' THEN 'anthropic' WHEN 'openrouter' THEN 'openrouter' WHEN 'litellm' THEN
         CASE WHEN gw_model LIKE 'gpt%' THEN 'openai' WHEN gw_model LIKE 'claude%' THEN 'anthropic' ELSE 'google' END
       ELSE 'openai' END,
  CASE src WHEN 'claude-code' THEN cc_model WHEN 'codex' THEN 'gpt-5' WHEN 'openai-usage-csv' THEN ['gpt-4.1-mini', 'gpt-5'][1 + h % 2] ELSE gw_model END,
  CASE src WHEN 'claude-code' THEN cc_model || '-20251001' WHEN 'codex' THEN 'gpt-5-codex' WHEN 'openai-usage-csv' THEN ['gpt-4.1-mini-2025-04-14', 'gpt-5-2025-08-07'][1 + h % 2]
           WHEN 'openrouter' THEN 'openai/' || gw_model ELSE gw_model END,
  CASE WHEN src = 'openai-usage-csv' THEN 200 + h % 3000 ELSE 1 END,
  CASE WHEN src IN ('claude-code', 'codex') THEN 5 + h % 400 ELSE 300 + h % 6000 END,
  CASE WHEN src IN ('claude-code', 'codex') AND turn > 0 AND h % 23 <> 0 THEN context ELSE 0 END,
  CASE WHEN src = 'claude-code' THEN CASE WHEN turn > 0 AND h % 23 <> 0 THEN 1500 + sh % 3000 ELSE context END ELSE 0 END,
  0,
  100 + h % 2500,
  CASE WHEN src = 'codex' THEN h % 800 END,
  CASE WHEN src = 'openrouter' THEN CAST(h % 50 = 0 AS INTEGER) END,
  CASE WHEN src IN ('litellm', 'openrouter') THEN NULL ELSE 'standard' END,
  CASE WHEN src IN ('litellm', 'openrouter') THEN (300 + h % 6000) * 3e-6 + (100 + h % 2500) * 1.5e-5 END,
  CASE WHEN src IN ('claude-code', 'codex') THEN md5(CAST(sess AS VARCHAR)) WHEN src = 'litellm' AND h % 3 = 0 THEN 'conv-' || (sh % 500000) END,
  CASE WHEN src IN ('claude-code', 'codex', 'openai-usage-csv') THEN proj END,
  CASE WHEN src IN ('litellm', 'openrouter', 'openai-usage-csv') THEN 'key-' || (sh % 60) END,
  CASE WHEN src = 'litellm' THEN 'u_' || (sh % 400) END,
  CASE WHEN src = 'litellm' THEN ['support', 'search', 'internal'][1 + sh % 3] END,
  CASE WHEN src = 'claude-code' AND sh % 5 = 0 THEN substr(md5(CAST(sess AS VARCHAR)), 1, 8) END,
  CASE WHEN src IN ('claude-code', 'codex') THEN sh % 5 = 0 END,
  CASE src WHEN 'claude-code' THEN '{"cwd":"/home/dev/' || proj || '","git_branch":"feat-' || (sh % 300) || '","version":"2.0.37","request_id":"req_011C' || substr(md5(CAST(n AS VARCHAR)), 9, 18) || '"}'
           WHEN 'codex' THEN '{"cwd":"/home/dev/' || proj || '","cli_version":"0.61.0","effort":"medium"}'
           WHEN 'litellm' THEN '{"team":"' || ['support', 'search', 'internal'][1 + sh % 3] || '","call_type":"acompletion","end_user":"cust_' || (h % 9000) || '"}' END,
  CASE WHEN src = 'claude-code' THEN [['Read', 'Edit', 'Bash'], ['Read', 'Grep'], [], ['Bash'], ['Read', 'Edit', 'Write', 'Bash', 'TodoWrite']][1 + h % 5] END,
  CASE WHEN src IN ('claude-code', 'codex', 'litellm') THEN ['file_navigation', 'search', 'feature', 'bug_fix', 'unit_tests', 'docs', 'classification'][1 + (h // 7) % 7] ELSE 'unclassified' END,
  CASE WHEN src = 'litellm' AND h % 50 = 0 THEN 'error' ELSE 'ok' END,
  CASE WHEN src IN ('litellm', 'openrouter') THEN 300 + h % 9000 END,
  CASE WHEN src IN ('claude-code', 'codex', 'litellm') THEN [1, 1, 2, 2, 2, 1, 1][1 + (h // 7) % 7] END,
  'record',
  CASE WHEN src IN ('claude-code', 'codex') THEN md5(CAST(sess AS VARCHAR) || ':' || CAST(turn // 8 AS VARCHAR)) END
FROM shaped
`;
