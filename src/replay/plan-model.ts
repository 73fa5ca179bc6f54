import { createHash } from 'node:crypto';
import { isMap, isSeq, YAMLMap, type Node } from 'yaml';
import { scalar, type Entry, type YamlDoc } from '../config/yaml.js';
import type { PriceBook } from '../pricing/install.js';
import type { Policy, Triple } from './policy.js';
import { parsePolicy, parsePolicyNode } from './policy-schema.js';

/**
 * Subscription plans as policies: a policy file with a `plan:` mapping says what a flat-fee plan
 * (Claude Pro/Max, ChatGPT Plus/Pro) or a pay-as-you-go key costs and how much work it allows per
 * rolling 5-hour window and per rolling week. Limits are not published as exact numbers, so every fee
 * and allowance is a [low, central, high] triple the user can edit. The replay over the windows is in
 * plan-replay.ts; examples in samples/plans/. A plan file may carry routing rules too (`rules:` and
 * the usual assumptions): they run first and the plan meters the routed requests (plan-routing.ts).
 */

export type PlanUnit = 'usd' | 'tokens';

/** An allowance per window: by model family (a text the model id contains; 'default' for the rest). */
export type Allowance = Record<string, Triple>;

export interface Plan {
  feeUsdPerMonth: Triple; // per seat
  providers: string[] | null; // the providers whose models the plan covers; null = all
  unit: PlanUnit; // usd: API-equivalent dollars at list prices; tokens: input + cache writes + output
  per5h: Allowance | null; // null: no 5-hour limit
  perWeek: Allowance | null; // null: no weekly limit
  onLimit: 'wait' | 'overflow'; // wait: the work moves to the next window; overflow: billed at list prices
}

const TOP_KEYS = ['version', 'name', 'description', 'plan'];
// a plan file may carry routing rules too: the plan then meters the routed requests (plan-routing.ts)
const ROUTING_KEYS = ['rules', 'allow_upgrade', 'transforms', 'assumptions'];
const RULES_HINT = 'rules:\n  - { name: tier-1-to-haiku, when: { tier: 1 }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }';
const PLAN_KEYS = ['fee_usd_per_month', 'providers', 'allowance', 'on_limit'];
const ALLOWANCE_KEYS = ['unit', 'per_5h', 'per_week'];
const EXAMPLE = 'see samples/plans/claude-max-5x.yaml';

/** A policy file that names a plan (its top level has `plan:`). */
export function isPlanDoc(doc: YamlDoc): boolean {
  return isMap(doc.root) && doc.root.items.some((p) => scalar(p.key as Node) === 'plan');
}

/**
 * A plan file as a policy: the plan, and its routing. Without `rules:` that is the identity routing
 * (one default rule, default assumptions): the history as it was. With rules (and the usual
 * assumptions and transforms) the rules run first and the plan meters the routed requests. Every
 * mistake names file:line and a fix.
 */
export function readPlanPolicy(doc: YamlDoc, book: PriceBook): Policy {
  const top = doc.entries(doc.root, 'a plan file', `version: 1\nplan: { … } (${EXAMPLE})`);
  const get = (k: string) => top.find((e) => e.key === k);
  for (const e of top) {
    // a budget caps API spend per day or hour, which a flat fee does not spend: two files say it plainly
    if (e.key === 'budgets') doc.fail(e.keyNode, 'budgets beside a plan', 'a plan meters its own windows: put budgets in a routing policy of their own and pass both');
    if (!TOP_KEYS.includes(e.key) && !ROUTING_KEYS.includes(e.key)) doc.fail(e.keyNode, `unknown field '${e.key}' in a plan file`, `a plan file has ${[...TOP_KEYS, ...ROUTING_KEYS].join(', ')}`);
  }
  const version = get('version');
  if (!version) doc.fail(doc.root, "missing 'version'", 'start the file with version: 1');
  if (scalar(version.value) !== 1) doc.fail(version.value, `version ${String(scalar(version.value))} is not supported`, 'this recount reads version: 1');
  const plan = parsePlan(doc, get('plan')!);
  const routing = top.filter((e) => ROUTING_KEYS.includes(e.key));
  if (routing.length && !get('rules')) doc.fail(routing[0].keyNode, `${routing[0].key} beside a plan does nothing without rules`, RULES_HINT);
  if (routing.length) {
    // the rules, assumptions and transforms read as any policy's (same checks, same lines)
    const body = parsePolicyNode(doc, withoutPlan(doc.root as YAMLMap), book);
    const { rules, budgets, transforms, assumptions } = body;
    const fingerprint = createHash('sha256').update(JSON.stringify({ version: 1, plan, rules, budgets, transforms, assumptions })).digest('hex').slice(0, 16);
    return { ...body, plan, planRules: true, fingerprint };
  }
  const base = parsePolicy(IDENTITY, doc.file, book);
  const name = get('name') ? doc.text(get('name')!.value, 'name', 'name: claude-max-5x') : base.name;
  const description = get('description') ? doc.text(get('description')!.value, 'description', 'description: what the plan is') : null;
  const fingerprint = createHash('sha256').update(JSON.stringify({ version: 1, plan })).digest('hex').slice(0, 16);
  return { ...base, name, description, plan, fingerprint };
}

const IDENTITY = 'version: 1\nrules:\n  - { name: default, when: {} }\n';

/** A plan policy's history replay (what whatif's `history` reports): its identity routing, whatever its own rules. */
export function historyPolicy(p: Policy, book: PriceBook): Policy {
  return p.planRules ? { ...p, ...parsePolicy(IDENTITY, p.file, book), name: p.name, planRules: undefined } : p;
}

/** The file's top mapping without its `plan:` entry (the same nodes, so errors keep their lines). */
function withoutPlan(root: YAMLMap): YAMLMap {
  const out = new YAMLMap();
  out.items = root.items.filter((p) => scalar(p.key as Node) !== 'plan');
  out.range = root.range;
  return out;
}

function parsePlan(doc: YamlDoc, entry: Entry): Plan {
  const e = doc.entries(entry.value, 'plan', `plan: { fee_usd_per_month: 100, allowance: { … }, on_limit: wait } (${EXAMPLE})`);
  const get = (k: string) => e.find((x) => x.key === k);
  for (const x of e) if (!PLAN_KEYS.includes(x.key)) doc.fail(x.keyNode, `unknown plan field '${x.key}'`, `a plan has ${PLAN_KEYS.join(', ')}`);
  const fee = get('fee_usd_per_month');
  if (!fee) doc.fail(entry.keyNode, 'the plan needs fee_usd_per_month', 'fee_usd_per_month: 100 (or [low, central, high]; 0 for pay-as-you-go)');
  const onLimit = parseOnLimit(doc, get('on_limit'), entry);
  const allowance = get('allowance');
  const parsed = allowance ? parseAllowance(doc, allowance) : { unit: 'usd' as const, per5h: null, perWeek: null };
  if (!allowance && onLimit === 'wait') doc.fail(entry.keyNode, 'a plan that waits needs an allowance', 'allowance: { unit: usd, per_5h: [10, 70, 225] }, or on_limit: { overflow: api }');
  if (onLimit === 'wait') {
    for (const [key, a] of [['per_5h', parsed.per5h], ['per_week', parsed.perWeek]] as const) {
      if (a && Object.values(a).some((t) => t.low <= 0)) doc.fail(allowance!.value, `${key}: a plan that waits needs allowances above 0`, 'with 0 the work would wait forever: use on_limit: { overflow: api }');
    }
  }
  return {
    feeUsdPerMonth: triple(doc, fee.value, 'fee_usd_per_month'),
    providers: parseProviders(doc, get('providers')),
    ...parsed,
    onLimit,
  };
}

function parseOnLimit(doc: YamlDoc, entry: Entry | undefined, plan: Entry): Plan['onLimit'] {
  const hint = 'on_limit: wait (the work moves to the next window) or on_limit: { overflow: api } (billed at list prices)';
  if (!entry) doc.fail(plan.keyNode, 'the plan needs on_limit', hint);
  if (scalar(entry.value) === 'wait') return 'wait';
  if (isMap(entry.value)) {
    const e = doc.entries(entry.value, 'on_limit', hint);
    if (e.length === 1 && e[0].key === 'overflow' && scalar(e[0].value) === 'api') return 'overflow';
  }
  doc.fail(entry.value ?? entry.keyNode, `on_limit is not wait or { overflow: api }`, hint);
}

function parseProviders(doc: YamlDoc, entry: Entry | undefined): string[] | null {
  if (!entry) return null;
  const items = doc.items(entry, 'providers');
  if (!items.length) doc.fail(entry.value ?? entry.keyNode, 'providers is empty', 'providers: [anthropic] (leave it out to cover every provider)');
  return items.map((n) => doc.text(n, 'a provider', 'providers: [anthropic]').toLowerCase());
}

function parseAllowance(doc: YamlDoc, entry: Entry): Pick<Plan, 'unit' | 'per5h' | 'perWeek'> {
  const hint = 'allowance: { unit: usd, per_5h: [10, 70, 225], per_week: [168, 630, 1680] }';
  const e = doc.entries(entry.value, 'allowance', hint);
  const get = (k: string) => e.find((x) => x.key === k);
  for (const x of e) if (!ALLOWANCE_KEYS.includes(x.key)) doc.fail(x.keyNode, `unknown allowance field '${x.key}'`, `an allowance has ${ALLOWANCE_KEYS.join(', ')}`);
  const unitEntry = get('unit');
  if (!unitEntry) doc.fail(entry.keyNode, 'the allowance needs a unit', 'unit: usd (API-equivalent dollars at list prices) or unit: tokens (per model family)');
  const unit = scalar(unitEntry.value);
  if (unit !== 'usd' && unit !== 'tokens') doc.fail(unitEntry.value, `unit '${String(unit)}' is not usd or tokens`, 'unit: usd (API-equivalent dollars) or unit: tokens (per model family)');
  if (!get('per_5h') && !get('per_week')) doc.fail(entry.keyNode, 'the allowance has neither per_5h nor per_week', hint);
  const read = (k: string) => (get(k) ? allowanceOf(doc, get(k)!, unit) : null);
  return { unit, per5h: read('per_5h'), perWeek: read('per_week') };
}

/** usd: one triple (family 'default'); tokens: { family: triple, …, default: triple }. */
function allowanceOf(doc: YamlDoc, entry: Entry, unit: PlanUnit): Allowance {
  if (unit === 'usd') {
    if (isMap(entry.value)) doc.fail(entry.value, `${entry.key}: a usd allowance is one number or triple, not per family`, `${entry.key}: [10, 70, 225] (or unit: tokens for families)`);
    return { default: triple(doc, entry.value, entry.key) };
  }
  const hint = `${entry.key}: { opus: [1e6, 2e6, 4e6], default: [5e6, 1e7, 2e7] } (a family matches a model id that contains it)`;
  const out: Allowance = {};
  for (const f of doc.entries(entry.value, `${entry.key} (in tokens, by model family)`, hint)) {
    if (f.key.toLowerCase() in out) doc.fail(f.keyNode, `family '${f.key}' is given twice`, 'name each family once');
    out[f.key.toLowerCase()] = triple(doc, f.value, `${entry.key}.${f.key}`);
  }
  if (!out.default) doc.fail(entry.value, `${entry.key} has no default family`, `add default: [low, central, high] for the models no family names`);
  return out;
}

/** [low, central, high] with 0 ≤ low ≤ central ≤ high; one number is a point. */
function triple(doc: YamlDoc, node: Node | null, what: string): Triple {
  const hint = `${what}: [low, central, high], e.g. [10, 70, 225], or one number`;
  const one = scalar(node);
  const nums = typeof one === 'number' ? [one, one, one] : isSeq(node) ? node.items.map((n) => scalar(n as Node)) : null;
  if (!nums || nums.length !== 3 || nums.some((n) => typeof n !== 'number' || !Number.isFinite(n))) doc.fail(node, `${what} is not a number or a [low, central, high] triple`, hint);
  const [low, central, high] = nums as number[];
  if (low < 0) doc.fail(node, `${what} has a negative value`, hint);
  if (!(low <= central && central <= high)) doc.fail(node, `${what} [${low}, ${central}, ${high}] is not ordered low ≤ central ≤ high`, hint);
  return { low, central, high };
}

/** The family a model's tokens count against: the first family (file order) its id contains, else default. */
export function familyOf(allowance: Allowance, model: string | null): string {
  const id = (model ?? '').toLowerCase();
  for (const f of Object.keys(allowance)) if (f !== 'default' && id.includes(f)) return f;
  return 'default';
}
