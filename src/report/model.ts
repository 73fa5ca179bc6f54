import type { Period } from '../period.js';
import type { TierShares } from '../replay/tier-targets.js';
import type { WhatIfReport } from '../replay/whatif.js';
import type { CompletedTasks } from './completed-tasks-section.js';

/**
 * Everything a report shows, as plain JSON-able data: gathered from the ledger by `gatherReportData`
 * (src/report/data.ts), rendered by `renderReport` (src/report/render.ts). Every string in here may come
 * from the ledger and is escaped when rendered; with --redact, keys, users, projects, sessions and file
 * paths are already pseudonyms here.
 */
export interface ReportData {
  title: string;
  period: Period;
  period_label: string; // "2026-10-01 to 2026-10-31", "all time"
  generated_at: string; // ISO 8601 UTC (RECOUNT_NOW pins it)
  version: string; // recount's version
  redacted: boolean;
  price_catalog: { label: string; fingerprint: string };
  headline: Headline;
  findings: FindingItem[];
  spend_over_time: SpendOverTime;
  task_types: TaskTypeSpend;
  token_mix: TokenMix;
  cache: CacheSection;
  top_sessions: SessionItem[];
  anomalies: Anomalies;
  reconciliation: Reconciliation | null; // null: no invoice lines imported for the period
  provenance: Provenance;
  /** `recount whatif` over the period for the report's --policy files; absent without policies. */
  whatif?: WhatIfReport;
  /** Share of calls and spend per routing tier, now and after each routing --policy (tier-data.ts); absent without calls. */
  tier_distribution?: TierDistribution;
  /** What a successful agent turn cost per task type and model, and per policy (completed-tasks-section.ts); absent without agent turns. */
  completed_tasks?: CompletedTasks;
}

/** The tier panel: the history and each policy's replay, as shares per tier against the guides' targets. */
export interface TierDistribution {
  targets: { tier12_min_request_share: number; tier3_max_request_share: number };
  scenarios: ({ label: string; kind: 'history' | 'policy' } & TierShares)[];
}

export interface CostPerRequest {
  label: string; // the model, with its provider when several providers bill it
  provider: string | null;
  model: string;
  requests: number;
  cost_usd: number | null;
  cost_per_request_usd: number;
}

export interface Headline {
  cost_usd: number;
  list_cost_usd: number;
  billed_cost_usd: number;
  records: number;
  requests: number;
  first_at: string | null;
  last_at: string | null;
  models: number;
  top_model: string | null;
  top_model_cost_usd: number | null;
  top_model_share: number | null;
  unpriced_records: number;
  uncosted_records: number;
  unpriced_models: string[];
  cost_per_request: CostPerRequest[]; // dearest call first, the costliest models only
}

export interface FindingItem {
  kind: string;
  title: string;
  impact_usd: number | null; // null: cost unknown
  query: string;
}

export interface SpendOverTime {
  series: string[]; // models, costliest first; OTHER last when models were folded into it
  points: { day: string; series: string; cost_usd: number }[];
  days: number;
  total_cost_usd: number;
}

export interface TaskTypeSpend {
  by_task_type: { task_type: string; tier: string; cost_usd: number; share: number; requests: number }[];
  by_tier: { tier: string; cost_usd: number; share: number; requests: number }[];
  classified_share: number | null; // share of spend with a task type other than unclassified
  total_cost_usd: number;
}

export interface TokenMix {
  parts: { bucket: string; tokens: number | null; cost_usd: number; share: number }[];
  list_cost_usd: number;
  unpriced_records: number;
}

export interface CacheSection {
  days: { day: string; requests: number; prompt_tokens: number; cache_hit_ratio: number; cost_usd: number | null }[];
  overall_hit_ratio: number | null;
  cache_savings_usd: number;
  breaks: {
    session_id: string;
    project: string | null;
    source: string;
    requests: number;
    prefix_breaks: number;
    idle_expiries: number;
    break_cost_usd: number | null;
    share_of_session: number | null;
  }[];
  sessions_with_breaks: number;
  total_break_cost_usd: number;
}

export interface SessionItem {
  session_id: string;
  projects: string[];
  models: string[];
  first_started_at: string | null;
  duration_minutes: number;
  requests: number;
  cost_usd: number | null;
  cost_per_request_usd: number | null;
}

export interface Anomalies {
  days: {
    day: string;
    provider: string | null;
    model: string | null;
    coverage: string | null; // what the day was compared with: 'aggregate', 'requests' or 'mixed' days
    cost_usd: number;
    median_usd: number;
    robust_z: number | null; // anomalous_days never scores ∞ now; null stays for a non-finite value
    excess_usd: number;
  }[];
  total: number; // flagged days before the cut
}

export interface Reconciliation {
  providers: { provider: string; invoiced_usd: number; priced_usd: number | null; gap_usd: number | null; lines: number }[];
  gaps: {
    usage_date: string;
    provider: string;
    model: string | null;
    token_type: string;
    invoiced_usd: number;
    priced_usd: number | null;
    gap_usd: number | null;
    likely_reason: string;
  }[];
  lines: number;
  first_day: string;
  last_day: string;
}

export interface Provenance {
  ledger: string;
  views: {
    provider: string | null;
    source: string;
    role: string;
    records: number;
    counted_records: number;
    first_day: string | null;
    last_day: string | null;
    cost_usd: number | null;
    not_counted_cost_usd: number;
  }[];
  formats: { format: string; files: number; rows_read: number; imported: number; duplicates: number; rejected: number; skipped_lines: number; unchanged_skips: number }[];
  files: { path: string; format: string; rows_read: number; imported: number; duplicates: number; rejected: number }[];
  totals: { files: number; rows_read: number; imported: number; duplicates: number; rejected: number };
  rejects_kept: number; // rejected rows the ledger keeps, as `recount rejects` lists them
  unchanged_skips: number; // times an incremental import found a file unchanged and did not open it
}
