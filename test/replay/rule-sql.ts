import { columnSql, compileCondition, sqlBinder } from '../../src/conditions/compile.js';
import type { Value } from '../../src/conditions/types.js';
import type { Rule } from '../../src/replay/policy.js';

/**
 * A policy's first-match rules as one query over a `replay_rows` relation with the rule fields as
 * columns (row_id, source, provider, model, task_type, api_key, project, tier, prompt_tokens,
 * output_tokens, tools, tags): the matching rule's index per row. The SQL the rule matcher
 * (src/replay/rule-match.ts) replaced, kept as its reference: compileCondition is the conditions'
 * SQL twin.
 */
export function ruleIndexSql(rules: readonly Rule[]): { sql: string; params: Record<string, Value> } {
  const params: Record<string, Value> = {};
  const bind = sqlBinder(params);
  const fields = columnSql(bind);
  const cases = rules.map((r, i) => (r.isDefault ? '' : `WHEN ${compileCondition(r.when, fields, bind)} THEN ${i} `)).join('');
  const fallback = rules.findIndex((r) => r.isDefault);
  const pick = cases ? `CASE ${cases}ELSE ${fallback} END` : String(fallback);
  return { sql: `SELECT row_id, CAST(${pick} AS SMALLINT) AS rule_ix FROM replay_rows`, params };
}
