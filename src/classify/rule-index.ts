import { compileCondition, sqlBinder, type FieldSql } from '../conditions/compile.js';
import type { Field, Leaf } from '../conditions/types.js';
import { listValue } from '../db/duckdb.js';
import type { Params } from '../db/ledger.js';
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
 * matches, over `values`: each rule's condition through the one condition compiler
 * (src/conditions/compile.ts). Every tool list, pattern and label is a bound parameter (in `params`);
 * only the rule structure becomes SQL. `$task_types` and `$tiers` turn an index into a label.
 */
export function compileRuleIndex(rules: TaskRule[], values: RuleValues, params: Params): string {
  params.task_types = listValue(rules.map((r) => r.taskType));
  params.tiers = listValue(rules.map((r) => r.tier));
  const fieldSql = ruleFieldSql(values);
  const regexOnly: (RegexCondition | undefined)[] = [];
  const conditions = rules.map((rule, i) => {
    const c = rule.condition;
    const prompts = values.promptMatch;
    if (c.op === '$regex' && c.field !== 'tools' && !(c.field === 'prompt' && prompts)) regexOnly[i] = { value: fieldSql(c.field), pattern: c.pattern };
    // prompts matched ahead: rule i's prompt pattern is one looked-up column (a missing prompt matches nothing there)
    const leaf = prompts ? (l: Leaf) => (l.field !== 'prompt' ? undefined : l.op === '$regex' ? prompts(i) : 'false') : undefined;
    return compileCondition(c, fieldSql, sqlBinder(params as Record<string, unknown>, `r${i}_`), leaf);
  });
  return `CASE ${gatedBranches(conditions, regexOnly, params).join('\n            ')} END`;
}

/** Where each field a task-type rule reads is, in `values`. */
function ruleFieldSql(values: RuleValues): FieldSql {
  return (field: Field) => {
    if (field.startsWith('tags.')) return values.tag(field.slice('tags.'.length));
    if (field === 'tools' || field === 'prompt' || field === 'model' || field === 'project' || field === 'api_key' || field === 'source') return values[field];
    throw new Error(`task-type rules do not read ${field}`);
  };
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
