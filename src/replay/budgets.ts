import type { ReplayFrame } from './frame.js';
import type { ReplayPlan } from './plan.js';
import type { BudgetEvent } from './result.js';

/** What the budgets do to one request: block it, move it to `downgradeTo` (≥ 0), or nothing (`by` = -1). */
export interface BudgetAction {
  blocked: boolean;
  downgradeTo: number;
  by: number; // the budget that acted
}

/**
 * Counterfactual spend per (budget, key or project, window), walked in the replay's time order: once a
 * window has crossed its cap, the budget's action applies to the rest of it, and the crossing is an event.
 */
export class BudgetLedger {
  // spend per (group, window): dense over the frame's windows (one array per budget), a map when too large
  private readonly spent: (Float64Array | Map<number, number>)[];
  private readonly firstWindow: number[];
  private readonly windows: number[];
  private readonly crossings: Map<number, BudgetEvent>[];
  private readonly action: BudgetAction = { blocked: false, downgradeTo: -1, by: -1 };
  private readonly keys: Float64Array; // the row of the last actionFor: its key under each budget (for charge)

  constructor(private readonly f: ReplayFrame, private readonly plan: ReplayPlan) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; plan.budgets.length && i < f.rows; i++) {
      lo = Math.min(lo, f.tS[i]);
      hi = Math.max(hi, f.tS[i]);
    }
    this.firstWindow = plan.budgets.map((b) => (f.rows ? Math.floor(lo / b.windowSeconds) : 0));
    this.windows = plan.budgets.map((b, k) => (f.rows ? Math.floor(hi / b.windowSeconds) - this.firstWindow[k] + 1 : 0));
    this.spent = plan.budgets.map((b, k) => {
      const cells = (b.perProject ? f.projects.length : f.apiKeys.length) * this.windows[k];
      return cells <= 1 << 22 ? new Float64Array(cells) : new Map<number, number>();
    });
    this.crossings = plan.budgets.map(() => new Map());
    this.keys = new Float64Array(plan.budgets.length);
  }

  /** The action for row i (one object, reused: read it before the next call), which charge(i) then counts. */
  actionFor(i: number): BudgetAction {
    const act = this.action;
    act.blocked = false;
    act.downgradeTo = -1;
    act.by = -1;
    for (let k = 0; k < this.plan.budgets.length; k++) this.keys[k] = this.keyOf(k, i);
    for (let k = 0; k < this.plan.budgets.length && !act.blocked; k++) {
      const key = this.keys[k];
      if (key < 0 || this.spentAt(k, key) < this.plan.budgets[k].capUsd) continue;
      act.by = k;
      act.blocked = this.plan.budgets[k].downgradeTo < 0;
      if (act.blocked) this.crossings[k].get(key)!.affectedRequests += this.f.requests[i];
      else act.downgradeTo = this.plan.budgets[k].downgradeTo;
    }
    return act;
  }

  /**
   * Row i (the last actionFor's) cost `costs[0]` (after the action of budget `by`, -1 for none): counts
   * it against every budget. The array, not the number: a fraction passed to a call is a new heap number.
   */
  charge(i: number, costs: Float64Array, by: number): void {
    const f = this.f;
    const cost = costs[0];
    if (by >= 0) {
      const ev = this.crossings[by].get(this.keys[by])!;
      ev.affectedRequests += f.requests[i];
      ev.affectedCostUsd += cost;
    }
    for (let k = 0; k < this.plan.budgets.length; k++) {
      const key = this.keys[k];
      if (key < 0) continue;
      const b = this.plan.budgets[k];
      const before = this.spentAt(k, key);
      const spent = this.spent[k];
      if (spent instanceof Float64Array) spent[key] = before + cost;
      else spent.set(key, before + cost);
      if (before < b.capUsd && before + cost >= b.capUsd) {
        this.crossings[k].set(key, {
          budget: k,
          groupIx: b.perProject ? f.projectIx[i] : f.keyIx[i],
          windowStartS: Math.floor(f.tS[i] / b.windowSeconds) * b.windowSeconds,
          crossedAtS: f.tS[i],
          spentAtCrossingUsd: before + cost,
          affectedRequests: 0,
          affectedCostUsd: 0,
        });
      }
    }
  }

  /** Every crossing, in time order. */
  events(): BudgetEvent[] {
    return this.crossings.flatMap((e) => [...e.values()]).sort((x, y) => x.crossedAtS - y.crossedAtS || x.budget - y.budget || x.groupIx - y.groupIx);
  }

  /** The (group, window) a row's spend counts against, or -1 when it has no key (or project) to cap. */
  private keyOf(k: number, i: number): number {
    const b = this.plan.budgets[k];
    const group = b.perProject ? this.f.projectIx[i] : this.f.keyIx[i];
    return group === b.ungrouped ? -1 : group * this.windows[k] + Math.floor(this.f.tS[i] / b.windowSeconds) - this.firstWindow[k];
  }

  private spentAt(k: number, key: number): number {
    const spent = this.spent[k];
    return spent instanceof Float64Array ? spent[key] : (spent.get(key) ?? 0);
  }
}
