import { listValue } from '../ledger/duckdb.js';
import type { Params } from '../ledger/ledger.js';
import type { TaskRule } from './rules.js';

/** The SQL of each value the rules test, where a condition reads it. */
export interface RuleValues {
  tools: string;
  prompt: string; // the prompt's text
  model: string;
  project: string;
  api_key: string;
  source: string;
  tag: (key: string) => string; // a tag's value
  // when given, rule i's prompt condition, matched ahead (once per distinct prompt; prompt-matches.ts)
  promptMatch?: (i: number) => string;
}

export const REGEX_COLUMNS = ['prompt', 'model', 'project', 'api_key', 'source'] as const;

/** Pattern characters one gate takes at most (the nine bundled prompt rules take about 700). */
export const MAX_GATE_CHARS = 2000;

/** A rule whose only condition is one regex on one value. */
interface RegexCondition {
  value: string;
  pattern: string;
}

/** Binds a value as `$name` in `params`. */
export function bindParam(params: Params, value: string | string[], name: string): string {
  params[name] = Array.isArray(value) ? listValue(value) : value;
  return `$${name}`;
}

/**
 * Compiles first-match rules into a CASE that gives each row the (1-based) index of the first rule it
 * matches, over `values`. Every tool list, pattern and label is a bound parameter (in `params`); only
 * the rule structure becomes SQL text. `$task_types` and `$tiers` turn an index into a label.
 */
export function compileRuleIndex(rules: TaskRule[], values: RuleValues, params: Params): string {
  params.task_types = listValue(rules.map((r) => r.taskType));
  params.tiers = listValue(rules.map((r) => r.tier));
  const regexOnly: (RegexCondition | undefined)[] = [];
  const conditions = rules.map((rule, i) => {
    const w = rule.when;
    const p = (key: string) => `r${i}_${key}`;
    const parts = toolConditions(rule, values.tools, (value, key) => bindParam(params, value, p(key)));
    for (const column of REGEX_COLUMNS) {
      const pattern = w[column];
      if (!pattern) continue;
      if (column === 'prompt' && values.promptMatch) parts.push(values.promptMatch(i));
      else parts.push(`regexp_matches(coalesce(${values[column]}, ''), ${bindParam(params, pattern, p(column))}, 'i')`);
    }
    const keys = Object.keys(w).filter((k) => (w as Record<string, unknown>)[k] !== undefined);
    const only = keys.length === 1 ? (keys[0] as (typeof REGEX_COLUMNS)[number]) : undefined;
    if (only && REGEX_COLUMNS.includes(only) && !(only === 'prompt' && values.promptMatch)) regexOnly[i] = { value: values[only], pattern: w[only]! };
    Object.entries(w.tag ?? {}).forEach(([key, pattern], j) => {
      parts.push(`regexp_matches(coalesce(${values.tag(key)}, ''), ${bindParam(params, pattern, p(`tag${j}`))}, 'i')`);
    });
    return parts.length ? parts.map((c) => `(${c})`).join(' AND ') : 'true';
  });
  return `CASE ${gatedBranches(conditions, regexOnly, params).join('\n            ')} END`;
}

/** The tool conditions of a rule over `tools` (a VARCHAR[]), with `bind` for its lists and prefix. */
function toolConditions(rule: TaskRule, tools: string, bind: (value: string | string[], key: string) => string): string[] {
  const w = rule.when;
  const parts: string[] = [];
  if (w.tools_any) parts.push(`list_has_any(coalesce(${tools}, []), ${bind(w.tools_any, 'tools_any')})`);
  if (w.tools_only) parts.push(`len(coalesce(${tools}, [])) > 0 AND list_has_all(${bind(w.tools_only, 'tools_only')}, ${tools})`);
  if (w.tools_none) parts.push(`NOT list_has_any(coalesce(${tools}, []), ${bind(w.tools_none, 'tools_none')})`);
  if (w.tool_prefix) parts.push(`len(list_filter(coalesce(${tools}, []), t -> starts_with(t, ${bind(w.tool_prefix, 'tool_prefix')}))) > 0`);
  return parts;
}

/**
 * The CASE's branches. A run of rules that each test one regex on the same value (the bundled prompt
 * and key-name rules) is gated by one regex of their alternatives: most rows match none of them, and
 * one pass of one regex costs a fraction of one pass per rule. The gate matches exactly when one of
 * the rules does, so the first match inside the run is the first match overall.
 */
function gatedBranches(conditions: string[], regexOnly: (RegexCondition | undefined)[], params: Params): string[] {
  const branches: string[] = [];
  for (let i = 0; i < conditions.length; ) {
    let end = i + 1;
    let chars = regexOnly[i]?.pattern.length ?? 0;
    // a long run gets several gates: one huge alternation could outgrow RE2's memory for a program
    while (regexOnly[i] && regexOnly[end] && regexOnly[end]!.value === regexOnly[i]!.value && chars + regexOnly[end]!.pattern.length <= MAX_GATE_CHARS) {
      chars += regexOnly[end]!.pattern.length;
      end++;
    }
    if (end - i >= 2) {
      const gate = bindParam(params, alternatives(regexOnly.slice(i, end).map((r) => r!.pattern)), `r${i}_gate`);
      const inner = conditions.slice(i, end).map((c, k) => `WHEN ${c} THEN ${i + k + 1}`).join(' ');
      branches.push(`WHEN regexp_matches(coalesce(${regexOnly[i]!.value}, ''), ${gate}, 'i') THEN (CASE ${inner} END)`);
    } else {
      branches.push(`WHEN ${conditions[i]} THEN ${i + 1}`);
    }
    i = end;
  }
  return branches;
}

/** One regex that matches where any of `patterns` does. */
export function alternatives(patterns: string[]): string {
  return patterns.map((p) => `(?:${p})`).join('|');
}
