import { withSession } from '../session.js';
import { describePeriod, resolvePeriod, type PeriodFlags } from '../period.js';
import { renderTable, toJson, usd } from '../format/table.js';
import { verbose, wrapLine } from '../format/output-options.js';
import { litellmConfig } from '../replay/litellm-write.js';
import { writeFileAtomic } from '../report/write.js';
import { readPolicies, replayWarnings } from '../replay/policy-check.js';
import type { TierShares } from '../replay/tier-targets.js';
import { runWhatIf, type PolicyOutcome, type Range, type WhatIfReport } from '../replay/whatif.js';
import { RecountError } from '../errors.js';
import { renderPlans } from './whatif-plans.js';

export interface WhatIfFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  policy?: string[];
  json?: boolean;
  emitLitellm?: string; // write the first policy as a LiteLLM proxy config there
}

/** A warning on stderr (stdout stays data), as `whatif` and `report` say them. */
export const warnOnStderr = (message: string): void => void process.stderr.write(`warning: ${message}\n`);

/** Replays the period under each --policy and prints what each would have cost. */
export async function whatifCommand(flags: WhatIfFlags): Promise<void> {
  const period = resolvePeriod(flags);
  if (!flags.policy?.length) throw new RecountError('no policy to replay', 'pass --policy FILE or a bundled policy by name (e.g. --policy cheap-by-default); repeat it to compare several');
  await withSession(flags, async ({ ledger, prices }) => {
    const policies = readPolicies(flags.policy!, prices, warnOnStderr);
    if (flags.emitLitellm) {
      // before the replay: a policy LiteLLM cannot express fails fast
      writeFileAtomic(flags.emitLitellm, litellmConfig(policies[0], prices));
      process.stderr.write(`wrote ${flags.emitLitellm}: policy ${policies[0].name} as a LiteLLM config\n`);
    }
    const report = await runWhatIf(ledger, prices, period, policies);
    for (const w of report.policies.flatMap((p) => p.warnings ?? [])) warnOnStderr(w); // fail_rate: observed, short of turns
    // a rule that can do nothing is most often a typo: said on stderr, the output stays as it is
    for (const w of await replayWarnings(ledger, policies, report, describePeriod(period))) warnOnStderr(w);
    process.stdout.write(flags.json ? toJson(report) : renderWhatIf(report, describePeriod(period)));
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const compactNumber = (n: number) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
const range = (r: Range) => (Math.abs(r.high - r.low) < 0.005 ? usd(r.central) : `${usd(r.low)} – ${usd(r.high)}`);

export function renderWhatIf(r: WhatIfReport, periodText: string): string {
  const h = r.history;
  if (h.requests === 0) return `what-if for ${periodText}: no usage in this period, nothing to replay (see what is there with: recount summary)\n`;
  const out: string[] = [
    `what-if for ${periodText}: ${h.requests.toLocaleString('en-US')} requests; history at list prices ${usd(h.list_cost_usd)}, billed ${usd(h.billed_cost_usd)}` +
      (h.unpriced_requests ? `; ${h.unpriced_requests.toLocaleString('en-US')} requests of unpriced models left out` : ''),
    `prices: ${r.price_catalog.label} (fingerprint ${r.price_catalog.fingerprint})`,
  ];
  // plan policies only: no routing table, the plan comparison alone
  if (r.policies.length) out.push('', renderTable(
      r.policies.map((p) => ({
        policy: p.name,
        cost_usd: p.cost_usd.central,
        bounds: range(p.cost_usd),
        savings_usd: p.savings_usd.central,
        savings: pct(p.savings_pct.central),
        break_even_fail_rate: p.break_even_fail_rate == null ? '—' : p.break_even_fail_rate >= 1 ? 'any' : p.break_even_fail_rate <= 0 ? 'never' : pct(p.break_even_fail_rate),
        evaluated: pct(p.coverage.evaluated_share),
      })),
      [
        { key: 'policy', minWidth: 24 },
        { key: 'cost_usd', label: 'cost (central)' },
        { key: 'bounds', label: 'bounds (low – high)' },
        { key: 'savings_usd', label: 'savings' },
        { key: 'savings', label: '%' },
        { key: 'break_even_fail_rate', label: 'break-even' },
        { key: 'evaluated', label: 'evaluated' },
      ],
    ).trimEnd());
  for (const p of r.policies) out.push('', ...renderPolicy(p));
  if (r.policies.length) out.push('', `caveat: ${r.caveat}`);
  if (r.plans) out.push('', ...renderPlans(r.plans));
  // tables are fitted to the width already; prose lines wrap to it
  return out.join('\n').split('\n').flatMap((line) => wrapLine(line)).join('\n') + '\n';
}

/** The calls per tier now → after, against the routing guides' targets (tier-targets.ts). */
function tierSharesLine(t: PolicyOutcome['tier_shares']): string {
  const shares = (x: TierShares) => x.tiers.map((y) => pct(y.request_share)).join(' / ');
  const verdict = (x: TierShares) => (x.requests === 0 ? 'no calls' : x.outside_targets.length ? `outside (${x.outside_targets.join('; ')})` : 'within targets');
  return `calls by tier 1/2/3: now ${shares(t.before)} → after ${shares(t.after)}; now ${verdict(t.before)}, after ${verdict(t.after)}`;
}

function renderPolicy(p: PolicyOutcome): string[] {
  const lines = [`── ${p.name}${p.description ? `: ${p.description}` : ''} (${p.file}, fingerprint ${p.fingerprint})`];
  lines.push(`cost ${usd(p.cost_usd.central)} (bounds ${usd(p.cost_usd.low)} – ${usd(p.cost_usd.high)}) vs ${usd(p.baseline_cost_usd)} at list prices`);
  lines.push(`history billed ${usd(p.billed_cost_usd)} (residual ${usd(p.residual_usd)})`);
  lines.push(`savings ${usd(p.savings_usd.central)} (${pct(p.savings_pct.central)}; bounds ${usd(p.savings_usd.low)} – ${usd(p.savings_usd.high)}); cache-loss penalty ${usd(p.cache_loss_usd)}`);
  const routed = p.savings_by_rule.filter((x) => x.requests > 0);
  if (routed.length) lines.push('', renderTable(routed, [{ key: 'rule' }, { key: 'requests' }, { key: 'baseline_cost_usd', label: 'history' }, { key: 'cost_usd', label: 'replayed' }, { key: 'savings_usd', label: 'savings' }]).trimEnd());
  for (const t of p.savings_by_transform) lines.push(`transform ${t.transform}: saves ${usd(t.savings_usd)}`);
  if (p.compactions) lines.push(`compactions: ${p.compactions.toLocaleString('en-US')}, costing ${usd(p.compaction_cost_usd)} in summarizing requests`);
  lines.push('', renderTable(
    p.tiers.map((t) => ({
      tier: t.tier,
      requests_before: t.before.requests,
      requests_after: t.after.requests,
      tokens_before: t.before.tokens,
      tokens_after: t.after.tokens,
      cost_before_usd: t.before.cost_usd,
      cost_after_usd: t.after.cost_usd,
    })),
    [
      { key: 'tier', label: 'model tier' },
      { key: 'requests_before', label: 'requests before' },
      { key: 'requests_after', label: 'after' },
      { key: 'tokens_before', label: 'tokens before', format: (v) => compactNumber(v as number) },
      { key: 'tokens_after', label: 'after', format: (v) => compactNumber(v as number) },
      { key: 'cost_before_usd', label: 'cost before' },
      { key: 'cost_after_usd', label: 'after' },
    ],
  ).trimEnd());
  lines.push(tierSharesLine(p.tier_shares));
  const types = p.task_types.slice(0, 8);
  if (types.length) lines.push('', renderTable(types, [{ key: 'task_type', label: 'task type' }, { key: 'baseline_cost_usd', label: 'history' }, { key: 'cost_usd', label: 'replayed' }]).trimEnd());
  if (p.budget_events.length) {
    lines.push('', `budget events: ${p.budget_events.length}`);
    for (const e of p.budget_events.slice(0, 10)) lines.push(`  ${e.crossed_at} ${e.per} ${e.group ?? '(none)'} crossed ${e.budget} at ${usd(e.spent_at_crossing_usd)}: ${e.action} for ${e.affected_requests.toLocaleString('en-US')} requests (${usd(e.affected_cost_usd)})`);
  }
  const c = p.coverage;
  lines.push('', `coverage: ${c.replayed_requests.toLocaleString('en-US')} requests replayed with cache state, ${c.approximated_requests.toLocaleString('en-US')} re-priced as buckets, ${c.unpriced_requests.toLocaleString('en-US')} unpriced (left out)` +
    (c.target_unpriced_requests ? `, ${c.target_unpriced_requests.toLocaleString('en-US')} kept (target unpriced that day)` : '') + (c.blocked_requests ? `, ${c.blocked_requests.toLocaleString('en-US')} blocked` : ''));
  if (c.approximated_sources.length) {
    lines.push(`  as buckets: ${c.approximated_sources.map((s) => `${s.source} (${s.requests.toLocaleString('en-US')} requests, ${s.bucketed ? 'provider aggregates' : 'no session'})`).join(', ')}`);
  }
  if (p.break_even_fail_rate != null) {
    const b = p.break_even_fail_rate;
    lines.push(b <= 0 ? 'break-even: never saves money, even if no routed task needs redoing' : b >= 1 ? 'break-even: saves money even if every routed task needs redoing once' : `break-even: saves money while fewer than ${pct(b)} of routed tasks need redoing`);
  }
  if (p.sensitivity.length) lines.push(`sensitivity: ${p.sensitivity.map((s) => `${s.assumption} ±${usd(s.swing_usd / 2)}`).join(', ')}`);
  const triple = (a: { low: number; central: number; high: number }) => (a.low === a.high ? `${a.central}` : `${a.low}/${a.central}/${a.high}`);
  // fail_rate: observed: which triples came from agent turns (n of them) and which are the policy's guesses
  const fromData = p.assumptions.filter((a) => a.source === 'observed');
  const from = (a: PolicyOutcome['assumptions'][number]) => (a.source === 'observed' ? `${a.turns} turns` : 'guess');
  if (verbose()) {
    lines.push('', renderTable(p.assumptions.map((a) => ({ ...a, low: a.low, central: a.central, high: a.high, from: from(a) })), [
      { key: 'assumption' }, { key: 'model', priority: 0 }, { key: 'task_type', label: 'task type', priority: 0 }, { key: 'low' }, { key: 'central', priority: 0 }, { key: 'high' },
      ...(fromData.length ? [{ key: 'from' }] : []),
    ]).trimEnd());
  } else {
    // the fail rates are one per model and task type: a count here, the values behind --verbose
    const plain = p.assumptions.filter((a) => !a.model && !a.task_type).map((a) => `${a.assumption} ${triple(a)}`);
    const keyed = p.assumptions.filter((a) => a.model || a.task_type);
    const observed = fromData.length ? ` (${fromData.length} observed from agent turns, ${keyed.length - fromData.length} guessed)` : '';
    lines.push(`assumptions (low/central/high): ${[...plain, ...(keyed.length ? [`${keyed.length} more by model and task type${observed}`] : [])].join('; ')} (--verbose lists them)`);
  }
  return lines;
}
