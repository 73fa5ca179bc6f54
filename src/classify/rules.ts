import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { RecountError } from '../errors.js';
import { packageRoot } from '../paths.js';

/** One first-match rule of the task-type classifier (see rules/task-types.yaml for the format). */
export interface TaskRule {
  name: string;
  taskType: string;
  tier: 1 | 2 | 3;
  when: RuleConditions;
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
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RecountError(`${file}: cannot read the rules file`, 'check the --rules path');
  }
  return parseRules(text, file);
}

/** Parses rules text; `file` names where it came from in errors. */
export function parseRules(text: string, file: string): TaskRule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new RecountError(`${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  const root = doc.contents;
  const version: unknown = isMap(root) ? root.get('version') : undefined;
  if (version !== undefined && version !== 1) throw new RecountError(`${file}: version ${String(version)} is not supported`, 'this recount reads version: 1');
  const list = isMap(root) ? (root.get('rules', true) as Node | undefined) : undefined;
  if (!isSeq(list) || !list.items.length) throw new RecountError(`${file}: no rules (expected a 'rules:' list)`, 'see rules/task-types.yaml for the format');
  return list.items.map((item) => {
    const line = lineCounter.linePos((item as Node).range?.[0] ?? 0).line;
    if (!isMap(item)) throw new RecountError(`${file}:${line}: a rule is a mapping`, 'e.g. - { name: search, task_type: search, tier: 1, when: { tools_any: [Grep] } }');
    return validateRule(file, line, item.toJSON() as Record<string, unknown>);
  });
}

function validateRule(file: string, line: number, r: Record<string, unknown>): TaskRule {
  const at = `${file}:${line}`;
  for (const key of Object.keys(r)) {
    if (!['name', 'task_type', 'tier', 'when'].includes(key)) throw new RecountError(`${at}: unknown rule field '${key}'`, 'a rule has name, task_type, tier and when');
  }
  if (typeof r.name !== 'string' || !r.name) throw new RecountError(`${at}: the rule needs a name`, 'name: file-navigation');
  if (typeof r.task_type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(r.task_type)) {
    throw new RecountError(`${at}: rule '${r.name}': task_type must be snake_case`, 'e.g. task_type: file_navigation');
  }
  if (r.tier !== 1 && r.tier !== 2 && r.tier !== 3) throw new RecountError(`${at}: rule '${r.name}': tier must be 1, 2 or 3`, '1 cheap, 2 mid-size, 3 frontier');
  const when = (r.when ?? {}) as Record<string, unknown>;
  if (typeof when !== 'object' || Array.isArray(when)) throw new RecountError(`${at}: rule '${r.name}': when must be a mapping`, 'when: { tools_any: [Grep] }');
  const conditions: RuleConditions = {};
  for (const [key, value] of Object.entries(when)) {
    if ((LIST_CONDITIONS as readonly string[]).includes(key)) {
      if (!Array.isArray(value) || !value.length || value.some((v) => typeof v !== 'string')) {
        throw new RecountError(`${at}: rule '${r.name}': ${key} must be a list of tool names`, `${key}: [Read, Grep]`);
      }
      conditions[key as (typeof LIST_CONDITIONS)[number]] = value as string[];
    } else if ((TEXT_CONDITIONS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || !value) throw new RecountError(`${at}: rule '${r.name}': ${key} must be text`, `${key}: 'pattern'`);
      if (REGEX_CONDITIONS.includes(key)) checkRegex(at, r.name, key, value);
      conditions[key as (typeof TEXT_CONDITIONS)[number]] = value;
    } else if (key === 'tag') {
      if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        throw new RecountError(`${at}: rule '${r.name}': tag must map tag names to patterns`, "tag: { task: 'triage' }");
      }
      for (const pattern of Object.values(value as Record<string, string>)) checkRegex(at, r.name, 'tag', pattern);
      conditions.tag = value as Record<string, string>;
    } else {
      throw new RecountError(`${at}: rule '${r.name}': unknown condition '${key}'`, `conditions: ${[...LIST_CONDITIONS, ...TEXT_CONDITIONS, 'tag'].join(', ')}`);
    }
  }
  return { name: r.name, taskType: r.task_type, tier: r.tier, when: conditions, line };
}

function checkRegex(at: string, rule: string, key: string, pattern: string): void {
  try {
    new RegExp(pattern, 'i');
  } catch (err) {
    throw new RecountError(`${at}: rule '${rule}': ${key} is not a valid pattern (${(err as Error).message})`, 'patterns are regular expressions');
  }
}
