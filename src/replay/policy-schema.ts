import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { RecountError } from '../errors.js';
import { loadCatalog } from '../pricing/catalog.js';
import type { PriceBook } from '../pricing/install.js';
import type {
  Assumptions,
  Budget,
  Condition,
  Field,
  PolicyBody,
  Route,
  Rule,
  Transform,
  Triple,
  Value,
} from './policy.js';

// Field names live here (not in policy.ts) so the two modules share no runtime import cycle.
export const STRING_FIELDS = ['task_type', 'model', 'provider', 'source', 'api_key', 'project'] as const;
export const NUMBER_FIELDS = ['tier', 'prompt_tokens', 'output_tokens'] as const;

/** Validation of policy files: walks the YAML nodes so every error carries the line of its node. */

type Entry = { key: string; keyNode: Node; value: Node | null };

class Ctx {
  constructor(
    readonly file: string,
    private readonly lc: LineCounter,
    readonly book: PriceBook,
  ) {}
  line(node: unknown): number {
    return this.lc.linePos((node as Node | null)?.range?.[0] ?? 0).line;
  }
  fail(node: unknown, message: string, hint: string): never {
    throw new RecountError(`${this.file}:${this.line(node)}: ${message}`, hint);
  }
}

const TOP_KEYS = ['version', 'name', 'description', 'allow_upgrade', 'rules', 'budgets', 'transforms', 'assumptions'];
const RULE_KEYS = ['name', 'when', 'route', 'escalate', 'allow_upgrade'];
const COMPARE_OPS = ['$gt', '$gte', '$lt', '$lte'];
const TEXT_OPS = ['$eq', '$ne', '$in', '$nin', '$regex'];
const NUMBER_OPS = ['$eq', '$ne', '$in', '$nin', ...COMPARE_OPS];
const ALL_OPS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$regex', '$and', '$or'];
const FIELDS_HINT = `fields: ${[...STRING_FIELDS, ...NUMBER_FIELDS].join(', ')}, tools, tags.<name>`;

export function parsePolicy(text: string, file: string, book: PriceBook): PolicyBody {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new RecountError(`${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`, 'fix the YAML (or JSON) syntax');
  }
  const ctx: Ctx = new Ctx(file, lc, book);
  const root = doc.contents as Node | null;
  if (!isMap(root)) throw new RecountError(`${file}:1: a policy is a mapping with version: 1 and rules`, 'see samples/policies/identity.yaml');
  const top = entries(ctx, root, 'policy');
  const get = (k: string) => top.find((e) => e.key === k);
  for (const e of top) if (!TOP_KEYS.includes(e.key)) ctx.fail(e.keyNode, `unknown field '${e.key}'`, `a policy has ${TOP_KEYS.join(', ')}`);
  const version = get('version');
  if (!version) ctx.fail(root, "missing 'version'", 'start the file with version: 1');
  if (scalar(version.value) !== 1) ctx.fail(version.value, `version ${String(scalar(version.value))} is not supported`, 'this recount reads version: 1');
  const name = get('name') ? text1(ctx, get('name')!.value, 'name') : path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const description = get('description') ? text1(ctx, get('description')!.value, 'description') : null;
  const rulesEntry = get('rules');
  if (!rulesEntry || !isSeq(rulesEntry.value) || !rulesEntry.value.items.length) {
    ctx.fail(rulesEntry?.value ?? root, "no rules (expected a 'rules:' list ending with a default rule)", '- { name: default, when: {} }');
  }
  const ruleNodes = rulesEntry.value.items as Node[];
  const upgrade = get('allow_upgrade') ? flag(ctx, get('allow_upgrade')!.value, 'allow_upgrade') : false;
  const rules = ruleNodes.map((n) => parseRule(ctx, n, upgrade));
  const names = new Set<string>();
  rules.forEach((r, i) => {
    const node = ruleNodes[i];
    if (names.has(r.name)) ctx.fail(node, `rule name '${r.name}' is used twice`, 'give each rule its own name');
    names.add(r.name);
    if (r.isDefault && rules.slice(0, i).some((p) => p.isDefault)) ctx.fail(node, `rule '${r.name}' is a second default rule`, 'keep exactly one rule with when: {}');
  });
  const d = rules.findIndex((r) => r.isDefault);
  if (d >= 0 && d !== rules.length - 1) ctx.fail(ruleNodes[d], `default rule '${rules[d].name}' must be the last rule`, 'rules are first-match: move it to the end');
  if (!rules[rules.length - 1].isDefault) ctx.fail(rulesEntry.keyNode, 'no default rule', 'end the rules with - { name: default, when: {} } (no route keeps the model)');
  return {
    version: 1,
    name,
    description,
    file,
    rules,
    budgets: seqOf(ctx, get('budgets'), 'budgets').map((n) => ({ ...parseBudget(ctx, n), ...(upgrade ? { allowUpgrade: true as const } : {}) })),
    transforms: parseTransforms(ctx, get('transforms')),
    assumptions: parseAssumptions(ctx, get('assumptions')),
  };
}

/**
 * Routing goes down only: a rule (or a budget's on_exceed route) never moves a request to a model
 * dearer than the one it ran on, unless `allow_upgrade: true` (on the policy, or on the rule; a
 * rule's own value wins). Dearer means a higher input or a higher output list rate per token than
 * the original model's, on the request's day and price list (cache rates are not compared: they
 * follow the input rate). Escalation (`escalate: to:`) is exempt: moving up is its point. The flag
 * is kept only when true, so policies without it keep their fingerprints.
 */
function parseRule(ctx: Ctx, node: Node, policyUpgrade: boolean): Rule {
  const e = entries(ctx, node, 'rule', '- { name: default, when: {} }');
  for (const x of e) if (!RULE_KEYS.includes(x.key)) ctx.fail(x.keyNode, `unknown rule field '${x.key}'`, `a rule has ${RULE_KEYS.join(', ')}`);
  const get = (k: string) => e.find((x) => x.key === k);
  if (!get('name')) ctx.fail(node, 'the rule needs a name', 'name: cheap-lookups');
  const name = text1(ctx, get('name')!.value, 'name');
  const whenNode = get('when')?.value ?? null;
  const isDefault = whenNode == null || scalar(whenNode) === null || (isMap(whenNode) && whenNode.items.length === 0);
  const when: Condition = isDefault ? { op: '$and', args: [] } : parseWhen(ctx, whenNode);
  let route: Route | null = null;
  const routeNode = get('route')?.value;
  if (routeNode) {
    const r = entries(ctx, routeNode, 'route', 'route: { model: claude-haiku-4-5, scope: switch }');
    const rg = (k: string) => r.find((x) => x.key === k);
    for (const x of r) if (!['model', 'scope', 'keep'].includes(x.key)) ctx.fail(x.keyNode, `unknown route field '${x.key}'`, 'route: { model: M, scope: switch | subagent } or route: { keep: true }');
    if (rg('keep')) {
      if (scalar(rg('keep')!.value) !== true || r.length > 1) ctx.fail(routeNode, 'route: { keep: true } takes no other fields', 'keep the original model with route: { keep: true } (or leave out route)');
    } else {
      if (!rg('model')) ctx.fail(routeNode, `rule '${name}': route needs a model`, 'route: { model: claude-haiku-4-5 } (leave out route to keep the model)');
      const scope = rg('scope') ? scalar(rg('scope')!.value) : 'switch';
      if (scope !== 'switch' && scope !== 'subagent') ctx.fail(rg('scope')!.value, `scope '${String(scope)}' is not switch or subagent`, 'switch: the main loop changes model; subagent: the work moves to a fresh context');
      route = { model: pricedModel(ctx, rg('model')!.value), scope };
    }
  }
  let escalate: Rule['escalate'] = null;
  const escNode = get('escalate')?.value;
  if (escNode) {
    const x = entries(ctx, escNode, 'escalate', 'escalate: { to: claude-opus-4-6, after_failures: 2 }');
    for (const y of x) if (!['to', 'after_failures'].includes(y.key)) ctx.fail(y.keyNode, `unknown escalate field '${y.key}'`, 'escalate: { to: M, after_failures: N }');
    const to = x.find((y) => y.key === 'to');
    const after = x.find((y) => y.key === 'after_failures');
    if (!to || !after) ctx.fail(escNode, 'escalate needs to and after_failures', 'escalate: { to: claude-opus-4-6, after_failures: 2 }');
    const n = scalar(after.value);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 5) ctx.fail(after.value, `after_failures ${String(n)} is not a whole number from 1 to 5`, 'after_failures: 2');
    escalate = { to: pricedModel(ctx, to.value), afterFailures: n };
  }
  const upgrade = get('allow_upgrade') ? flag(ctx, get('allow_upgrade')!.value, 'allow_upgrade') : policyUpgrade;
  return { name, when, isDefault, route, escalate, ...(upgrade ? { allowUpgrade: true as const } : {}) };
}

function flag(ctx: Ctx, node: Node | null, what: string): boolean {
  const v = scalar(node);
  if (typeof v !== 'boolean') ctx.fail(node, `${what} must be true or false, not '${String(v)}'`, `${what}: true lets a rule route to a dearer model`);
  return v;
}

function parseWhen(ctx: Ctx, node: Node | null): Condition {
  const e = entries(ctx, node, 'condition', 'when: { task_type: { $in: [search, docs] } }');
  if (!e.length) ctx.fail(node, 'empty condition', 'only a default rule has when: {}');
  const args: Condition[] = e.map(({ key, keyNode, value }) => {
    if (key === '$and' || key === '$or') {
      if (!isSeq(value) || !value.items.length) ctx.fail(value ?? keyNode, `${key} takes a non-empty list of conditions`, `${key}: [{ tier: 1 }, { model: claude-haiku-4-5 }]`);
      return { op: key, args: (value.items as Node[]).map((n) => parseWhen(ctx, n)) };
    }
    if (key.startsWith('$')) ctx.fail(keyNode, `unknown operator '${key}'`, `operators: ${ALL_OPS.join(' ')}`);
    return parseField(ctx, fieldOf(ctx, keyNode, key), value);
  });
  return args.length === 1 ? args[0] : { op: '$and', args };
}

function fieldOf(ctx: Ctx, node: Node, key: string): Field {
  if ((STRING_FIELDS as readonly string[]).includes(key) || (NUMBER_FIELDS as readonly string[]).includes(key) || key === 'tools') return key as Field;
  if (key.startsWith('tags.')) {
    if (!/^[A-Za-z0-9_-]+$/.test(key.slice(5))) ctx.fail(node, `tag name '${key.slice(5)}' must be letters, digits, _ or -`, 'tags.team: backend');
    return key as Field;
  }
  ctx.fail(node, `unknown field '${key}'`, FIELDS_HINT);
}

function parseField(ctx: Ctx, field: Field, node: Node | null): Condition {
  if (isSeq(node)) ctx.fail(node, `${field}: a list needs an operator`, `${field}: { $in: [a, b] }`);
  if (!isMap(node)) return { op: '$eq', field, value: fieldValue(ctx, field, '$eq', node) };
  const isNumber = (NUMBER_FIELDS as readonly string[]).includes(field);
  const allowed = isNumber ? NUMBER_OPS : TEXT_OPS;
  const e = entries(ctx, node, 'condition');
  if (!e.length) ctx.fail(node, `${field}: empty condition`, `${field}: { $eq: value }`);
  const args: Condition[] = e.map(({ key, keyNode, value }) => {
    if (!ALL_OPS.includes(key)) ctx.fail(keyNode, `unknown operator '${key}'`, `operators: ${ALL_OPS.join(' ')}`);
    if (!allowed.includes(key)) {
      ctx.fail(keyNode, `${key} does not apply to ${field}`, isNumber ? `${field} takes ${NUMBER_OPS.join(' ')}` : `${key} needs a number field (${NUMBER_FIELDS.join(', ')}); ${field} takes ${TEXT_OPS.join(' ')}`);
    }
    if (key === '$in' || key === '$nin') {
      if (!isSeq(value) || !value.items.length) ctx.fail(value ?? keyNode, `${field}: ${key} takes a non-empty list`, `${field}: { ${key}: [a, b] }`);
      return { op: key, field, values: (value.items as Node[]).map((n) => fieldValue(ctx, field, key, n)) };
    }
    if (key === '$regex') {
      const p = scalar(value);
      if (typeof p !== 'string' || !p) ctx.fail(value ?? keyNode, `${field}: $regex takes a pattern`, "$regex: '^claude-'");
      checkRegex(ctx, value, field, p);
      return { op: '$regex', field, pattern: p };
    }
    return { op: key as '$eq', field, value: fieldValue(ctx, field, key, value) };
  });
  return args.length === 1 ? args[0] : { op: '$and', args };
}

function fieldValue(ctx: Ctx, field: Field, op: string, node: Node | null): Value {
  const v = scalar(node);
  if ((NUMBER_FIELDS as readonly string[]).includes(field)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) ctx.fail(node, `${field}: ${op} needs a number, not '${String(v)}'`, `${field}: { ${op}: 100000 }`);
    return v;
  }
  if (v == null || typeof v === 'object' || v === '') ctx.fail(node, `${field}: ${op} needs a value`, `${field}: { ${op}: text }`);
  const text = String(v);
  return field === 'model' ? (loadCatalog().modelIds.canonical(text) ?? text) : text;
}

function checkRegex(ctx: Ctx, node: Node | null, field: string, p: string): void {
  try {
    new RegExp(p, 'i');
  } catch (err) {
    ctx.fail(node, `${field}: $regex '${p}' is not a valid pattern (${(err as Error).message})`, 'patterns are regular expressions, e.g. ^claude-');
  }
  if (/\(\?<?[=!]|\\[1-9]/.test(p)) ctx.fail(node, `${field}: $regex '${p}' uses a lookaround or back-reference`, 'DuckDB (RE2) runs patterns without lookarounds or back-references');
}

function parseBudget(ctx: Ctx, node: Node): Budget {
  const hint = '- { per: api_key, window: day, cap_usd: 50, on_exceed: { route: claude-haiku-4-5 } }';
  const e = entries(ctx, node, 'budget', hint);
  const get = (k: string) => e.find((x) => x.key === k);
  for (const x of e) if (!['per', 'window', 'cap_usd', 'on_exceed'].includes(x.key)) ctx.fail(x.keyNode, `unknown budget field '${x.key}'`, 'a budget has per, window, cap_usd, on_exceed');
  const per = scalar(get('per')?.value ?? null);
  if (per !== 'api_key' && per !== 'project') ctx.fail(get('per')?.value ?? node, `budget per '${String(per)}' is not api_key or project`, hint);
  const window = get('window') ? scalar(get('window')!.value) : 'day';
  if (window !== 'day' && window !== 'hour') ctx.fail(get('window')!.value, `budget window '${String(window)}' is not day or hour`, 'window: day (UTC)');
  if (!get('cap_usd')) ctx.fail(node, 'the budget needs cap_usd', hint);
  const cap = scalar(get('cap_usd')!.value);
  if (typeof cap !== 'number' || !(cap > 0)) ctx.fail(get('cap_usd')!.value, `cap_usd ${String(cap)} is not a positive number`, 'cap_usd: 50 (dollars per window)');
  const ex = get('on_exceed');
  if (!ex) ctx.fail(node, 'the budget needs on_exceed', 'on_exceed: { route: claude-haiku-4-5 } or on_exceed: { block: true }');
  const o = entries(ctx, ex.value, 'on_exceed', 'on_exceed: { route: M } or { block: true }');
  if (o.length !== 1 || !['route', 'block'].includes(o[0].key)) ctx.fail(ex.value, 'on_exceed is { route: model } or { block: true }', 'on_exceed: { route: claude-haiku-4-5 }');
  if (o[0].key === 'block') {
    if (scalar(o[0].value) !== true) ctx.fail(o[0].value, 'block must be true', 'on_exceed: { block: true }');
    return { per, window, capUsd: cap, onExceed: { action: 'block' } };
  }
  return { per, window, capUsd: cap, onExceed: { action: 'route', model: pricedModel(ctx, o[0].value) } };
}

function parseTransforms(ctx: Ctx, entry: Entry | undefined): Transform[] {
  const seen = new Set<string>();
  return seqOf(ctx, entry, 'transforms').map((node) => {
    const e = entries(ctx, node, 'transform', '- stable_prefix: { recover: [0.5, 0.8, 1.0] }');
    if (e.length !== 1) ctx.fail(node, 'each transform is one of stable_prefix or compact', '- compact: { above_tokens: 150000, summary_tokens: [8000, 15000, 30000] }');
    const { key, keyNode, value } = e[0];
    if (seen.has(key)) ctx.fail(keyNode, `transform '${key}' is given twice`, 'list each transform once');
    seen.add(key);
    const f = entries(ctx, value, key);
    const get = (k: string) => f.find((x) => x.key === k);
    if (key === 'stable_prefix') {
      for (const x of f) if (x.key !== 'recover') ctx.fail(x.keyNode, `unknown stable_prefix field '${x.key}'`, 'stable_prefix: { recover: [0.5, 0.8, 1.0] }');
      if (!get('recover')) ctx.fail(value ?? keyNode, 'stable_prefix needs recover', 'the share of unexpected cache breaks fixed: recover: [0.5, 0.8, 1.0]');
      return { kind: 'stable_prefix', recover: triple(ctx, get('recover')!.value, 'stable_prefix.recover', true) };
    }
    if (key === 'compact') {
      for (const x of f) if (!['above_tokens', 'summary_tokens'].includes(x.key)) ctx.fail(x.keyNode, `unknown compact field '${x.key}'`, 'compact: { above_tokens: N, summary_tokens: [lo, mid, hi] }');
      if (!get('above_tokens') || !get('summary_tokens')) ctx.fail(value ?? keyNode, 'compact needs above_tokens and summary_tokens', 'compact: { above_tokens: 150000, summary_tokens: [8000, 15000, 30000] }');
      const above = scalar(get('above_tokens')!.value);
      if (typeof above !== 'number' || !Number.isInteger(above) || above < 1) ctx.fail(get('above_tokens')!.value, `above_tokens ${String(above)} is not a whole number ≥ 1`, 'above_tokens: 150000');
      return { kind: 'compact', aboveTokens: above, summaryTokens: triple(ctx, get('summary_tokens')!.value, 'compact.summary_tokens', false) };
    }
    ctx.fail(keyNode, `unknown transform '${key}'`, 'transforms: stable_prefix, compact');
  });
}

const ASSUMPTION_KEYS = ['cache', 'output_ratio', 'tokenizer_ratio', 'fail_rate', 'repeat_fail_rate', 'subagent_context_tokens'];
// A subagent starts from its own system prompt and tools: the logs cannot show how big, so a range.
const SUBAGENT_CONTEXT_TOKENS: Triple = { low: 5000, central: 10000, high: 20000 };

function parseAssumptions(ctx: Ctx, entry: Entry | undefined): Assumptions {
  const e = entry ? entries(ctx, entry.value, 'assumptions') : [];
  const get = (k: string) => e.find((x) => x.key === k);
  for (const x of e) if (!ASSUMPTION_KEYS.includes(x.key)) ctx.fail(x.keyNode, `unknown assumption '${x.key}'`, `assumptions: ${ASSUMPTION_KEYS.join(', ')}`);
  let ttl = 300;
  if (get('cache')) {
    const c = entries(ctx, get('cache')!.value, 'cache', 'cache: { ttl: 5m }');
    for (const x of c) if (x.key !== 'ttl') ctx.fail(x.keyNode, `unknown cache field '${x.key}'`, 'cache: { ttl: 5m }');
    const t = c.length ? scalar(c[0].value) : undefined;
    if (t === '5m') ttl = 300;
    else if (t === '1h') ttl = 3600;
    else if (typeof t === 'number' && t > 0) ttl = t;
    else if (t !== undefined) ctx.fail(c[0].value, `cache ttl '${String(t)}' is not 5m, 1h or a number of seconds`, 'ttl: 5m');
  }
  const ratios = (key: string): Record<string, Triple> => {
    const out: Record<string, Triple> = { default: { low: 1, central: 1, high: 1 } };
    for (const x of get(key) ? entries(ctx, get(key)!.value, key) : []) out[modelKey(ctx, x, out)] = triple(ctx, x.value, `${key}.${x.key}`, false);
    return out;
  };
  const rates = (key: string): Record<string, Record<string, Triple>> => {
    const out: Record<string, Record<string, Triple>> = {};
    for (const m of get(key) ? entries(ctx, get(key)!.value, key, `${key}: { claude-haiku-4-5: { default: [0, 0.05, 0.15] } }`) : []) {
      const byType: Record<string, Triple> = {};
      for (const t of entries(ctx, m.value, `${key}.${m.key}`, `${m.key}: { file_navigation: [0, 0.03, 0.1], default: 0.05 }`)) {
        if (!/^[a-z][a-z0-9_]*$/.test(t.key)) ctx.fail(t.keyNode, `'${t.key}' is not a task type`, 'task types are snake_case, as in rules/task-types.yaml, or default');
        byType[t.key] = triple(ctx, t.value, `${key}.${m.key}.${t.key}`, true);
      }
      out[modelKey(ctx, m, out)] = byType;
    }
    return out;
  };
  return {
    cacheTtlSeconds: ttl,
    outputRatio: ratios('output_ratio'),
    tokenizerRatio: ratios('tokenizer_ratio'),
    failRate: rates('fail_rate'),
    repeatFailRate: rates('repeat_fail_rate'),
    subagentContextTokens: get('subagent_context_tokens') ? triple(ctx, get('subagent_context_tokens')!.value, 'subagent_context_tokens', false) : SUBAGENT_CONTEXT_TOKENS,
  };
}

function modelKey(ctx: Ctx, e: Entry, seen: Record<string, unknown>): string {
  if (e.key === 'default') return 'default';
  const id = loadCatalog().modelIds.canonical(e.key) ?? e.key;
  if (id in seen && id !== 'default') ctx.fail(e.keyNode, `model '${e.key}' is given twice (as ${id})`, 'name each model once');
  return id;
}

/** [low, central, high] with low ≤ central ≤ high, all ≥ 0 (≤ 1 for rates); one number is a point. */
function triple(ctx: Ctx, node: Node | null, what: string, rate: boolean): Triple {
  const hint = rate ? `${what}: [0, 0.05, 0.15] (low, central, high; rates between 0 and 1)` : `${what}: [0.8, 1.0, 1.4] (low, central, high)`;
  const one = scalar(node);
  const nums = typeof one === 'number' ? [one, one, one] : isSeq(node) ? node.items.map((n) => scalar(n as Node)) : null;
  if (!nums || nums.length !== 3 || nums.some((n) => typeof n !== 'number' || !Number.isFinite(n))) ctx.fail(node, `${what} is not a number or a [low, central, high] triple`, hint);
  const [low, central, high] = nums as number[];
  if (nums.some((n) => (n as number) < 0)) ctx.fail(node, `${what} has a negative value`, hint);
  if (rate && nums.some((n) => (n as number) > 1)) ctx.fail(node, `${what} has a rate above 1`, hint);
  if (!(low <= central && central <= high)) ctx.fail(node, `${what} [${low}, ${central}, ${high}] is not ordered low ≤ central ≤ high`, hint);
  return { low, central, high };
}

/** A target model: canonical id, and it must have a price in the book. */
function pricedModel(ctx: Ctx, node: Node | null): string {
  const raw = scalar(node);
  if (typeof raw !== 'string' || !raw.trim()) ctx.fail(node, 'a model id is needed here', 'e.g. claude-haiku-4-5');
  const id = loadCatalog().modelIds.canonical(raw) ?? raw.trim();
  if (!ctx.book.rows.some(({ row }) => row.model === id && row.input_usd_per_mtok != null)) {
    ctx.fail(node, `model '${raw}' has no price${id !== raw ? ` (looked up as ${id})` : ''} in ${ctx.book.label}`, 'price it with --prices FILE (a local model can be priced at 0), or fix the name');
  }
  return id;
}

function entries(ctx: Ctx, node: Node | null, what: string, hint = `${what}: { … }`): Entry[] {
  if (!isMap(node)) ctx.fail(node, `${what} must be a mapping`, hint);
  return node.items.map((pair) => {
    const keyNode = pair.key as Node;
    return { key: String(scalar(keyNode)), keyNode, value: (pair.value as Node | null) ?? null };
  });
}

function seqOf(ctx: Ctx, entry: Entry | undefined, what: string): Node[] {
  if (!entry || scalar(entry.value) === null) return [];
  if (!isSeq(entry.value)) ctx.fail(entry.value ?? entry.keyNode, `${what} must be a list`, `${what}:\n  - …`);
  return entry.value.items as Node[];
}

function text1(ctx: Ctx, node: Node | null, what: string): string {
  const v = scalar(node);
  if (typeof v !== 'string' || !v.trim()) ctx.fail(node, `${what} must be text`, `${what}: my-policy`);
  return v.trim();
}

function scalar(node: Node | null | undefined): unknown {
  if (node == null) return null;
  return isScalar(node) ? node.value : undefined;
}
