import path from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { parseWhen } from '../conditions/parse.js';
import { parseConfig, scalar, type Entry, type YamlDoc } from '../config/yaml.js';
import { loadCatalog } from '../pricing/catalog.js';
import type { PriceBook } from '../pricing/install.js';
import { MIN_OBSERVED_TURNS } from './observed.js';
import type {
  Assumptions,
  Budget,
  Condition,
  PolicyBody,
  Route,
  Rule,
  Transform,
  Triple,
} from './policy.js';

/** Validation of policy files: walks the YAML nodes so every error carries the line of its node. */

/**
 * What a policy read from another format (a LiteLLM config, litellm-read.ts) adds: names that stand
 * for models (its aliases), and the escalation a route to such a name gets (its fallbacks).
 */
export interface PolicyHooks {
  modelAlias?: (name: string) => string | undefined;
  escalateFor?: (routeName: string) => Rule['escalate'];
}

class Ctx {
  constructor(
    readonly doc: YamlDoc,
    readonly book: PriceBook,
    readonly hooks: PolicyHooks = {},
  ) {}
  get file(): string {
    return this.doc.file;
  }
  line(node: unknown): number {
    return this.doc.line(node);
  }
  fail(node: unknown, message: string, hint: string): never {
    this.doc.fail(node, message, hint);
  }
}

const TOP_KEYS = ['version', 'name', 'description', 'allow_upgrade', 'rules', 'budgets', 'transforms', 'assumptions'];
const RULE_KEYS = ['name', 'when', 'route', 'escalate', 'allow_upgrade'];

export function parsePolicy(text: string, file: string, book: PriceBook): PolicyBody {
  const doc = parseConfig(text, file);
  return parsePolicyNode(doc, doc.root, book);
}

/** A policy from its mapping node (the whole file, or a section of another format's file). */
export function parsePolicyNode(doc: YamlDoc, root: Node | null, book: PriceBook, hooks: PolicyHooks = {}): PolicyBody {
  const file = doc.file;
  const ctx: Ctx = new Ctx(doc, book, hooks);
  if (!isMap(root)) ctx.fail(root, 'a policy is a mapping with version: 1 and rules', 'see samples/policies/identity.yaml');
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
  const when: Condition = isDefault ? { op: '$and', args: [] } : parseWhen(ctx.doc, whenNode, { modelId: (t) => loadCatalog().modelIds.canonical(t) ?? t });
  let route: Route | null = null;
  let routeName = '';
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
      routeName = String(scalar(rg('model')!.value));
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
  } else if (route && ctx.hooks.escalateFor) {
    escalate = ctx.hooks.escalateFor(routeName);
  }
  const upgrade = get('allow_upgrade') ? flag(ctx, get('allow_upgrade')!.value, 'allow_upgrade') : policyUpgrade;
  return { name, when, isDefault, route, escalate, ...(upgrade ? { allowUpgrade: true as const } : {}) };
}

function flag(ctx: Ctx, node: Node | null, what: string): boolean {
  const v = scalar(node);
  if (typeof v !== 'boolean') ctx.fail(node, `${what} must be true or false, not '${String(v)}'`, `${what}: true lets a rule route to a dearer model`);
  return v;
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
  const observed: NonNullable<Assumptions['observed']> = {};
  const rates = (key: 'fail_rate' | 'repeat_fail_rate'): Record<string, Record<string, Triple>> => {
    const out: Record<string, Record<string, Triple>> = {};
    const spec = get(key) ? observedSpec(ctx, get(key)!, key) : null;
    if (spec) observed[key] = { minTurns: spec.minTurns };
    const node = spec ? spec.fallback : get(key)?.value;
    for (const m of node ? entries(ctx, node, key, `${key}: { claude-haiku-4-5: { default: [0, 0.05, 0.15] } } or ${key}: observed`) : []) {
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
    ...(Object.keys(observed).length ? { observed } : {}), // absent otherwise: older policies keep their fingerprints
  };
}

/**
 * `fail_rate: observed`, or `fail_rate: { observed: true, min_turns: 20, fallback: { model: { type: triple } } }`:
 * the rates come from the ledger's agent turns (observed.ts), the fallback where they are too few.
 * Null when the entry is the plain per-model map.
 */
function observedSpec(ctx: Ctx, e: Entry, key: string): { minTurns: number; fallback: Node | null } | null {
  const hint = `${key}: observed, or ${key}: { observed: true, min_turns: ${MIN_OBSERVED_TURNS}, fallback: { claude-haiku-4-5: { default: [0, 0.05, 0.15] } } }`;
  if (scalar(e.value) === 'observed') return { minTurns: MIN_OBSERVED_TURNS, fallback: null };
  if (!isMap(e.value) || !e.value.items.some((p) => scalar(p.key as Node) === 'observed')) return null;
  const f = entries(ctx, e.value, key, hint);
  const get = (k: string) => f.find((x) => x.key === k);
  for (const x of f) if (!['observed', 'min_turns', 'fallback'].includes(x.key)) ctx.fail(x.keyNode, `unknown field '${x.key}' beside observed`, `put per-model triples under fallback: ${hint}`);
  if (scalar(get('observed')!.value) !== true) ctx.fail(get('observed')!.value, `${key}.observed must be true`, `leave observed out to use the triples as given; ${hint}`);
  const min = get('min_turns') ? scalar(get('min_turns')!.value) : MIN_OBSERVED_TURNS;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) ctx.fail(get('min_turns')!.value, `${key}.min_turns ${String(min)} is not a whole number ≥ 1`, `min_turns: ${MIN_OBSERVED_TURNS} (turns a model needs on a task type before its observed rate is used)`);
  const fallback = get('fallback')?.value ?? null;
  return { minTurns: min, fallback: scalar(fallback) === null ? null : fallback };
}

function modelKey(ctx: Ctx, e: Entry, seen: Record<string, unknown>): string {
  if (e.key === 'default') return 'default';
  const id = ctx.hooks.modelAlias?.(e.key) ?? loadCatalog().modelIds.canonical(e.key) ?? e.key;
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
  const id = ctx.hooks.modelAlias?.(raw.trim()) ?? loadCatalog().modelIds.canonical(raw) ?? raw.trim();
  if (!ctx.book.rows.some(({ row }) => row.model === id && row.input_usd_per_mtok != null)) {
    ctx.fail(node, `model '${raw}' has no price${id !== raw ? ` (looked up as ${id})` : ''} in ${ctx.book.label}`, 'price it with --prices FILE (a local model can be priced at 0), or fix the name');
  }
  return id;
}

function entries(ctx: Ctx, node: Node | null, what: string, hint = `${what}: { … }`): Entry[] {
  return ctx.doc.entries(node, what, hint);
}

function seqOf(ctx: Ctx, entry: Entry | undefined, what: string): Node[] {
  return ctx.doc.items(entry, what);
}

function text1(ctx: Ctx, node: Node | null, what: string): string {
  return ctx.doc.text(node, what, `${what}: my-policy`);
}
