import { listValue } from '@duckdb/node-api';
import type { Params } from '../ledger/ledger.js';
import type { TaskRule } from './rules.js';

/**
 * Compiles first-match rules into one UPDATE over the ledger: a CASE picks the first matching rule's
 * index per row, and the task type and tier come from bound lists. Every tool list, pattern and
 * label is a bound parameter; only the rule structure becomes SQL text. `importId` limits the pass
 * to one import's rows (imports classify what they add).
 */
export function compileClassifier(rules: TaskRule[], importId?: string): { sql: string; params: Params } {
  const params: Params = {
    task_types: listValue(rules.map((r) => r.taskType)),
    tiers: listValue(rules.map((r) => r.tier)),
  };
  const bind = (value: string | string[], name: string) => {
    params[name] = Array.isArray(value) ? listValue(value) : value;
    return `$${name}`;
  };
  const conditions = rules.map((rule, i) => {
    const parts: string[] = [];
    const w = rule.when;
    const p = (key: string) => `r${i}_${key}`;
    if (w.tools_any) parts.push(`list_has_any(coalesce(tools, []), ${bind(w.tools_any, p('tools_any'))})`);
    if (w.tools_only) parts.push(`len(coalesce(tools, [])) > 0 AND list_has_all(${bind(w.tools_only, p('tools_only'))}, tools)`);
    if (w.tools_none) parts.push(`NOT list_has_any(coalesce(tools, []), ${bind(w.tools_none, p('tools_none'))})`);
    if (w.tool_prefix) parts.push(`len(list_filter(coalesce(tools, []), t -> starts_with(t, ${bind(w.tool_prefix, p('tool_prefix'))}))) > 0`);
    for (const column of ['prompt', 'model', 'project', 'api_key', 'source'] as const) {
      const pattern = w[column];
      if (pattern) parts.push(`regexp_matches(coalesce(${column === 'prompt' ? 'prompt_text' : column}, ''), ${bind(pattern, p(column))}, 'i')`);
    }
    Object.entries(w.tag ?? {}).forEach(([key, pattern], j) => {
      parts.push(`regexp_matches(coalesce(json_extract_string(tags, '$.' || ${bind(key, p(`tag${j}_key`))}), ''), ${bind(pattern, p(`tag${j}`))}, 'i')`);
    });
    return parts.length ? parts.map((c) => `(${c})`).join(' AND ') : 'true';
  });
  const firstMatch = `CASE ${conditions.map((c, i) => `WHEN ${c} THEN ${i + 1}`).join('\n            ')} END`;
  if (importId) params.import_id = importId;
  const sql = `-- Label ledger rows with the first matching rule's task type and tier (built by src/classify/compile.ts).
UPDATE usage
SET task_type = coalesce(list_extract($task_types, m.rule_index), 'unclassified'),
    tier = list_extract($tiers, m.rule_index)
FROM (
  SELECT rowid AS row_id,
         ${firstMatch} AS rule_index
  FROM usage
  ${importId ? 'WHERE import_id = $import_id' : ''}
) AS m
WHERE usage.rowid = m.row_id`;
  return { sql, params };
}
