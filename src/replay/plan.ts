import type { ReplayFrame } from './frame.js';
import { failRateFor, ratioFor, repeatFailRateFor, type Policy, type Triple } from './policy.js';

/**
 * A policy compiled against one frame: rules, budgets and transforms as model indexes and numbers the
 * engine's loop reads without string lookups, plus the scenario (one value per assumption) it runs.
 */
export interface ReplayPlan {
  /** per rule: target model index, -1 = keep the original model */
  ruleTarget: Int32Array;
  ruleSubagent: Uint8Array; // scope: subagent
  ruleAllowUpgrade: Uint8Array; // allow_upgrade: the route may go to a dearer model (else it is skipped there)
  /** per rule: escalation target (-1 = redo on the original model) and failures before escalating */
  escalateTo: Int32Array;
  afterFailures: Int32Array;
  budgets: CompiledBudget[];
  stablePrefix: boolean;
  compactAboveTokens: number; // Infinity = no compaction
  ttlSeconds: number;
  minCacheableTokens: Float64Array; // per model index
}

export interface CompiledBudget {
  perProject: boolean; // else per api key
  ungrouped: number; // the key (or project) index of rows that have none: no cap applies to them
  windowSeconds: number;
  capUsd: number;
  downgradeTo: number; // model index; -1 = block
  allowUpgrade: boolean; // else a request already on a model cheaper than downgradeTo keeps its model
}

/** One value per assumption: the numbers a single replay run uses. */
export interface Scenario {
  tokenizerRatio: Float64Array; // ρ per target model index
  outputRatio: Float64Array; // σ per target model index
  failRate: Float64Array; // f per model index * taskTypes + task type index
  repeatFailRate: Float64Array; // f₂, same layout
  recover: number; // stable_prefix: share of observed prefix breaks recovered
  summaryTokens: number; // compact: summary length
  subagentContextTokens: number;
}

export type End = 'low' | 'central' | 'high';

/** The assumption groups a scenario sets; each is swept on its own for the sensitivity ranking. */
export const ASSUMPTION_GROUPS = ['tokenizer_ratio', 'output_ratio', 'fail_rate', 'repeat_fail_rate', 'stable_prefix_recover', 'compact_summary_tokens', 'subagent_context_tokens'] as const;
export type AssumptionGroup = (typeof ASSUMPTION_GROUPS)[number];

/** Which end of each range lowers cost: recovering more breaks is cheaper, everything else costs more as it grows. */
const CHEAP_END: Record<AssumptionGroup, End> = {
  tokenizer_ratio: 'low',
  output_ratio: 'low',
  fail_rate: 'low',
  repeat_fail_rate: 'low',
  stable_prefix_recover: 'high',
  compact_summary_tokens: 'low',
  subagent_context_tokens: 'low',
};

export function compilePlan(policy: Policy, frame: ReplayFrame): ReplayPlan {
  const ix = (model: string) => {
    const at = frame.models.indexOf(model);
    if (at < 0) throw new Error(`target model ${model} is not in the frame`); // loadReplayFrame adds every target
    return at;
  };
  const compact = policy.transforms.find((t) => t.kind === 'compact');
  return {
    ruleTarget: Int32Array.from(policy.rules.map((r) => (r.route ? ix(r.route.model) : -1))),
    ruleSubagent: Uint8Array.from(policy.rules.map((r) => (r.route?.scope === 'subagent' ? 1 : 0))),
    ruleAllowUpgrade: Uint8Array.from(policy.rules.map((r) => (r.allowUpgrade ? 1 : 0))),
    escalateTo: Int32Array.from(policy.rules.map((r) => (r.escalate ? ix(r.escalate.to) : -1))),
    afterFailures: Int32Array.from(policy.rules.map((r) => r.escalate?.afterFailures ?? 1)),
    budgets: policy.budgets.map((b) => ({
      perProject: b.per === 'project',
      ungrouped: (b.per === 'project' ? frame.projects : frame.apiKeys).indexOf(null),
      windowSeconds: b.window === 'hour' ? 3600 : 86400,
      capUsd: b.capUsd,
      downgradeTo: b.onExceed.action === 'route' ? ix(b.onExceed.model) : -1,
      allowUpgrade: b.allowUpgrade === true,
    })),
    stablePrefix: policy.transforms.some((t) => t.kind === 'stable_prefix'),
    compactAboveTokens: compact?.kind === 'compact' ? compact.aboveTokens : Infinity,
    ttlSeconds: policy.assumptions.cacheTtlSeconds,
    minCacheableTokens: Float64Array.from(frame.models.map((m) => minCacheableTokens(m))),
  };
}

/** Every assumption at one end, or each group at its own end (`ends`), central where not given. */
export function scenarioFor(policy: Policy, frame: ReplayFrame, ends: Partial<Record<AssumptionGroup, End>>): Scenario {
  const end = (g: AssumptionGroup, t: Triple) => t[ends[g] ?? 'central'];
  const a = policy.assumptions;
  const models = frame.models;
  const types = frame.taskTypes.length;
  const failRate = new Float64Array(models.length * types);
  const repeatFailRate = new Float64Array(models.length * types);
  models.forEach((m, mi) => {
    frame.taskTypes.forEach((t, ti) => {
      failRate[mi * types + ti] = m == null ? 0 : end('fail_rate', failRateFor(a, m, t));
      repeatFailRate[mi * types + ti] = m == null ? 0 : end('repeat_fail_rate', repeatFailRateFor(a, m, t));
    });
  });
  const stable = policy.transforms.find((t) => t.kind === 'stable_prefix');
  const compact = policy.transforms.find((t) => t.kind === 'compact');
  return {
    tokenizerRatio: Float64Array.from(models.map((m) => end('tokenizer_ratio', ratioFor(a.tokenizerRatio, m ?? 'default')))),
    outputRatio: Float64Array.from(models.map((m) => end('output_ratio', ratioFor(a.outputRatio, m ?? 'default')))),
    failRate,
    repeatFailRate,
    recover: stable?.kind === 'stable_prefix' ? end('stable_prefix_recover', stable.recover) : 0,
    summaryTokens: compact?.kind === 'compact' ? end('compact_summary_tokens', compact.summaryTokens) : 0,
    subagentContextTokens: end('subagent_context_tokens', a.subagentContextTokens),
  };
}

/** All assumptions at their cost-lowering end (`optimistic`) or cost-raising end. */
export function boundEnds(bound: 'optimistic' | 'pessimistic'): Record<AssumptionGroup, End> {
  const flip = (e: End): End => (e === 'low' ? 'high' : 'low');
  return Object.fromEntries(ASSUMPTION_GROUPS.map((g) => [g, bound === 'optimistic' ? CHEAP_END[g] : flip(CHEAP_END[g])])) as Record<AssumptionGroup, End>;
}

/** One group at its cheap and its dear end, the rest central: the sensitivity sweep. */
export function sweepEnds(group: AssumptionGroup): { cheap: Partial<Record<AssumptionGroup, End>>; dear: Partial<Record<AssumptionGroup, End>> } {
  const cheap = CHEAP_END[group];
  return { cheap: { [group]: cheap }, dear: { [group]: cheap === 'low' ? 'high' : 'low' } };
}

/** The groups whose range in this policy is wider than a point (and that the policy uses at all). */
export function variedGroups(policy: Policy): AssumptionGroup[] {
  const a = policy.assumptions;
  const wide = (t: Triple) => t.low !== t.high;
  const anyWide = (ts: Triple[]) => ts.some(wide);
  const nested = (m: Record<string, Record<string, Triple>>) => Object.values(m).flatMap((x) => Object.values(x));
  const routes = policy.rules.some((r) => r.route) || policy.budgets.some((b) => b.onExceed.action === 'route');
  const subagent = policy.rules.some((r) => r.route?.scope === 'subagent');
  const stable = policy.transforms.find((t) => t.kind === 'stable_prefix');
  const compact = policy.transforms.find((t) => t.kind === 'compact');
  const out: AssumptionGroup[] = [];
  if (routes && anyWide(Object.values(a.tokenizerRatio))) out.push('tokenizer_ratio');
  if (routes && anyWide(Object.values(a.outputRatio))) out.push('output_ratio');
  if (routes && anyWide(nested(a.failRate))) out.push('fail_rate');
  if (routes && anyWide(nested(a.repeatFailRate))) out.push('repeat_fail_rate');
  if (stable?.kind === 'stable_prefix' && wide(stable.recover)) out.push('stable_prefix_recover');
  if (compact?.kind === 'compact' && wide(compact.summaryTokens)) out.push('compact_summary_tokens');
  if (subagent && wide(a.subagentContextTokens)) out.push('subagent_context_tokens');
  return out;
}

/**
 * The shortest prompt a provider will cache (prompt-caching docs): Anthropic 4,096 tokens for Opus
 * 4.5+ and Haiku 4.5, 2,048 for Haiku 3/3.5, else 1,024; OpenAI and Google 1,024.
 */
export function minCacheableTokens(model: string | null): number {
  if (model == null) return 1024;
  if (/^claude-(opus-4-[5-9]|haiku-4-5)/.test(model)) return 4096;
  if (/^claude-3(-5)?-haiku/.test(model)) return 2048;
  return 1024;
}
