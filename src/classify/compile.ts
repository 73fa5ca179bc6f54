import { listValue } from '../ledger/duckdb.js';
import type { Params } from '../ledger/ledger.js';
import type { TaskRule } from './rules.js';

/** SQL for the row values the rules read, where they are not plain columns of the same names. */
export interface RuleInputs {
  model?: string;
  tools?: string;
  prompt_text?: string;
  tags?: string;
}

/**
 * Compiles first-match rules into a CASE that gives each row the (1-based) index of the first rule it
 * matches. Every tool list, pattern and label is a bound parameter; only the rule structure becomes
 * SQL text. `$task_types` and `$tiers` (also in `params`) turn an index into a label.
 */
function compileRuleIndex(rules: TaskRule[], inputs: RuleInputs = {}): { ruleIndexSql: string; params: Params } {
  const tools = inputs.tools ?? 'tools';
  const tags = inputs.tags ?? 'tags';
  const params: Params = {
    task_types: listValue(rules.map((r) => r.taskType)),
    tiers: listValue(rules.map((r) => r.tier)),
  };
  const bind = (value: string | string[], name: string) => {
    params[name] = Array.isArray(value) ? listValue(value) : value;
    return `$${name}`;
  };
  const regexOnly: (RegexCondition | undefined)[] = [];
  const conditions = rules.map((rule, i) => {
    const parts: string[] = [];
    const w = rule.when;
    const p = (key: string) => `r${i}_${key}`;
    if (w.tools_any) parts.push(`list_has_any(coalesce(${tools}, []), ${bind(w.tools_any, p('tools_any'))})`);
    if (w.tools_only) parts.push(`len(coalesce(${tools}, [])) > 0 AND list_has_all(${bind(w.tools_only, p('tools_only'))}, ${tools})`);
    if (w.tools_none) parts.push(`NOT list_has_any(coalesce(${tools}, []), ${bind(w.tools_none, p('tools_none'))})`);
    if (w.tool_prefix) parts.push(`len(list_filter(coalesce(${tools}, []), t -> starts_with(t, ${bind(w.tool_prefix, p('tool_prefix'))}))) > 0`);
    for (const column of ['prompt', 'model', 'project', 'api_key', 'source'] as const) {
      const pattern = w[column];
      const value = column === 'prompt' ? (inputs.prompt_text ?? 'prompt_text') : column === 'model' ? (inputs.model ?? 'model') : column;
      if (pattern) parts.push(`regexp_matches(coalesce(${value}, ''), ${bind(pattern, p(column))}, 'i')`);
    }
    const keys = Object.keys(w).filter((k) => (w as Record<string, unknown>)[k] !== undefined);
    const only = keys.length === 1 ? (keys[0] as (typeof REGEX_COLUMNS)[number]) : undefined;
    if (only && REGEX_COLUMNS.includes(only)) {
      const column = only;
      regexOnly[i] = { value: column === 'prompt' ? (inputs.prompt_text ?? 'prompt_text') : column === 'model' ? (inputs.model ?? 'model') : column, pattern: w[column]! };
    }
    Object.entries(w.tag ?? {}).forEach(([key, pattern], j) => {
      parts.push(`regexp_matches(coalesce(json_extract_string(${tags}, '$.' || ${bind(key, p(`tag${j}_key`))}), ''), ${bind(pattern, p(`tag${j}`))}, 'i')`);
    });
    return parts.length ? parts.map((c) => `(${c})`).join(' AND ') : 'true';
  });
  // A run of rules that each test one regex on the same value (the bundled prompt and key-name
  // rules) is gated by one regex of their alternatives: most rows match none of them, and one pass
  // of one regex costs a fraction of one pass per rule. The gate matches exactly when one of the
  // rules does, so the first match inside the run is the first match overall.
  const branches: string[] = [];
  for (let i = 0; i < rules.length; ) {
    let end = i + 1;
    let chars = regexOnly[i]?.pattern.length ?? 0;
    // a long run gets several gates: one huge alternation could outgrow RE2's memory for a program
    while (regexOnly[i] && regexOnly[end] && regexOnly[end]!.value === regexOnly[i]!.value && chars + regexOnly[end]!.pattern.length <= MAX_GATE_CHARS) {
      chars += regexOnly[end]!.pattern.length;
      end++;
    }
    if (end - i >= 2) {
      const gate = bind(regexOnly.slice(i, end).map((r) => `(?:${r!.pattern})`).join('|'), `r${i}_gate`);
      const inner = conditions.slice(i, end).map((c, k) => `WHEN ${c} THEN ${i + k + 1}`).join(' ');
      branches.push(`WHEN regexp_matches(coalesce(${regexOnly[i]!.value}, ''), ${gate}, 'i') THEN (CASE ${inner} END)`);
    } else {
      branches.push(`WHEN ${conditions[i]} THEN ${i + 1}`);
    }
    i = end;
  }
  return { ruleIndexSql: `CASE ${branches.join('\n            ')} END`, params };
}

const REGEX_COLUMNS = ['prompt', 'model', 'project', 'api_key', 'source'] as const;

/** Pattern characters one gate takes at most (the nine bundled prompt rules take about 700). */
const MAX_GATE_CHARS = 2000;

/** A rule whose only condition is one regex on one value. */
interface RegexCondition {
  value: string;
  pattern: string;
}

/** One UPDATE labelling every ledger row (`recount classify`). */
export function classifyLedgerStatement(rules: TaskRule[]): { sql: string; params: Params } {
  const { ruleIndexSql, params } = compileRuleIndex(rules);
  const sql = `-- Label every ledger row with its first matching rule's task type and tier (built by src/classify/compile.ts).
UPDATE usage
SET task_type = coalesce(list_extract($task_types, m.rule_index), 'unclassified'),
    tier = list_extract($tiers, m.rule_index)
FROM (SELECT rowid AS row_id, ${ruleIndexSql} AS rule_index FROM usage) AS m
WHERE usage.rowid = m.row_id`;
  return { sql, params };
}

/**
 * A statement from queries/ that labels rows as it writes them (a one-pass import): the first-match
 * rule index replaces its `/*rule_index*\/ NULL` marker, over the row's columns or `inputs` (a
 * constant input, such as the NULL tools of an aggregate export, is evaluated once per vector instead
 * of once per row). Only the rule structure becomes text; `params` binds every value, $task_types and
 * $tiers included.
 */
export function withRuleIndex(statement: string, rules: TaskRule[], inputs: RuleInputs): { sql: string; params: Params } {
  const marker = '/*rule_index*/ NULL';
  if (!statement.includes(marker)) throw new Error(`statement has no ${marker} marker`);
  const { ruleIndexSql, params } = compileRuleIndex(rules, inputs);
  return { sql: statement.replace(marker, `(${ruleIndexSql})`), params };
}

/**
 * Completes the rows of one import (and source) whose raw model name a one-pass import's model map
 * lacked: the canonical id from $model_map, then the task label the model may decide.
 */
export function labelUnmappedModelsStatement(rules: TaskRule[]): { sql: string; params: Params } {
  const { ruleIndexSql, params } = compileRuleIndex(rules, { model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)' });
  const sql = `-- Canonical model ids and labels for an import's rows whose model the one-pass map lacked (built by src/classify/compile.ts).
UPDATE usage
SET model = map_extract_value($model_map, m.model_raw),
    task_type = coalesce(list_extract($task_types, m.rule_index), 'unclassified'),
    tier = list_extract($tiers, m.rule_index)
FROM (SELECT rowid AS row_id, model_raw, ${ruleIndexSql} AS rule_index
      FROM usage
      WHERE import_id = $import_id AND source = $source AND model IS NULL AND model_raw IS NOT NULL) AS m
WHERE usage.rowid = m.row_id`;
  return { sql, params };
}
