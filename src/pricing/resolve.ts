import type { PriceRow } from './catalog.js';

/**
 * Rates as pricing uses them: for each model, the home provider's effective-dated rates (provider
 * null: they price every provider without its own entry), and each other provider's own rates, with
 * the rates its entry lacks taken from the home provider's and named in `borrowed`.
 */
export interface RateRow extends PriceRow {
  home_provider: string | null; // the model's home (null: priced only by an override for every provider)
  borrowed: Borrowable[]; // rates this provider's entry lacks, filled from the home provider's
}

export type Borrowable = 'cache_read' | 'cache_write_5m' | 'cache_write_1h' | 'output' | 'web_search';

type RateKey = keyof PriceRow & `${string}_usd_per_${string}`;

/** What a provider's entry may lack and a row may need: the rate, and its long-context twin. */
export const BORROWABLE: readonly { name: Borrowable; rate: RateKey; lc: RateKey | null }[] = [
  { name: 'cache_read', rate: 'cache_read_usd_per_mtok', lc: 'lc_cache_read_usd_per_mtok' },
  { name: 'cache_write_5m', rate: 'cache_write_5m_usd_per_mtok', lc: 'lc_cache_write_5m_usd_per_mtok' },
  { name: 'cache_write_1h', rate: 'cache_write_1h_usd_per_mtok', lc: 'lc_cache_write_1h_usd_per_mtok' },
  { name: 'output', rate: 'output_usd_per_mtok', lc: 'lc_output_usd_per_mtok' },
  { name: 'web_search', rate: 'web_search_usd_per_request', lc: null },
];

export interface RankedRow {
  row: PriceRow;
  priority: number; // 0 override, 1 catalog
}

/**
 * Resolves the price book into rate rows. Per model and provider, on each day the winner among the
 * provider's candidates is the override before the catalog, a provider's own override before one for
 * every provider, then the newest effective_from. A provider's candidates are its own rows and the
 * overrides for every provider; entries without an input rate are no entry.
 */
export function resolveRates(rows: RankedRow[], homes: ReadonlyMap<string, string>): RateRow[] {
  const byModel = new Map<string, RankedRow[]>();
  for (const r of rows) byModel.set(r.row.model, [...(byModel.get(r.row.model) ?? []), r]);
  const out: RateRow[] = [];
  for (const model of [...byModel.keys()].sort()) {
    const list = byModel.get(model)!;
    // a model no catalog list sells is at home with the first override that names a provider
    const home = homes.get(model) ?? list.find((r) => r.row.provider != null)?.row.provider ?? null;
    const homeCandidates = list.filter((r) => r.row.provider === home || r.row.provider == null);
    out.push(...ratesOver(homeCandidates, [], null, home));
    const others = [...new Set(list.map((r) => r.row.provider).filter((p): p is string => p != null && p !== home))].sort();
    for (const provider of others) {
      const own = list.filter((r) => (r.row.provider === provider || r.row.provider == null) && r.row.input_usd_per_mtok != null);
      out.push(...ratesOver(own, homeCandidates, provider, home));
    }
  }
  return out;
}

/** Rate rows of one (provider, model) over the days where `own` has a winner, split where a winner changes. */
function ratesOver(own: RankedRow[], homeCandidates: RankedRow[], provider: string | null, home: string | null): RateRow[] {
  const bounds = [...new Set([...own, ...homeCandidates].flatMap((r) => [r.row.effective_from, r.row.effective_to]).filter((d): d is string => d != null))].sort();
  const starts = [null, ...bounds];
  const out: RateRow[] = [];
  let last: { own: RankedRow; home: RankedRow | undefined } | undefined;
  starts.forEach((from, k) => {
    const to = bounds[k] ?? null;
    const pick = { own: winner(own, from, to), home: winner(homeCandidates, from, to) };
    if (!pick.own) {
      last = undefined;
      return;
    }
    if (last && last.own === pick.own && last.home === pick.home) {
      out[out.length - 1].effective_to = to;
      return;
    }
    out.push(merged(pick.own.row, provider == null ? undefined : pick.home?.row, provider, home, from, to));
    last = { own: pick.own, home: pick.home };
  });
  return out;
}

/** The candidate in force over the whole of [from, to), by priority, own provider first, newest. */
function winner(candidates: RankedRow[], from: string | null, to: string | null): RankedRow | undefined {
  let best: RankedRow | undefined;
  for (const c of candidates) {
    const r = c.row;
    const inForce = (r.effective_from == null || (from != null && r.effective_from <= from)) && (r.effective_to == null || (to != null && to <= r.effective_to));
    if (inForce && (!best || outranks(c, best))) best = c;
  }
  return best;
}

function outranks(a: RankedRow, b: RankedRow): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  const anyA = a.row.provider == null;
  if (anyA !== (b.row.provider == null)) return !anyA;
  return (a.row.effective_from ?? '') > (b.row.effective_from ?? ''); // the newest; undated is the oldest
}

/** `own` with the rates it lacks taken from `fallback` (the home provider's winner that day). */
function merged(own: PriceRow, fallback: PriceRow | undefined, provider: string | null, home: string | null, from: string | null, to: string | null): RateRow {
  const out: RateRow = { ...own, provider, home_provider: home, effective_from: from, effective_to: to, borrowed: [] };
  if (!fallback) return out;
  for (const b of BORROWABLE) {
    if (out[b.rate] != null || fallback[b.rate] == null) continue;
    out[b.rate] = fallback[b.rate];
    // the own entry's long-context tier decides; a borrowed rate follows it
    if (b.lc && out.long_context_above_tokens != null) out[b.lc] = fallback[b.lc] ?? fallback[b.rate];
    out.borrowed.push(b.name);
  }
  return out;
}
