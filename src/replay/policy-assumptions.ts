import { isMap, isSeq, type Node } from 'yaml';
import { scalar, type Entry } from '../config/yaml.js';
import { loadCatalog } from '../pricing/catalog.js';
import { MIN_OBSERVED_TURNS } from './observed.js';
import type { Assumptions, Triple } from './policy.js';
import { entries, type Ctx } from './policy-nodes.js';

/** A policy's `assumptions:` section, and the [low, central, high] triples it (and transforms) use. */

const ASSUMPTION_KEYS = ['cache', 'output_ratio', 'tokenizer_ratio', 'fail_rate', 'repeat_fail_rate', 'subagent_context_tokens'];
// A subagent starts from its own system prompt and tools: the logs cannot show how big, so a range.
const SUBAGENT_CONTEXT_TOKENS: Triple = { low: 5000, central: 10000, high: 20000 };

export function parseAssumptions(ctx: Ctx, entry: Entry | undefined): Assumptions {
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
export function triple(ctx: Ctx, node: Node | null, what: string, rate: boolean): Triple {
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
