import { Document, isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import type { Condition } from '../conditions/types.js';
import { RecountError } from '../errors.js';
import type { PriceBook } from '../pricing/install.js';
import type { Policy, Rule, Transform, Triple } from './policy.js';

/**
 * A policy as a LiteLLM proxy config a team can deploy (`recount whatif --emit-litellm FILE`): each
 * model the policy routes to becomes an alias named by its price rank (tier1 the cheapest), each
 * escalation a fallback between aliases with num_retries = after_failures − 1, and the policy itself
 * the `recount:` section with routes naming the aliases (litellm-read.ts reads it back to the same
 * rules). What LiteLLM cannot express (two escalations from one alias, different retry counts, an
 * escalation without a route) is refused with the rule that needs it, not written half-true.
 */
export function litellmConfig(policy: Policy, book: PriceBook): string {
  const models = routedModels(policy);
  const alias = new Map(models.sort((a, b) => rank(book, a) - rank(book, b) || a.localeCompare(b)).map((m, i) => [m, `tier${i + 1}`]));
  const { fallbacks, retries } = escalations(policy, alias);
  const config = {
    model_list: [...alias].map(([model, name]) => ({ model_name: name, litellm_params: deployment(book, model) })),
    router_settings: {
      routing_strategy: 'simple-shuffle',
      num_retries: retries,
      ...(fallbacks.length ? { fallbacks } : {}),
    },
    recount: section(policy, alias),
  };
  const header = [
    `# ${policy.name} as a LiteLLM proxy config, written by recount (policy fingerprint ${policy.fingerprint}).`,
    '# LiteLLM reads model_list and router_settings; recount reads the recount: section too (which',
    '# requests go to which alias): `recount whatif --policy` this file replays the same policy.',
    '# Give each deployment its key (api_key: os.environ/…) and check the provider prefixes before deploying.',
  ];
  return `${header.join('\n')}\n${compactYaml(config)}`;
}

/**
 * Block YAML with the small leaves on one line, as people write them: triples `[0, 0.03, 0.1]`,
 * conditions `{ tier: { $lte: 2 } }`, fallbacks `{ tier1: [ tier2 ] }`. model_list stays block, as
 * LiteLLM's docs write it.
 */
function compactYaml(value: unknown): string {
  const doc = new Document(value);
  const flat = (n: unknown): boolean => isScalar(n) || ((isSeq(n) || isMap(n)) && (n as { flow?: boolean }).flow === true);
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
    Map(_key, node, path) {
      const inModelList = path.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'model_list');
      if (!inModelList && node.items.every((p) => flat(p.value as Node))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** Every model a rule or a budget sends requests to, or escalates to. */
function routedModels(p: Policy): string[] {
  const out = new Set<string>();
  for (const r of p.rules) {
    if (r.route) out.add(r.route.model);
    if (r.escalate) out.add(r.escalate.to);
  }
  for (const b of p.budgets) if (b.onExceed.action === 'route') out.add(b.onExceed.model);
  return [...out];
}

/** A model's rank for naming tiers: its dearest list output rate in the book (unpriced last). */
function rank(book: PriceBook, model: string): number {
  let out = -1;
  for (const { row } of book.rows) if (row.model === model && row.output_usd_per_mtok != null) out = Math.max(out, row.output_usd_per_mtok);
  return out < 0 ? Number.POSITIVE_INFINITY : out;
}

// LiteLLM's provider prefixes and the environment variables its docs name for their keys
const LITELLM_PROVIDERS: Record<string, [string, string]> = {
  anthropic: ['anthropic', 'ANTHROPIC_API_KEY'],
  openai: ['openai', 'OPENAI_API_KEY'],
  google: ['gemini', 'GEMINI_API_KEY'],
  mistral: ['mistral', 'MISTRAL_API_KEY'],
  deepseek: ['deepseek', 'DEEPSEEK_API_KEY'],
};

function deployment(book: PriceBook, model: string): Record<string, string> {
  const provider = book.rows.find(({ row }) => row.model === model && row.provider && LITELLM_PROVIDERS[row.provider])?.row.provider;
  if (!provider) return { model };
  const [prefix, env] = LITELLM_PROVIDERS[provider];
  return { model: `${prefix}/${model}`, api_key: `os.environ/${env}` };
}

/** LiteLLM falls back per alias after num_retries (one value for the router): what the rules need must fit that. */
function escalations(p: Policy, alias: Map<string, string>): { fallbacks: Record<string, string[]>[]; retries: number } {
  const from = new Map<string, { to: string; rule: Rule }>();
  let after: { n: number; rule: Rule } | undefined;
  const refuse = (message: string): never => {
    throw new RecountError(`${p.file}: policy '${p.name}' cannot be written as a LiteLLM config: ${message}`, 'LiteLLM falls back per model alias, after one num_retries for the whole router');
  };
  for (const r of p.rules) {
    const route = r.route ? alias.get(r.route.model)! : undefined;
    if (r.escalate && !route) refuse(`rule '${r.name}' escalates without a route (LiteLLM falls back from the alias a request was sent to)`);
    if (!route) continue;
    const to = r.escalate ? alias.get(r.escalate.to)! : '';
    const seen = from.get(route);
    if (seen && seen.to !== to) refuse(`rules '${seen.rule.name}' and '${r.name}' both route to ${r.route!.model} but escalate differently`);
    from.set(route, { to, rule: r });
    if (r.escalate) {
      if (after && after.n !== r.escalate.afterFailures) refuse(`rules '${after.rule.name}' and '${r.name}' escalate after different numbers of failures`);
      after = { n: r.escalate.afterFailures, rule: r };
    }
  }
  const fallbacks = [...from].filter(([, v]) => v.to).map(([a, v]) => ({ [a]: [v.to] }));
  return { fallbacks, retries: after ? after.n - 1 : 0 };
}

/** A fail_rate map as written; `observed` (observed.ts) wraps it as the fallback, so reading back gives the same policy. */
function rates(key: string, map: Record<string, Record<string, Triple>>, observed: { minTurns: number } | undefined): Record<string, unknown> {
  const given = Object.keys(map).length ? mapValues(map, (t) => mapValues(t, triple)) : null;
  if (observed) return { [key]: { observed: true, min_turns: observed.minTurns, ...(given ? { fallback: given } : {}) } };
  return given ? { [key]: given } : {};
}

/** The policy in recount's format, routes naming aliases (no escalate: the fallbacks carry it). */
function section(p: Policy, alias: Map<string, string>): Record<string, unknown> {
  const policyUpgrade = p.budgets.some((b) => b.allowUpgrade);
  const a = p.assumptions;
  return {
    version: 1,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    ...(policyUpgrade ? { allow_upgrade: true } : {}),
    assumptions: {
      cache: { ttl: a.cacheTtlSeconds },
      output_ratio: mapValues(a.outputRatio, triple),
      tokenizer_ratio: mapValues(a.tokenizerRatio, triple),
      ...rates('fail_rate', a.failRate, a.observed?.fail_rate),
      ...rates('repeat_fail_rate', a.repeatFailRate, a.observed?.repeat_fail_rate),
      subagent_context_tokens: triple(a.subagentContextTokens),
    },
    rules: p.rules.map((r) => ({
      name: r.name,
      ...(r.isDefault ? {} : { when: toWhen(r.when) }),
      ...(r.route ? { route: { model: alias.get(r.route.model), scope: r.route.scope } } : {}),
      ...(!!r.allowUpgrade !== policyUpgrade ? { allow_upgrade: !!r.allowUpgrade } : {}),
    })),
    ...(p.budgets.length
      ? {
          budgets: p.budgets.map((b) => ({
            per: b.per,
            window: b.window,
            cap_usd: b.capUsd,
            on_exceed: b.onExceed.action === 'block' ? { block: true } : { route: alias.get(b.onExceed.model) },
          })),
        }
      : {}),
    ...(p.transforms.length ? { transforms: p.transforms.map(transform) } : {}),
  };
}

/** A condition in the `when:` form the parser reads back to the same nodes. */
export function toWhen(c: Condition): Record<string, unknown> {
  if ('args' in c) return { [c.op]: c.args.map(toWhen) };
  const operand = c.op === '$regex' ? c.pattern : c.op === '$exists' ? c.exists : 'values' in c ? c.values : c.value;
  return { [c.field]: { [c.op]: operand } };
}

function transform(t: Transform): Record<string, unknown> {
  return t.kind === 'stable_prefix'
    ? { stable_prefix: { recover: triple(t.recover) } }
    : { compact: { above_tokens: t.aboveTokens, summary_tokens: triple(t.summaryTokens) } };
}

const triple = (t: Triple): number[] => [t.low, t.central, t.high];

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
