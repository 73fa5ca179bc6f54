import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import type { Condition } from '../conditions/types.js';
import { ledgerRules } from '../classify/classify.js';
import type { Ledger } from '../db/ledger.js';
import type { PriceBook } from '../pricing/install.js';
import { readPolicy, type Policy } from './policy.js';
import type { WhatIfReport } from './whatif.js';

/** The bundled policies, in the installed package (so a bare name works after a global install too). */
export const BUNDLED_POLICIES = path.join(packageRoot, 'samples', 'policies');

/**
 * A --policy argument as a file: a path that exists is itself; a bare name (`cheap-by-default`) that is
 * no file here is the bundled policy of that name. Anything else is left for readPolicy to refuse.
 */
export function resolvePolicyFile(given: string): string {
  if (fs.existsSync(given)) return given;
  // a bundled policy or plan by bare name (cheap-by-default, claude-max-5x), or by its path in the
  // package (plans/claude-max-5x.yaml, policies/task-tiers.yaml): found after a global install too
  const bare = given.replace(/\.ya?ml$/, '');
  const candidates = /[\\/]/.test(given)
    ? [path.join(BUNDLED_POLICIES, '..', `${bare}.yaml`)]
    : [path.join(BUNDLED_POLICIES, `${bare}.yaml`), path.join(BUNDLED_POLICIES, '..', 'plans', `${bare}.yaml`)];
  return candidates.find((c) => fs.existsSync(c)) ?? given;
}

/**
 * The --policy arguments as policies (files, or bundled policies by name), and what each file holds
 * that the replay does not read (a LiteLLM config's other keys) said through `warn`, before any
 * replay: `whatif` and `report` read their policies through this one function.
 */
export function readPolicies(args: readonly string[], book: PriceBook, warn: (message: string) => void): Policy[] {
  const policies = args.map((arg) => readPolicy(resolvePolicyFile(arg), book));
  for (const w of policies.flatMap((p) => p.warnings ?? [])) warn(w);
  return policies;
}

/**
 * After a replay: the rules of the routing policies that can do nothing (policyWarnings), against the
 * ledger's classifier rules. None when the period has no usage (then every rule matches nothing).
 */
export async function replayWarnings(ledger: Ledger, policies: readonly Policy[], report: WhatIfReport, periodText: string): Promise<string[]> {
  if (report.history.requests === 0) return [];
  const known = new Set([...(await ledgerRules(ledger)).rules.map((r) => r.taskType), 'unclassified']);
  const routing = policies.filter((p) => !p.plan).flatMap((p, i) => policyWarnings(p, known, report.policies[i]?.savings_by_rule ?? [], periodText));
  // a plan file's own rules, against the agent requests its plan meters
  const plans = policies.filter((p) => p.plan);
  return [...routing, ...plans.flatMap((p, i) => (p.planRules ? policyWarnings(p, known, report.plans?.plans[i]?.routing?.by_rule ?? [], periodText) : []))];
}

/** The names of the bundled policies (for a hint). */
export function bundledPolicyNames(): string[] {
  try {
    return fs.readdirSync(BUNDLED_POLICIES).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort();
  } catch {
    return [];
  }
}

/**
 * Rules that can do nothing, said once each: a `when` naming a task type no classifier rule gives
 * (a typo, or a type the rules do not have), and a rule that matched no request in the period.
 * `matched` is each rule's request count from the replay (savings_by_rule).
 */
export function policyWarnings(policy: Policy, knownTaskTypes: Set<string>, matched: { rule: string; requests: number }[], periodText: string): string[] {
  const out: string[] = [];
  const counts = new Map(matched.map((m) => [m.rule, m.requests]));
  for (const rule of policy.rules) {
    const unknown = taskTypesIn(rule.when).filter((t) => !knownTaskTypes.has(t));
    if (unknown.length) {
      const known = [...knownTaskTypes].sort().join(', ');
      out.push(`${policy.file}: rule '${rule.name}' names task type${unknown.length === 1 ? '' : 's'} ${unknown.map((t) => `'${t}'`).join(', ')} that no classifier rule gives (known: ${known})`);
    }
    if (!rule.isDefault && counts.get(rule.name) === 0) out.push(`${policy.file}: rule '${rule.name}' matches no request in ${periodText}`);
  }
  return out;
}

/** Every task type a condition tests for ($eq, $in and friends on task_type). */
function taskTypesIn(c: Condition): string[] {
  if ('args' in c) return c.args.flatMap(taskTypesIn);
  if (c.field !== 'task_type') return [];
  if ('value' in c) return [String(c.value)];
  if ('values' in c) return c.values.map(String);
  return [];
}
