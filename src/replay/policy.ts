import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { RecountError } from '../errors.js';
import { loadPriceBook, type PriceBook } from '../pricing/install.js';
import { NUMBER_FIELDS, STRING_FIELDS, parsePolicy } from './policy-schema.js';

/**
 * Replay policies: what a user is considering (routing rules, budgets, transforms) and what the logs
 * cannot show (assumptions as low/central/high triples). Read with readPolicy(); the file format is
 * in ../shared/design/replay.md and the examples in samples/policies/. Parsing and validation live in
 * policy-schema.ts; this module holds the normalized types, the condition evaluator (JS and SQL) and
 * the assumption lookups the engine uses.
 */

/** An assumption with a range; a single number in the file collapses to a point. */
export interface Triple {
  low: number;
  central: number;
  high: number;
}

export { NUMBER_FIELDS, STRING_FIELDS };
export type StringField = (typeof STRING_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];
/** A row field a condition tests: a column, `tools` (a list) or `tags.<name>` (a gateway tag). */
export type Field = StringField | NumberField | 'tools' | `tags.${string}`;
export type Value = string | number;

/**
 * The condition AST. `$and` with no args is "always" (a default rule's `when: {}`).
 * On `tools` (a list): $eq/$ne = contains / does not contain the tool, $in/$nin = any of / none of,
 * $regex = some tool matches. A missing value (NULL) fails every test except $ne and $nin.
 * $regex is a case-insensitive, unanchored search.
 */
export type Condition =
  | { op: '$and' | '$or'; args: Condition[] }
  | { op: '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte'; field: Field; value: Value }
  | { op: '$in' | '$nin'; field: Field; values: Value[] }
  | { op: '$regex'; field: Field; pattern: string };

/** Where a rule sends the request. A rule with `route: null` keeps the original model. */
export interface Route {
  model: string; // canonical id, priced in the book
  scope: 'switch' | 'subagent'; // switch: the main loop changes model; subagent: work moves to a fresh context
}

export interface Rule {
  name: string;
  when: Condition;
  isDefault: boolean; // `when: {}` or no `when`; exactly one, and last
  route: Route | null; // null = keep the original model (no `route:` or `route: { keep: true }`)
  escalate: { to: string; afterFailures: number } | null;
  /** `allow_upgrade: true`: the route may go to a dearer model (by default it never does; see policy-schema.ts) */
  allowUpgrade?: true;
}

export interface Budget {
  per: 'api_key' | 'project';
  window: 'day' | 'hour'; // UTC
  capUsd: number;
  onExceed: { action: 'route'; model: string } | { action: 'block' };
  allowUpgrade?: true; // the policy's allow_upgrade: on_exceed may route to a dearer model
}

export type Transform = { kind: 'stable_prefix'; recover: Triple } | { kind: 'compact'; aboveTokens: number; summaryTokens: Triple };

/** Maps keyed by canonical model id or 'default'; fail rates then by task type or 'default'. */
export interface Assumptions {
  cacheTtlSeconds: number;
  outputRatio: Record<string, Triple>; // always has 'default'
  tokenizerRatio: Record<string, Triple>; // always has 'default'
  failRate: Record<string, Record<string, Triple>>;
  repeatFailRate: Record<string, Record<string, Triple>>;
  subagentContextTokens: Triple; // the prompt a subagent starts from (scope: subagent)
}

export interface Policy {
  version: 1;
  name: string; // `name:` or the file's base name
  description: string | null;
  file: string;
  rules: Rule[];
  budgets: Budget[];
  transforms: Transform[];
  assumptions: Assumptions;
  /** sha256 (16 hex) of the normalized rules, budgets, transforms and assumptions: not name, description or file. */
  fingerprint: string;
}

export type PolicyBody = Omit<Policy, 'fingerprint'>;

/** Reads, validates and normalizes a policy file (YAML or JSON); every mistake names file, line and a fix. */
export function readPolicy(file: string, book: PriceBook = loadPriceBook()): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new RecountError(`${file}: cannot read the policy file`, 'check the --policy path');
  }
  return withFingerprint(parsePolicy(text, file, book));
}

function withFingerprint(body: PolicyBody): Policy {
  const { rules, budgets, transforms, assumptions } = body;
  const fingerprint = createHash('sha256').update(JSON.stringify({ version: 1, rules, budgets, transforms, assumptions })).digest('hex').slice(0, 16);
  return { ...body, fingerprint };
}

export const ALWAYS: Condition = { op: '$and', args: [] };
const POINT_ZERO: Triple = { low: 0, central: 0, high: 0 };

/** Output-length (σ) or tokenizer (ρ) ratio for a target model: its own entry, else 'default'. */
export function ratioFor(map: Record<string, Triple>, model: string): Triple {
  return map[model] ?? map.default;
}

/** Failure rate f for (model, task type): model+type, model+default, default+type, default+default, else 0. */
export function failRateFor(a: Assumptions, model: string, taskType: string | null): Triple {
  return lookupRate(a.failRate, model, taskType) ?? POINT_ZERO;
}

/** Repeat-failure rate f₂, looked up the same way; falls back to the failure rate when not given. */
export function repeatFailRateFor(a: Assumptions, model: string, taskType: string | null): Triple {
  return lookupRate(a.repeatFailRate, model, taskType) ?? failRateFor(a, model, taskType);
}

function lookupRate(map: Record<string, Record<string, Triple>>, model: string, taskType: string | null): Triple | undefined {
  for (const m of [model, 'default']) {
    const byType = map[m];
    if (!byType) continue;
    const hit = (taskType != null ? byType[taskType] : undefined) ?? byType.default;
    if (hit) return hit;
  }
  return undefined;
}

/** A row as the ledger has it (prompt_tokens = uncached input + cache reads + cache writes). */
export interface ConditionRow {
  task_type?: string | null;
  tier?: number | bigint | null;
  model?: string | null;
  provider?: string | null;
  source?: string | null;
  api_key?: string | null;
  project?: string | null;
  tags?: Record<string, unknown> | string | null; // an object, or its JSON text
  tools?: readonly string[] | null;
  prompt_tokens?: number | bigint | null;
  output_tokens?: number | bigint | null;
}

const regexCache = new Map<string, RegExp>();
const regex = (p: string) => regexCache.get(p) ?? regexCache.set(p, new RegExp(p, 'i')).get(p)!;

/** Pure evaluator of a condition over one row; conditionToSql is its SQL twin. */
export function matchesCondition(cond: Condition, row: ConditionRow): boolean {
  if ('args' in cond) return cond.op === '$and' ? cond.args.every((c) => matchesCondition(c, row)) : cond.args.some((c) => matchesCondition(c, row));
  if (cond.field === 'tools') {
    const tools = row.tools ?? [];
    switch (cond.op) {
      case '$eq': return tools.includes(cond.value as string);
      case '$ne': return !tools.includes(cond.value as string);
      case '$in': return tools.some((t) => cond.values.includes(t));
      case '$nin': return !tools.some((t) => cond.values.includes(t));
      case '$regex': return tools.some((t) => regex(cond.pattern).test(t));
      default: return false; // the parser allows no numeric operators on tools
    }
  }
  const v = valueOf(row, cond.field);
  switch (cond.op) {
    case '$eq': return v != null && v === cond.value;
    case '$ne': return v == null || v !== cond.value;
    case '$in': return v != null && cond.values.includes(v);
    case '$nin': return v == null || !cond.values.includes(v);
    case '$gt': return v != null && v > cond.value;
    case '$gte': return v != null && v >= cond.value;
    case '$lt': return v != null && v < cond.value;
    case '$lte': return v != null && v <= cond.value;
    case '$regex': return v != null && regex(cond.pattern).test(String(v));
  }
}

function valueOf(row: ConditionRow, field: Field): Value | null {
  if (field.startsWith('tags.')) {
    const tags = typeof row.tags === 'string' ? (JSON.parse(row.tags) as Record<string, unknown>) : row.tags;
    const v = tags?.[field.slice('tags.'.length)];
    if (v == null) return null;
    return typeof v === 'object' ? JSON.stringify(v) : String(v); // as json_extract_string gives it
  }
  const v = row[field as StringField | NumberField];
  if (v == null) return null;
  return typeof v === 'bigint' ? Number(v) : v;
}

/**
 * The same condition as a DuckDB boolean expression over the ledger's columns (prompt_tokens must be a
 * column or alias in scope), every value bound as $p0, $p1, … Each leaf is coalesced so NULL behaves
 * exactly as in matchesCondition.
 */
export function conditionToSql(cond: Condition): { sql: string; params: Record<string, Value> } {
  const params: Record<string, Value> = {};
  return { sql: conditionSql(cond, binder(params)), params };
}

/**
 * The policy's first-match rules as one query over replay_rows: the matching rule's index per row,
 * in replay order (the default rule is last, so every row gets one).
 */
export function ruleIndexSql(rules: readonly Rule[]): { sql: string; params: Record<string, Value> } {
  const params: Record<string, Value> = {};
  const bind = binder(params);
  const cases = rules.map((r, i) => (r.isDefault ? '' : `WHEN ${conditionSql(r.when, bind)} THEN ${i} `)).join('');
  const fallback = rules.findIndex((r) => r.isDefault);
  const pick = cases ? `CASE ${cases}ELSE ${fallback} END` : String(fallback);
  return { sql: `SELECT CAST(${pick} AS SMALLINT) AS rule_ix FROM replay_rows ORDER BY order_us, order_hash`, params };
}

function binder(params: Record<string, Value>): (v: Value) => string {
  return (v: Value) => {
    const name = `p${Object.keys(params).length}`;
    params[name] = v;
    return `$${name}`;
  };
}

function conditionSql(cond: Condition, bind: (v: Value) => string): string {
  const walk = (c: Condition): string => {
    if ('args' in c) {
      if (!c.args.length) return c.op === '$and' ? 'true' : 'false';
      return `(${c.args.map(walk).join(c.op === '$and' ? ' AND ' : ' OR ')})`;
    }
    if (c.field === 'tools') {
      switch (c.op) {
        case '$eq': return `coalesce(list_contains(tools, ${bind(c.value)}), false)`;
        case '$ne': return `NOT coalesce(list_contains(tools, ${bind(c.value)}), false)`;
        case '$in': return `coalesce(list_has_any(tools, [${c.values.map(bind).join(', ')}]::VARCHAR[]), false)`;
        case '$nin': return `NOT coalesce(list_has_any(tools, [${c.values.map(bind).join(', ')}]::VARCHAR[]), false)`;
        case '$regex': return `coalesce(len(list_filter(tools, lambda t: regexp_matches(t, ${bind(c.pattern)}, 'i'))) > 0, false)`;
        default: throw new Error(`${c.op} on tools`);
      }
    }
    const col = c.field.startsWith('tags.') ? `json_extract_string(tags, '$.' || ${bind(c.field.slice('tags.'.length))})` : c.field;
    switch (c.op) {
      case '$eq': return `coalesce(${col} = ${bind(c.value)}, false)`;
      case '$ne': return `coalesce(${col} <> ${bind(c.value)}, true)`;
      case '$in': return `coalesce(${col} IN (${c.values.map(bind).join(', ')}), false)`;
      case '$nin': return `coalesce(${col} NOT IN (${c.values.map(bind).join(', ')}), true)`;
      case '$gt': return `coalesce(${col} > ${bind(c.value)}, false)`;
      case '$gte': return `coalesce(${col} >= ${bind(c.value)}, false)`;
      case '$lt': return `coalesce(${col} < ${bind(c.value)}, false)`;
      case '$lte': return `coalesce(${col} <= ${bind(c.value)}, false)`;
      case '$regex': return `coalesce(regexp_matches(${col}, ${bind(c.pattern)}, 'i'), false)`;
    }
  };
  return walk(cond);
}
