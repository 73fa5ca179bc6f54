import path from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { patternProblem } from '../conditions/parse.js';
import { ALWAYS, type Condition, type Field } from '../conditions/types.js';
import { configError, parseConfig, readConfigText, type YamlDoc } from '../config/yaml.js';
import { packageRoot } from '../paths.js';

/** One first-match rule of the task-type classifier (see rules/task-types.yaml for the format). */
export interface TaskRule {
  name: string;
  taskType: string;
  tier: 1 | 2 | 3;
  when: RuleConditions; // as written
  condition: Condition; // the same in the one condition language (src/conditions/), which compiles it
  line: number;
}

export interface RuleConditions {
  tools_any?: string[];
  tools_only?: string[];
  tools_none?: string[];
  tool_prefix?: string;
  prompt?: string;
  tag?: Record<string, string>;
  model?: string;
  project?: string;
  api_key?: string;
  source?: string;
}

const LIST_CONDITIONS = ['tools_any', 'tools_only', 'tools_none'] as const;
const TEXT_CONDITIONS = ['tool_prefix', 'prompt', 'model', 'project', 'api_key', 'source'] as const;
const REGEX_CONDITIONS = ['prompt', 'model', 'project', 'api_key', 'source'];

export const DEFAULT_RULES_FILE = path.join(packageRoot, 'rules', 'task-types.yaml');

/** Reads and validates a rules file; every mistake names the file, the line and what to write. */
export function readRules(file = DEFAULT_RULES_FILE): TaskRule[] {
  return parseRules(readConfigText(file, { what: 'rules file', flag: '--rules' }), file);
}

/** Parses rules text; `file` names where it came from in errors. */
export function parseRules(text: string, file: string): TaskRule[] {
  const doc: YamlDoc = parseConfig(text, file, 'fix the YAML syntax');
  const root = doc.root;
  const version: unknown = isMap(root) ? root.get('version') : undefined;
  if (version !== undefined && version !== 1) doc.fail(root, `version ${String(version)} is not supported`, 'this recount reads version: 1');
  const list = isMap(root) ? (root.get('rules', true) as Node | undefined) : undefined;
  if (!isSeq(list) || !list.items.length) doc.fail(list ?? root, "no rules (expected a 'rules:' list)", 'see rules/task-types.yaml for the format');
  return list.items.map((item) => {
    if (!isMap(item)) doc.fail(item, 'a rule is a mapping', 'e.g. - { name: search, task_type: search, tier: 1, when: { tools_any: [Grep] } }');
    return validateRule(file, doc.line(item), item.toJSON() as Record<string, unknown>);
  });
}

type Fail = (message: string, hint: string) => Error;

function validateRule(file: string, line: number, r: Record<string, unknown>): TaskRule {
  const fail: Fail = (message, hint) => configError(file, line, message, hint);
  for (const key of Object.keys(r)) {
    if (!['name', 'task_type', 'tier', 'when'].includes(key)) throw fail(`unknown rule field '${key}'`, 'a rule has name, task_type, tier and when');
  }
  if (typeof r.name !== 'string' || !r.name) throw fail(`the rule needs a name`, 'name: file-navigation');
  if (typeof r.task_type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(r.task_type)) {
    throw fail(`rule '${r.name}': task_type must be snake_case`, 'e.g. task_type: file_navigation');
  }
  if (r.tier !== 1 && r.tier !== 2 && r.tier !== 3) throw fail(`rule '${r.name}': tier must be 1, 2 or 3`, '1 cheap, 2 mid-size, 3 frontier');
  const when = (r.when ?? {}) as Record<string, unknown>;
  if (typeof when !== 'object' || Array.isArray(when)) throw fail(`rule '${r.name}': when must be a mapping`, 'when: { tools_any: [Grep] }');
  const conditions: RuleConditions = {};
  for (const [key, value] of Object.entries(when)) {
    if ((LIST_CONDITIONS as readonly string[]).includes(key)) {
      if (!Array.isArray(value) || !value.length || value.some((v) => typeof v !== 'string')) {
        throw fail(`rule '${r.name}': ${key} must be a list of tool names`, `${key}: [Read, Grep]`);
      }
      conditions[key as (typeof LIST_CONDITIONS)[number]] = value as string[];
    } else if ((TEXT_CONDITIONS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || !value) throw fail(`rule '${r.name}': ${key} must be text`, `${key}: 'pattern'`);
      if (REGEX_CONDITIONS.includes(key)) checkRegex(fail, r.name, key, value);
      conditions[key as (typeof TEXT_CONDITIONS)[number]] = value;
    } else if (key === 'tag') {
      if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        throw fail(`rule '${r.name}': tag must map tag names to patterns`, "tag: { task: 'triage' }");
      }
      for (const pattern of Object.values(value as Record<string, string>)) checkRegex(fail, r.name, 'tag', pattern);
      conditions.tag = value as Record<string, string>;
    } else {
      throw fail(`rule '${r.name}': unknown condition '${key}'`, `conditions: ${[...LIST_CONDITIONS, ...TEXT_CONDITIONS, 'tag'].join(', ')}`);
    }
  }
  return { name: r.name, taskType: r.task_type, tier: r.tier, when: conditions, condition: toCondition(conditions), line };
}

function checkRegex(fail: Fail, rule: string, key: string, pattern: string): void {
  const problem = patternProblem(pattern);
  if (problem) throw fail(`rule '${rule}': ${key} ${problem}`, 'patterns are regular expressions (RE2: no lookarounds or back-references)');
}

/**
 * The shorthand in the one condition language: tools_any/only/none are $in/$only/$nin on tools,
 * tool_prefix a case-sensitive $prefix, the text patterns case-insensitive $regex searches. A
 * missing value reads as '' (so a pattern that matches '' also matches a row without the value).
 */
export function toCondition(w: RuleConditions): Condition {
  const args: Condition[] = [];
  if (w.tools_any) args.push({ op: '$in', field: 'tools', values: w.tools_any });
  if (w.tools_only) args.push({ op: '$only', field: 'tools', values: w.tools_only });
  if (w.tools_none) args.push({ op: '$nin', field: 'tools', values: w.tools_none });
  if (w.tool_prefix) args.push({ op: '$prefix', field: 'tools', value: w.tool_prefix });
  for (const key of REGEX_CONDITIONS) {
    const pattern = w[key as (typeof TEXT_CONDITIONS)[number]];
    if (pattern) args.push(search(key as Field, pattern));
  }
  for (const [key, pattern] of Object.entries(w.tag ?? {})) args.push(search(`tags.${key}`, pattern));
  return args.length === 0 ? ALWAYS : args.length === 1 ? args[0] : { op: '$and', args };
}

function search(field: Field, pattern: string): Condition {
  const leaf: Condition = { op: '$regex', field, pattern };
  return new RegExp(pattern, 'i').test('') ? { op: '$or', args: [{ op: '$exists', field, exists: false }, leaf] } : leaf;
}
