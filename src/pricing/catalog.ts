import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ConditionalPrice, MatchLogic, ModelInfo, ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import { ModelIds, normalizeModelName } from './model-ids.js';
import { PRICE_PROVIDERS, providerNames, type ProviderName } from './providers.js';

/** One effective-dated price row, per million tokens unless the name says otherwise. */
export interface PriceRow {
  provider: string | null; // null: an override for every provider
  model: string;
  display_name: string | null;
  effective_from: string | null; // ISO date, inclusive
  effective_to: string | null; // ISO date, exclusive
  input_usd_per_mtok: number | null;
  output_usd_per_mtok: number | null;
  cache_read_usd_per_mtok: number | null;
  cache_write_5m_usd_per_mtok: number | null;
  cache_write_1h_usd_per_mtok: number | null;
  long_context_above_tokens: number | null; // whole request re-priced once its prompt exceeds this
  lc_input_usd_per_mtok: number | null;
  lc_output_usd_per_mtok: number | null;
  lc_cache_read_usd_per_mtok: number | null;
  lc_cache_write_5m_usd_per_mtok: number | null;
  lc_cache_write_1h_usd_per_mtok: number | null;
  web_search_usd_per_request: number | null;
  price_source: 'catalog' | 'override';
}

/** Multipliers on list rates for service tiers the catalog prices as a ratio of standard. */
export interface TierMultiplier {
  provider: string;
  model: string | null; // null = every model of the provider
  service_tier: string;
  multiplier: number;
}

export interface Catalog {
  label: string; // where the data came from, e.g. 'genai-prices 0.1.8'
  fingerprint: string;
  /** every price list's rows: the home providers' first (in HOME_PROVIDERS order), then the others' */
  prices: PriceRow[];
  tierMultipliers: TierMultiplier[];
  modelIds: ModelIds;
  /** canonical model → its home provider: whose rates price it where the serving provider has no entry */
  homes: ReadonlyMap<string, string>;
  /** ledger spellings of the price lists' providers (see providers.ts) */
  providerNames: ProviderName[];
}

// Providers whose models are priced at their own list price, in lookup order: the first to define an
// id is its home, and their names and aliases make the canonical ids. Bedrock comes last, for the
// models only it sells (Amazon Nova, Llama on AWS). A model none of them sells gets as home the
// first other price list that has it (PRICE_PROVIDERS order: Azure, OpenRouter, then the smaller ones).
const HOME_PROVIDERS = ['anthropic', 'openai', 'google', 'mistral', 'deepseek', 'x-ai', 'cohere', 'moonshotai', 'aws-bedrock'];

// Documented list-price ratios: Batch API is half price at Anthropic and OpenAI, OpenAI Flex is half,
// and Claude Code's fast mode on Opus 4.6 bills six times the normal rates. A ratio belongs to the
// model's home provider and applies to whichever provider's rates price the row.
const TIER_MULTIPLIERS: TierMultiplier[] = [
  { provider: 'anthropic', model: null, service_tier: 'batch', multiplier: 0.5 },
  { provider: 'openai', model: null, service_tier: 'batch', multiplier: 0.5 },
  { provider: 'openai', model: null, service_tier: 'flex', multiplier: 0.5 },
  { provider: 'anthropic', model: 'claude-opus-4-6', service_tier: 'fast', multiplier: 6 },
];

let cached: Catalog | undefined;

type GenaiPrices = typeof import('@pydantic/genai-prices');
let genai: GenaiPrices | undefined;

/**
 * @pydantic/genai-prices, loaded on first use: its data is a 0.5 MB script that takes a tenth of a
 * second or more to load, which an import of unchanged files never needs. Its CommonJS build, through
 * require(): the same data, smaller than the ES module build, and loadable without await.
 */
function genaiPrices(): GenaiPrices {
  genai ??= createRequire(import.meta.url)('@pydantic/genai-prices') as GenaiPrices;
  return genai;
}

/**
 * The bundled catalog, built once per process from the pinned @pydantic/genai-prices data, on first
 * use: the home providers' rows and the canonical ids when an id is first asked for, the other
 * providers' lists when prices are (an import needs only the canonical ids, and only of rows it reads).
 */
export function loadCatalog(): Catalog {
  if (cached) return cached;
  let homeData: ReturnType<typeof homeRows> | undefined;
  const home = () => (homeData ??= homeRows());
  const modelIds = new ModelIds(() => home().aliases);
  const names = providerNames();
  let full: { prices: PriceRow[]; fingerprint: string } | undefined;
  const all = () => {
    if (!full) {
      const { prices: homePrices, homes, aliases } = home();
      const prices = [...homePrices, ...resellerRows(modelIds, homes)];
      full = { prices, fingerprint: fingerprintOf(prices, TIER_MULTIPLIERS, [...aliases].sort(), names) };
    }
    return full;
  };
  cached = {
    label: `genai-prices ${genaiPricesVersion()}`,
    get fingerprint() {
      return all().fingerprint;
    },
    get prices() {
      return all().prices;
    },
    get homes() {
      all(); // the resellers' own models find their home there
      return home().homes;
    },
    tierMultipliers: TIER_MULTIPLIERS,
    modelIds,
    providerNames: names,
  };
  return cached;
}

/** Rows of the home providers, and the alias table their names make (raw name → canonical id). */
function homeRows(): { prices: PriceRow[]; aliases: Map<string, string>; homes: Map<string, string> } {
  const prices: PriceRow[] = [];
  const aliases = new Map<string, string>();
  const homes = new Map<string, string>();
  for (const id of HOME_PROVIDERS) {
    const earlier = new Set(aliases.keys()); // names the providers before this one already price
    for (const entry of entriesOf(id)) {
      const info = { ...entry, id: entry.id.replace(/^regional\./, '') }; // Bedrock's regional.anthropic.… is anthropic.…
      const model = canonicalIdOf(info, id);
      // a model an earlier provider already prices under another name (Vertex's claude-4-opus) is skipped
      if (homes.has(model) || earlier.has(normalizeModelName(info.id))) continue;
      homes.set(model, id);
      prices.push(...priceRowsOf(id, model, info));
      for (const alias of aliasesOf(info)) if (!aliases.has(alias)) aliases.set(alias, model);
      aliases.set(model, model);
    }
  }
  return { prices, aliases, homes };
}

/**
 * Every price list's own entries for models whose home is elsewhere (Bedrock's Claude, OpenRouter's
 * Gemini, Vertex's Claude), under the canonical id an importer gives the entry's name; and the models
 * only resellers sell, whose home becomes the first list that has them. Entries without an input
 * rate are no entry. Where several entries of one list share a canonical id (a dated snapshot, a
 * legacy bare name), the one named as gateways send it wins (see preference).
 */
function resellerRows(ids: ModelIds, homes: Map<string, string>): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const p of PRICE_PROVIDERS) {
    const picked = new Map<string, ModelInfo>();
    for (const info of entriesOf(p.id)) {
      const model = ids.canonical(info.id.replace(/^regional\./, ''))!;
      if (homes.get(model) === p.id || !hasInputRate(info)) continue;
      const before = picked.get(model);
      if (!before || preference(info.id) < preference(before.id)) picked.set(model, info);
    }
    for (const [model, info] of picked) {
      if (!homes.has(model)) homes.set(model, p.id);
      rows.push(...priceRowsOf(p.id, model, info));
    }
  }
  return rows;
}

/** The genai-prices entries of one of recount's price lists (see PRICE_PROVIDERS). */
function entriesOf(id: string): ModelInfo[] {
  const p = PRICE_PROVIDERS.find((x) => x.id === id)!;
  const models = genaiPrices().findProvider({ providerId: p.genai })?.models ?? [];
  if (p.part) return models.filter((m) => m.id.startsWith(p.part!.idPrefix));
  return p.skipIdPrefix ? models.filter((m) => !m.id.startsWith(p.skipIdPrefix!)) : models;
}

function hasInputRate(info: ModelInfo): boolean {
  const variants = Array.isArray(info.prices) ? info.prices.map((v) => v.prices) : [info.prices];
  return variants.some((v) => v.input_mtok != null);
}

/** Lower is preferred among one list's entries for one model: the names gateways send (a vendor path, as OpenRouter's API), then undated. */
function preference(id: string): number {
  return (id.includes('/') ? 0 : 2) + (/-(\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{2}|\d{4})(:|$)/.test(id) ? 1 : 0);
}

/** A short, deterministic hash of what prices depend on: it changes when any price, ratio or name does. */
export function fingerprintOf(...parts: unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(JSON.stringify(part));
  return hash.digest('hex').slice(0, 16);
}

function canonicalIdOf(info: ModelInfo, provider: string): string {
  // Bedrock ids carry region, vendor and version decorations (amazon.nova-pro-v1:0 → nova-pro)
  if (provider === 'aws-bedrock') return normalizeModelName(info.id);
  return info.id.toLowerCase().replace(/-latest$/, '');
}

/** Exact aliases only: the catalog's `equals` names and the literal prefixes it lists, normalized. */
function aliasesOf(info: ModelInfo): string[] {
  const out = new Set<string>([normalizeModelName(info.id)]);
  if (info.name) out.add(normalizeModelName(info.name));
  const walk = (m: MatchLogic): void => {
    if ('or' in m) m.or.forEach(walk);
    else if ('equals' in m) out.add(normalizeModelName(m.equals)).add(m.equals.toLowerCase());
    else if ('starts_with' in m && /[a-z0-9]$/.test(m.starts_with)) out.add(normalizeModelName(m.starts_with));
  };
  walk(info.match);
  return [...out];
}

function priceRowsOf(provider: string, model: string, info: ModelInfo): PriceRow[] {
  const variants: ConditionalPrice[] = Array.isArray(info.prices) ? info.prices : [{ prices: info.prices }];
  // Date-constrained variants replace the unconstrained one from their start date; time-of-day
  // discounts (off-peak hours) are not modelled, so those variants are left out.
  const dated = variants
    .filter((v) => !v.constraint || v.constraint.type === 'start_date')
    .map((v) => ({ from: v.constraint?.type === 'start_date' ? v.constraint.start_date : null, prices: v.prices }))
    .sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
  return dated.map((v, i) => toPriceRow(provider, model, info.name ?? null, v.from, dated[i + 1]?.from ?? null, v.prices));
}

function toPriceRow(provider: string, model: string, name: string | null, from: string | null, to: string | null, p: ModelPrice): PriceRow {
  const input = base(p.input_mtok);
  const threshold = firstTierStart(p);
  const tier = (v: ModelPrice[string]) => (threshold == null ? null : (tierPrice(v) ?? base(v)));
  // Anthropic bills 1h cache writes at 2x input; fill it where the source leaves it out.
  const write1h = base(p.cache_write_1h_mtok) ?? (provider === 'anthropic' && input != null ? input * 2 : null);
  return {
    provider,
    model,
    display_name: name,
    effective_from: from,
    effective_to: to,
    input_usd_per_mtok: input,
    output_usd_per_mtok: base(p.output_mtok),
    cache_read_usd_per_mtok: base(p.cache_read_mtok),
    cache_write_5m_usd_per_mtok: base(p.cache_write_mtok),
    cache_write_1h_usd_per_mtok: write1h,
    long_context_above_tokens: threshold,
    lc_input_usd_per_mtok: tier(p.input_mtok),
    lc_output_usd_per_mtok: tier(p.output_mtok),
    lc_cache_read_usd_per_mtok: tier(p.cache_read_mtok),
    lc_cache_write_5m_usd_per_mtok: tier(p.cache_write_mtok),
    lc_cache_write_1h_usd_per_mtok: threshold == null ? null : (tierPrice(p.cache_write_1h_mtok) ?? write1h),
    web_search_usd_per_request: p.web_searches_kcount != null ? (base(p.web_searches_kcount) ?? 0) / 1000 : null,
    price_source: 'catalog',
  };
}

function base(v: ModelPrice[string]): number | null {
  if (v == null) return null;
  return typeof v === 'number' ? v : (v as TieredPrices).base;
}

function tierPrice(v: ModelPrice[string]): number | null {
  if (v == null || typeof v === 'number') return null;
  return (v as TieredPrices).tiers[0]?.price ?? null;
}

function firstTierStart(p: ModelPrice): number | null {
  for (const v of Object.values(p)) {
    if (v != null && typeof v !== 'number' && (v as TieredPrices).tiers?.length) return (v as TieredPrices).tiers[0].start;
  }
  return null;
}

function genaiPricesVersion(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@pydantic/genai-prices').replace(/dist\/index\.c?js$/, 'package.json');
  return (require(pkgPath) as { version: string }).version;
}
