import { createHash } from 'node:crypto';
import { readConfig } from '../config/yaml.js';
import { loadPriceBook, type PriceBook } from '../pricing/install.js';
import { columnSql, compileCondition, sqlBinder } from '../conditions/compile.js';
import type { Condition, Value } from '../conditions/types.js';
import { isLiteLLMConfig, parseLiteLLMPolicy } from './litellm-read.js';
import { parsePolicyNode } from './policy-schema.js';
import { isPlanDoc, readPlanPolicy, type Plan } from './plan-model.js';

/**
 * Replay policies: what a user is considering (routing rules, budgets, transforms) and what the logs
 * cannot show (assumptions as low/central/high triples). Read with readPolicy(); the file format is
 * in ../shared/design/replay.md and the examples in samples/policies/. Parsing and validation live in
 * policy-schema.ts, conditions in src/conditions/ (shared with task-type rules and LiteLLM routes);
 * this module holds the normalized types, the rule-index query and the assumption lookups the engine uses.
 */

/** An assumption with a range; a single number in the file collapses to a point. */
export interface Triple {
  low: number;
  central: number;
  high: number;
}

export { NUMBER_FIELDS, STRING_FIELDS, type Condition, type ConditionRow, type Field, type NumberField, type StringField, type Value } from '../conditions/types.js';
export { matchesCondition } from '../conditions/evaluate.js';
export { ALWAYS } from '../conditions/types.js';

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
  /** `fail_rate: observed` / `repeat_fail_rate: observed` (observed.ts): taken from agent turns, the maps above as fallback; absent when neither */
  observed?: Partial<Record<'fail_rate' | 'repeat_fail_rate', { minTurns: number }>>;
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
  /** what the file holds that the replay does not read (a LiteLLM config's other settings), `file:lines: …` */
  warnings?: string[];
  /** a subscription plan (plan-model.ts): the file replays the history as it was, against the plan's limits */
  plan?: Plan;
  /** the plan file has routing rules of its own: they run first and the plan meters the routed requests (plan-routing.ts) */
  planRules?: true;
}

export type PolicyBody = Omit<Policy, 'fingerprint'>;

/** Reads, validates and normalizes a policy file (YAML or JSON); every mistake names file, line and a fix. */
export function readPolicy(file: string, book: PriceBook = loadPriceBook()): Policy {
  const doc = readConfig(file, { what: 'policy file', flag: '--policy' });
  if (isPlanDoc(doc)) return readPlanPolicy(doc, book);
  return withFingerprint(isLiteLLMConfig(doc) ? parseLiteLLMPolicy(doc, book) : parsePolicyNode(doc, doc.root, book));
}

function withFingerprint(body: PolicyBody): Policy {
  const { rules, budgets, transforms, assumptions } = body;
  const fingerprint = createHash('sha256').update(JSON.stringify({ version: 1, rules, budgets, transforms, assumptions })).digest('hex').slice(0, 16);
  return { ...body, fingerprint };
}

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

/**
 * The same condition as a DuckDB boolean expression over the ledger's columns (prompt_tokens must be a
 * column or alias in scope), every value bound as $p0, $p1, … Each leaf is coalesced so NULL behaves
 * exactly as in matchesCondition.
 */
export function conditionToSql(cond: Condition): { sql: string; params: Record<string, Value> } {
  const params: Record<string, Value> = {};
  const bind = sqlBinder(params);
  return { sql: compileCondition(cond, columnSql(bind), bind), params };
}
