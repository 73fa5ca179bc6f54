import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { findProvider, type ConditionalPrice, type MatchLogic, type ModelInfo, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import { ModelIds, normalizeModelName } from './model-ids.js';

/** One effective-dated price row, per million tokens unless the name says otherwise. */
export interface PriceRow {
  provider: string;
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
  prices: PriceRow[];
  tierMultipliers: TierMultiplier[];
  modelIds: ModelIds;
}

// Providers whose models are priced at their own list price, in lookup order: the first to define an id wins.
// Bedrock comes last, for the models only it sells (Amazon Nova, Llama on AWS).
const HOME_PROVIDERS = ['anthropic', 'openai', 'google', 'mistral', 'deepseek', 'x-ai', 'cohere', 'moonshotai', 'aws'];

// Documented list-price ratios: Batch API is half price at Anthropic and OpenAI, OpenAI Flex is half,
// and Claude Code's fast mode on Opus 4.6 bills six times the normal rates.
const TIER_MULTIPLIERS: TierMultiplier[] = [
  { provider: 'anthropic', model: null, service_tier: 'batch', multiplier: 0.5 },
  { provider: 'openai', model: null, service_tier: 'batch', multiplier: 0.5 },
  { provider: 'openai', model: null, service_tier: 'flex', multiplier: 0.5 },
  { provider: 'anthropic', model: 'claude-opus-4-6', service_tier: 'fast', multiplier: 6 },
];

let cached: Catalog | undefined;

/** The bundled catalog, built once per process from the pinned @pydantic/genai-prices data. */
export function loadCatalog(): Catalog {
  if (cached) return cached;
  const prices: PriceRow[] = [];
  const aliases = new Map<string, string>();
  const seen = new Set<string>();
  for (const providerId of HOME_PROVIDERS) {
    const provider = findProvider({ providerId });
    if (!provider) continue;
    const earlier = new Set(aliases.keys()); // names the providers before this one already price
    for (const info of provider.models) {
      const model = canonicalIdOf(info, providerId);
      // a model an earlier provider already prices under another name (Vertex's claude-4-opus) is skipped
      if (seen.has(model) || earlier.has(normalizeModelName(info.id))) continue;
      seen.add(model);
      prices.push(...priceRowsOf(providerId, model, info));
      for (const alias of aliasesOf(info)) if (!aliases.has(alias)) aliases.set(alias, model);
      aliases.set(model, model);
    }
  }
  const label = `genai-prices ${genaiPricesVersion()}`;
  cached = {
    label,
    fingerprint: fingerprintOf(prices, TIER_MULTIPLIERS, aliases),
    prices,
    tierMultipliers: TIER_MULTIPLIERS,
    modelIds: new ModelIds(aliases),
  };
  return cached;
}

export function fingerprintOf(prices: PriceRow[], multipliers: TierMultiplier[], aliases?: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(prices));
  hash.update(JSON.stringify(multipliers));
  if (aliases) hash.update(JSON.stringify([...aliases].sort()));
  return hash.digest('hex').slice(0, 16);
}

function canonicalIdOf(info: ModelInfo, provider: string): string {
  // Bedrock ids carry region, vendor and version decorations (amazon.nova-pro-v1:0 → nova-pro)
  if (provider === 'aws') return normalizeModelName(info.id);
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
