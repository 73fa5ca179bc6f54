import { isMap, isSeq, type Node } from 'yaml';
import { scalar, type Entry, type YamlDoc } from '../config/yaml.js';
import { loadCatalog } from '../pricing/catalog.js';
import type { PriceBook } from '../pricing/install.js';
import type { PolicyBody, Rule } from './policy.js';
import { parsePolicyNode } from './policy-schema.js';

/**
 * A LiteLLM proxy config (config.yaml) as a replay policy. LiteLLM knows which model each alias
 * (`model_list[].model_name`) calls and where a failed call falls back to; it does not know which
 * task goes to which alias: the team's clients choose. So the config carries that choice in a
 * `recount:` section, a policy in recount's own format whose routes name aliases:
 *
 *   recount:
 *     version: 1
 *     rules:
 *       - { name: tier-1, when: { tier: 1 }, route: { model: tier1 } }
 *       - { name: default }
 *
 * LiteLLM reads only its own sections, so the file deploys as it is. What the replay takes:
 *   - model_list: alias → litellm_params.model (a canonical id, priced in the book);
 *   - router_settings (or litellm_settings) fallbacks: a rule routed to alias A escalates to A's first
 *     fallback after num_retries + 1 failures (retries on A, then one attempt on the fallback);
 *   - routing_strategy: read; it only picks among one alias's deployments, which the replay treats as
 *     one model.
 * Every other key is listed in the policy's warnings, never silently dropped.
 */

/** A LiteLLM config is recognised by its top-level `model_list`. */
export function isLiteLLMConfig(doc: YamlDoc): boolean {
  return isMap(doc.root) && doc.root.items.some((p) => scalar(p.key as Node) === 'model_list');
}

const SETTINGS_READ = ['fallbacks', 'num_retries', 'routing_strategy'];
// LiteLLM's own sections that change nothing a replay can price (keys, callbacks, server settings)
const SECTIONS = ['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'environment_variables', 'recount'];

interface Alias {
  id: string;
  node: Node;
}

export function parseLiteLLMPolicy(doc: YamlDoc, book: PriceBook): PolicyBody & { warnings: string[] } {
  const warnings = new Warnings(doc);
  const top = doc.entries(doc.root, 'a LiteLLM config');
  const get = (k: string) => top.find((e) => e.key === k);
  for (const e of top) if (!SECTIONS.includes(e.key)) warnings.add(e.keyNode, e.key, 'is not a LiteLLM section recount knows');
  for (const k of ['general_settings', 'environment_variables']) if (get(k)) warnings.add(get(k)!.keyNode, k, 'has no effect on what requests cost');
  const aliases = readModelList(doc, get('model_list'), warnings);
  const router = settings(doc, get('router_settings'), warnings);
  const library = settings(doc, get('litellm_settings'), warnings);
  // the router's own settings win over the library-wide ones, as in LiteLLM
  const fallbacksEntry = router.get('fallbacks') ?? library.get('fallbacks');
  const retriesEntry = router.get('num_retries') ?? library.get('num_retries');
  const retries = retriesEntry ? numRetries(doc, retriesEntry) : 0;
  if (retries > 4) warnings.add(retriesEntry!.value, 'num_retries', `${retries} is more than the replay models: 4 retries are priced`);
  const fallbacks = readFallbacks(doc, fallbacksEntry, aliases, warnings);
  const strategy = router.get('routing_strategy');
  if (strategy) doc.text(strategy.value, 'routing_strategy', 'routing_strategy: simple-shuffle');

  const section = get('recount');
  if (!section) {
    doc.fail(doc.root, 'a LiteLLM config needs a recount: section saying which requests go to which alias', 'recount:\n  version: 1\n  rules:\n    - { name: tier-1, when: { tier: 1 }, route: { model: tier1 } }\n    - { name: default }');
  }
  refuseOwnEscalation(doc, section.value);
  const afterFailures = Math.min(retries, 4) + 1;
  const body = parsePolicyNode(doc, section.value, book, {
    modelAlias: (name) => aliases.get(name)?.id,
    escalateFor: (routeName): Rule['escalate'] => {
      const to = fallbacks.get(routeName);
      if (!to) return null;
      const id = aliases.get(to.name)!.id;
      if (!book.rows.some(({ row }) => row.model === id && row.input_usd_per_mtok != null)) {
        doc.fail(to.node, `fallback '${to.name}' calls ${id}, which has no price in ${book.label}`, 'price it with --prices FILE, or fix litellm_params.model');
      }
      return { to: id, afterFailures };
    },
  });
  for (const [name, alias] of aliases) {
    if (!book.rows.some(({ row }) => row.model === alias.id)) warnings.add(alias.node, `model_list ${name}`, `calls ${alias.id}, which has no price in ${book.label}: rules cannot route to it`);
  }
  return { ...body, warnings: warnings.list };
}

/** Warnings: one line per key, with the lines it was seen on. */
class Warnings {
  private seen = new Map<string, { lines: number[]; why: string }>();
  constructor(private readonly doc: YamlDoc) {}
  add(node: unknown, key: string, why: string): void {
    const w = this.seen.get(key) ?? this.seen.set(key, { lines: [], why }).get(key)!;
    w.lines.push(this.doc.line(node));
  }
  get list(): string[] {
    return [...this.seen].map(([key, w]) => `${this.doc.file}:${w.lines.join(',')}: ${key} ${w.why}`);
  }
}

function readModelList(doc: YamlDoc, entry: Entry | undefined, warnings: Warnings): Map<string, Alias> {
  const aliases = new Map<string, Alias>();
  const hint = '- model_name: tier1\n    litellm_params: { model: anthropic/claude-haiku-4-5 }';
  for (const node of doc.items(entry, 'model_list')) {
    const e = doc.entries(node, 'a model_list entry', hint);
    const name = e.find((x) => x.key === 'model_name');
    const params = e.find((x) => x.key === 'litellm_params');
    if (!name || !params) doc.fail(node, 'a model_list entry needs model_name and litellm_params', hint);
    for (const x of e) if (x.key !== 'model_name' && x.key !== 'litellm_params') warnings.add(x.keyNode, `model_list.${x.key}`, 'is not read (no effect on the replay)');
    const p = doc.entries(params.value, 'litellm_params', 'litellm_params: { model: anthropic/claude-haiku-4-5 }');
    const model = p.find((x) => x.key === 'model');
    if (!model) doc.fail(params.value, 'litellm_params needs model', 'litellm_params: { model: anthropic/claude-haiku-4-5 }');
    for (const x of p) if (x.key !== 'model') warnings.add(x.keyNode, `litellm_params.${x.key}`, 'is not read (no effect on the replay)');
    const alias = doc.text(name.value, 'model_name', 'model_name: tier1');
    const id = loadCatalog().modelIds.canonical(doc.text(model.value, 'litellm_params.model', 'model: anthropic/claude-haiku-4-5'))!;
    const seen = aliases.get(alias);
    if (!seen) aliases.set(alias, { id, node: model.value! });
    else if (seen.id !== id) warnings.add(model.value, `model_list ${alias}`, `spreads over several models (${seen.id}, ${id}): the replay routes ${alias} to ${seen.id}`);
  }
  return aliases;
}

/** router_settings or litellm_settings: the keys the replay reads; the others become warnings. */
function settings(doc: YamlDoc, entry: Entry | undefined, warnings: Warnings): Map<string, Entry> {
  const out = new Map<string, Entry>();
  if (!entry || scalar(entry.value) === null) return out;
  for (const x of doc.entries(entry.value, entry.key)) {
    if (SETTINGS_READ.includes(x.key) && !(entry.key === 'litellm_settings' && x.key === 'routing_strategy')) out.set(x.key, x);
    else warnings.add(x.keyNode, `${entry.key}.${x.key}`, 'is not read by the replay');
  }
  return out;
}

function numRetries(doc: YamlDoc, entry: Entry): number {
  const n = scalar(entry.value);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) doc.fail(entry.value, `num_retries ${String(n)} is not a whole number ≥ 0`, 'num_retries: 2');
  return n;
}

/** `fallbacks: [{ tier1: [tier2] }, …]` → alias → its first fallback (escalation is one step). */
function readFallbacks(doc: YamlDoc, entry: Entry | undefined, aliases: Map<string, Alias>, warnings: Warnings): Map<string, { name: string; node: Node }> {
  const out = new Map<string, { name: string; node: Node }>();
  const hint = 'fallbacks: [{ tier1: [tier2] }, { tier2: [tier3] }]';
  for (const node of doc.items(entry, 'fallbacks')) {
    for (const { key, keyNode, value } of doc.entries(node, 'a fallback', hint)) {
      if (!aliases.has(key)) doc.fail(keyNode, `fallback from '${key}', which is not a model_name in model_list`, hint);
      if (!isSeq(value) || !value.items.length) doc.fail(value ?? keyNode, `the fallbacks of '${key}' must be a non-empty list of model names`, hint);
      const targets = (value.items as Node[]).map((n) => ({ n, name: doc.text(n, 'a fallback', hint) }));
      for (const t of targets) if (!aliases.has(t.name)) doc.fail(t.n, `fallback '${t.name}' is not a model_name in model_list`, hint);
      if (targets.length > 1) warnings.add(value.items[1], `fallbacks of ${key}`, `list ${targets.length} models: the replay escalates to the first (${targets[0].name}) only`);
      if (out.has(key)) doc.fail(keyNode, `'${key}' has fallbacks twice`, 'list each model_name once');
      out.set(key, { name: targets[0].name, node: targets[0].n });
    }
  }
  return out;
}

/** In a LiteLLM config, escalation is LiteLLM's: its fallbacks and num_retries, not a rule's own. */
function refuseOwnEscalation(doc: YamlDoc, section: Node | null): void {
  if (!isMap(section)) return; // parsePolicyNode says what a policy is
  const rules = section.items.find((p) => scalar(p.key as Node) === 'rules')?.value as Node | undefined;
  if (!isSeq(rules)) return;
  for (const rule of rules.items as Node[]) {
    if (!isMap(rule)) continue;
    const esc = rule.items.find((p) => scalar(p.key as Node) === 'escalate');
    if (esc) doc.fail(esc.key, 'a route in a LiteLLM config escalates through router_settings.fallbacks, not escalate:', 'fallbacks: [{ tier1: [tier2] }] with num_retries: N (retries before the fallback)');
  }
}
