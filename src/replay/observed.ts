import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';
import { failRateFor, repeatFailRateFor, type Assumptions, type Policy, type Triple } from './policy.js';

/**
 * `fail_rate: observed` (issue 18): the replay's failure-rate triples taken from the agent turns the
 * ledger holds (agent_events, queries/forensics/create_agent_turns_macro.sql) instead of guessed.
 * For a target model m and task type t:
 *   fail_rate        central = failed / known turns of m on t (known: succeeded or failed, not unknown);
 *                    low/high = 1 − the 90% Wilson bounds of the success rate.
 *   repeat_fail_rate central = failed turns with a repeated failure (the same command or error failing
 *                    again) / failed turns; low/high = its 90% Wilson interval. A proxy for f₂ (a retry
 *                    failing again): the turn retried and failed the same way.
 * Fewer than `min_turns` known turns (failed turns for repeat_fail_rate) and the policy's own triple
 * (its `fallback:`) stays, with a warning naming the model and task type.
 */

/** The normal quantile of a two-sided 90% interval. */
export const Z90 = 1.6448536269514722;
/** Known turns below which an observed rate is too noisy to replace the policy's guess (±15 points at 20). */
export const MIN_OBSERVED_TURNS = 20;

export type ObservedGroup = 'fail_rate' | 'repeat_fail_rate';

/** `fail_rate: observed` in a policy: the least number of turns an observed rate needs. */
export interface ObservedSpec {
  minTurns: number;
}

/** Wilson score interval for `hits` of `n` (n > 0), clamped to [0, 1]. */
export function wilson(hits: number, n: number, z = Z90): { low: number; high: number } {
  const p = hits / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** The failure-rate triple of `failed` of `known` turns: central failed/known, bounds 1 − Wilson success bounds. */
export function failTriple(failed: number, known: number): Triple {
  const s = wilson(known - failed, known);
  return { low: 1 - s.high, central: failed / known, high: 1 - s.low };
}

/** A rate `hits` of `n` with its Wilson interval as a triple (repeat failures among failed turns). */
export function rateTriple(hits: number, n: number): Triple {
  const w = wilson(hits, n);
  return { low: w.low, central: hits / n, high: w.high };
}

/** One (model, task type) of the history: turns with a known outcome, failed ones, failed ones that repeated a failure. */
export interface ObservedOutcome {
  model: string;
  task_type: string;
  known_turns: number;
  failed_turns: number;
  repeat_failed_turns: number;
}

/** Where an assumption row's triple came from: the turns behind it, or the policy's guess. */
export interface AssumptionSource {
  source: 'observed' | 'assumed';
  turns: number | null;
}

export interface Calibration {
  /** the policy with its observed triples filled in (the fallback triples where data is short) */
  policy: Policy;
  /** `${group}\u0000${model}\u0000${task_type}` → the turns an observed triple rests on */
  observed: Map<string, number>;
  warnings: string[];
}

export const sourceKey = (group: string, model: string | null, taskType: string | null) => `${group}\u0000${model ?? ''}\u0000${taskType ?? ''}`;

/** The period's turns per (main model, task type), as observed_outcomes.sql counts them. */
export async function loadObservedOutcomes(ledger: Ledger, period: Period): Promise<ObservedOutcome[]> {
  return ledger.all<ObservedOutcome>(sql('replay/observed_outcomes'), { since: period.since, until: period.until, tz: period.tz });
}

/**
 * The policy with `fail_rate: observed` / `repeat_fail_rate: observed` resolved for each target model
 * and task type: observed where the history has enough turns, else its fallback triple (said in a
 * warning per model). `taskTypes` are the replay's task types (unclassified included). Pure.
 */
export function calibratePolicy(policy: Policy, outcomes: ObservedOutcome[], targets: string[], taskTypes: string[]): Calibration {
  const spec = policy.assumptions.observed;
  const observed = new Map<string, number>();
  const warnings: string[] = [];
  if (!spec) return { policy, observed, warnings };
  const byKey = new Map(outcomes.map((o) => [`${o.model}\u0000${o.task_type}`, o]));
  const a = policy.assumptions;
  const next: Assumptions = { ...a, failRate: copyRates(a.failRate), repeatFailRate: copyRates(a.repeatFailRate) };
  for (const group of ['fail_rate', 'repeat_fail_rate'] as const) {
    const s = spec[group];
    if (!s) continue;
    for (const model of targets) {
      const short: string[] = [];
      for (const t of taskTypes) {
        const o = byKey.get(`${model}\u0000${t}`);
        const n = group === 'fail_rate' ? Number(o?.known_turns ?? 0) : Number(o?.failed_turns ?? 0);
        if (o && n >= s.minTurns) {
          const triple = group === 'fail_rate' ? failTriple(Number(o.failed_turns), n) : rateTriple(Number(o.repeat_failed_turns), n);
          (group === 'fail_rate' ? next.failRate : next.repeatFailRate)[model] ??= {};
          (group === 'fail_rate' ? next.failRate : next.repeatFailRate)[model][t] = triple;
          observed.set(sourceKey(group, model, t), n);
        } else {
          // as the engine will look it up: a repeat rate not given falls back to the (maybe observed) fail rate
          const kept = group === 'fail_rate' ? failRateFor(next, model, t) : repeatFailRateFor(next, model, t);
          short.push(`${t} (${n}; kept ${show(kept)})`);
        }
      }
      const what = group === 'fail_rate' ? 'known turns' : 'failed turns';
      if (short.length) warnings.push(`${policy.file}: ${group}: observed: ${model} has fewer than ${s.minTurns} ${what} on ${short.join(', ')}: the policy's own ${group} is used there`);
    }
  }
  return { policy: { ...policy, assumptions: next }, observed, warnings };
}

function copyRates(m: Record<string, Record<string, Triple>>): Record<string, Record<string, Triple>> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ...v }]));
}

const show = (t: Triple) => (t.low === t.high ? String(round(t.central)) : `[${round(t.low)}, ${round(t.central)}, ${round(t.high)}]`);
const round = (x: number) => Math.round(x * 1000) / 1000;
