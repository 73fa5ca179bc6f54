import path from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { parseWhen } from '../conditions/parse.js';
import { parseConfig, scalar, type Entry, type YamlDoc } from '../config/yaml.js';
import { loadCatalog } from '../pricing/catalog.js';
import type { PriceBook } from '../pricing/install.js';
import type { Budget, Condition, PolicyBody, Route, Rule, Transform } from './policy.js';
import { parseAssumptions, triple } from './policy-assumptions.js';
import { Ctx, entries, flag, pricedModel, seqOf, text1, type PolicyHooks } from './policy-nodes.js';

/** Validation of policy files: walks the YAML nodes so every error carries the line of its node. */

export type { PolicyHooks } from './policy-nodes.js';

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

