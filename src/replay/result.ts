import type { ReplayFrame } from './frame.js';

/** after_failures above this are summed with this many (the parser allows 1–5) */
export const MAX_ATTEMPTS = 5;

/** What one replay run (one policy, one scenario) adds up to; built by engine.ts. */
export interface ReplayResult {
  baselineUsd: number; // priced history of the evaluated rows (the identity replay)
  billedUsd: number; // billed where known, else list, of the same rows
  costUsd: number; // counterfactual
  /** Σ f·B over routed rows and Σ B: cost at a uniform failure rate f is costUsd − failTermUsd + f·failSlopeUsd */
  failTermUsd: number;
  failSlopeUsd: number;
  /**
   * Per (model index × task types + task type index) × MAX_ATTEMPTS + after_failures − 1: the sums of
   * retry and escalation attempt costs of routed rows. Failure cost is Σ f·(retry·Σₖ f₂^(k−1) +
   * f₂^(n−1)·strong), so any failure-rate scenario follows from these without replaying.
   */
  failures: { retryUsd: Float64Array; strongUsd: Float64Array };
  cacheLossUsd: number; // reads the observed requests had that the replay had to pay for as writes or input
  recoveredBreakUsd: number; // stable_prefix
  compactions: number;
  compactionUsd: number; // the extra summarizing requests
  requests: { total: number; replayed: number; approximated: number; unpriced: number; targetUnpriced: number; blocked: number };
  byRule: { requests: Float64Array; baselineUsd: Float64Array; costUsd: Float64Array };
  byTaskType: { baselineUsd: Float64Array; costUsd: Float64Array };
  bySession: Float64Array; // cost per session index
  /** per model index: as observed (before) and as replayed (after) */
  byModelBefore: { requests: Float64Array; tokens: Float64Array; costUsd: Float64Array };
  byModelAfter: { requests: Float64Array; tokens: Float64Array; costUsd: Float64Array };
  budgetEvents: BudgetEvent[];
  rows?: RowBuckets; // with { perRow: true }
}

export interface BudgetEvent {
  budget: number; // index in the policy's budgets
  groupIx: number; // api key or project index
  windowStartS: number; // epoch seconds, UTC
  crossedAtS: number;
  spentAtCrossingUsd: number;
  affectedRequests: number; // downgraded or blocked after the crossing
  affectedCostUsd: number; // what those requests cost after the action
}

/** Per-row replayed buckets (tests, drill-down): U′ R′ W5′ W1h′ O′ and the cost. */
export interface RowBuckets {
  model: Int32Array; // -1 = not evaluated (unpriced), else the model that served it
  input: Float64Array;
  cacheRead: Float64Array;
  write5m: Float64Array;
  write1h: Float64Array;
  output: Float64Array;
  costUsd: Float64Array;
}


export function emptyResult(f: ReplayFrame, rules: number): ReplayResult {
  const models = () => ({ requests: new Float64Array(f.models.length), tokens: new Float64Array(f.models.length), costUsd: new Float64Array(f.models.length) });
  return {
    baselineUsd: 0,
    billedUsd: 0,
    costUsd: 0,
    failTermUsd: 0,
    failSlopeUsd: 0,
    failures: { retryUsd: new Float64Array(f.models.length * f.taskTypes.length * MAX_ATTEMPTS), strongUsd: new Float64Array(f.models.length * f.taskTypes.length * MAX_ATTEMPTS) },
    cacheLossUsd: 0,
    recoveredBreakUsd: 0,
    compactions: 0,
    compactionUsd: 0,
    requests: { total: 0, replayed: 0, approximated: 0, unpriced: 0, targetUnpriced: 0, blocked: 0 },
    byRule: { requests: new Float64Array(rules), baselineUsd: new Float64Array(rules), costUsd: new Float64Array(rules) },
    byTaskType: { baselineUsd: new Float64Array(f.taskTypes.length), costUsd: new Float64Array(f.taskTypes.length) },
    bySession: new Float64Array(f.sessions.length),
    byModelBefore: models(),
    byModelAfter: models(),
    budgetEvents: [],
  };
}

export function emptyRows(n: number): RowBuckets {
  return {
    model: new Int32Array(n),
    input: new Float64Array(n),
    cacheRead: new Float64Array(n),
    write5m: new Float64Array(n),
    write1h: new Float64Array(n),
    output: new Float64Array(n),
    costUsd: new Float64Array(n),
  };
}
