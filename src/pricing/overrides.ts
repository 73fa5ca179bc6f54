import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isSeq, type Node } from 'yaml';
import { configError, parseConfig, readConfigText, type YamlDoc } from '../config/yaml.js';
import { RecountError } from '../errors.js';
import type { Catalog, PriceRow } from './catalog.js';
import { priceProvidersNamed } from './providers.js';

/**
 * User price overrides (--prices FILE, CSV or YAML): negotiated discounts on catalog models, or full
 * rates for private and local models (0 is a valid price). Each entry:
 *   model (required), provider (as ledgers name it; none: every provider), effective_from, effective_to,
 *   discount_pct — percent off the catalog rates of that model, or
 *   input_usd_per_mtok, output_usd_per_mtok (both required when giving rates),
 *   cache_read_usd_per_mtok, cache_write_5m_usd_per_mtok, cache_write_1h_usd_per_mtok, web_search_usd_per_request
 */
export interface PriceOverride {
  model: string;
  provider?: string;
  effective_from?: string;
  effective_to?: string;
  discount_pct?: number;
  input_usd_per_mtok?: number;
  output_usd_per_mtok?: number;
  cache_read_usd_per_mtok?: number;
  cache_write_5m_usd_per_mtok?: number;
  cache_write_1h_usd_per_mtok?: number;
  web_search_usd_per_request?: number;
  line: number; // where it was written, for errors
}

const NUMBER_FIELDS = [
  'discount_pct',
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cache_read_usd_per_mtok',
  'cache_write_5m_usd_per_mtok',
  'cache_write_1h_usd_per_mtok',
  'web_search_usd_per_request',
] as const;
const TEXT_FIELDS = ['model', 'provider', 'effective_from', 'effective_to'] as const;
const KNOWN = new Set<string>([...NUMBER_FIELDS, ...TEXT_FIELDS]);

export function readOverrides(file: string): PriceOverride[] {
  const text = readConfigText(file, { what: 'price overrides file', flag: '--prices' });
  const entries = /\.ya?ml$/i.test(file) ? yamlEntries(file, text) : csvEntries(file, text);
  return entries.map(({ line, fields }) => validate(file, line, fields));
}

function csvEntries(file: string, text: string): { line: number; fields: Record<string, unknown> }[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: (h: string[]) => h.map((c) => c.trim()), skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new RecountError(`${file}: not valid CSV (${(err as Error).message})`, 'the first line names the columns: model,input_usd_per_mtok,…');
  }
  return records.map((r, i) => ({
    line: i + 2,
    fields: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')),
  }));
}

function yamlEntries(file: string, text: string): { line: number; fields: Record<string, unknown> }[] {
  const doc: YamlDoc = parseConfig(text, file, 'fix the YAML syntax');
  let list: Node | null | undefined = doc.root;
  if (isMap(list)) list = list.get('prices', true) as Node | undefined;
  if (!isSeq(list)) doc.fail(list ?? doc.root, "expected a list of prices (or a 'prices:' list)", 'see README: price overrides');
  return list.items.map((item) => {
    if (!isMap(item)) doc.fail(item, 'each price entry must be a mapping', 'e.g. - { model: my-model, input_usd_per_mtok: 0, output_usd_per_mtok: 0 }');
    return { line: doc.line(item), fields: item.toJSON() as Record<string, unknown> };
  });
}

function validate(file: string, line: number, fields: Record<string, unknown>): PriceOverride {
  for (const key of Object.keys(fields)) {
    if (!KNOWN.has(key)) throw configError(file, line, `unknown field '${key}'`, `known fields: ${[...KNOWN].join(', ')}`);
  }
  if (typeof fields.model !== 'string' || !fields.model.trim()) throw configError(file, line, `'model' is required`, 'name the model id the rates apply to');
  const out: PriceOverride = { model: fields.model.trim(), line };
  for (const key of TEXT_FIELDS) {
    const v = fields[key];
    if (v != null && key !== 'model') out[key] = v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim();
  }
  for (const key of ['effective_from', 'effective_to'] as const) {
    if (out[key] && !/^\d{4}-\d{2}-\d{2}$/.test(out[key]!)) throw configError(file, line, `${key} '${out[key]}' is not a date`, 'write dates as YYYY-MM-DD');
  }
  for (const key of NUMBER_FIELDS) {
    const v = fields[key];
    if (v == null) continue;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isFinite(n) || n < 0) throw configError(file, line, `${key} '${String(v)}' is not a non-negative number`, 'rates are dollars per million tokens, e.g. 2.5');
    out[key] = n;
  }
  const hasRates = out.input_usd_per_mtok != null || out.output_usd_per_mtok != null;
  if (out.discount_pct != null && hasRates) throw configError(file, line, `give either discount_pct or rates, not both`, 'a discount applies to the catalog rates');
  if (out.discount_pct != null && out.discount_pct > 100) throw configError(file, line, `discount_pct ${out.discount_pct} is over 100`, 'write 15 for 15% off');
  if (out.discount_pct == null && (out.input_usd_per_mtok == null || out.output_usd_per_mtok == null)) {
    throw configError(file, line, `'${out.model}' needs input_usd_per_mtok and output_usd_per_mtok (or discount_pct)`, 'a local model can be priced at 0');
  }
  return out;
}

/**
 * Price rows for the overrides: discounts scale the catalog rows of the model (of the named provider's
 * price lists, or of every provider); rates stand alone. A provider is named as ledgers name it
 * (aws-bedrock also covers its global profiles); without one, the rates apply on every provider.
 */
export function overridePriceRows(catalog: Catalog, overrides: PriceOverride[], file: string): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const o of overrides) {
    const model = catalog.modelIds.canonical(o.model) ?? o.model;
    const providers = o.provider ? priceProvidersNamed(o.provider) : null;
    if (o.discount_pct != null) {
      const base = discountBase(catalog, model, providers);
      if (!base.length) throw configError(file, o.line, `'${o.model}' is not in the catalog, so a discount has nothing to apply to`, 'give its rates instead (input_usd_per_mtok, output_usd_per_mtok)');
      rows.push(...base.map((p) => discounted(p, o)));
    } else {
      for (const provider of providers ?? [null]) rows.push(ratesRow(o, model, provider));
    }
  }
  return rows;
}

/** The catalog rows a discount scales: the named lists' own (or, lacking one, the home's, billed there), else every list's. */
function discountBase(catalog: Catalog, model: string, providers: string[] | null): PriceRow[] {
  const all = catalog.prices.filter((p) => p.model === model);
  if (!providers) return all;
  const home = all.filter((p) => p.provider === catalog.homes.get(model));
  return providers.flatMap((provider) => {
    const own = all.filter((p) => p.provider === provider);
    return (own.length ? own : home).map((p) => ({ ...p, provider }));
  });
}

function discounted(p: PriceRow, o: PriceOverride): PriceRow {
  const f = 1 - o.discount_pct! / 100;
  const scale = (v: number | null) => (v == null ? null : v * f);
  return {
    ...p,
    effective_from: maxDate(p.effective_from, o.effective_from ?? null),
    effective_to: p.effective_to ?? o.effective_to ?? null,
    input_usd_per_mtok: scale(p.input_usd_per_mtok),
    output_usd_per_mtok: scale(p.output_usd_per_mtok),
    cache_read_usd_per_mtok: scale(p.cache_read_usd_per_mtok),
    cache_write_5m_usd_per_mtok: scale(p.cache_write_5m_usd_per_mtok),
    cache_write_1h_usd_per_mtok: scale(p.cache_write_1h_usd_per_mtok),
    lc_input_usd_per_mtok: scale(p.lc_input_usd_per_mtok),
    lc_output_usd_per_mtok: scale(p.lc_output_usd_per_mtok),
    lc_cache_read_usd_per_mtok: scale(p.lc_cache_read_usd_per_mtok),
    lc_cache_write_5m_usd_per_mtok: scale(p.lc_cache_write_5m_usd_per_mtok),
    lc_cache_write_1h_usd_per_mtok: scale(p.lc_cache_write_1h_usd_per_mtok),
    price_source: 'override',
  };
}

function ratesRow(o: PriceOverride, model: string, provider: string | null): PriceRow {
  return {
    provider,
    model,
    display_name: null,
    effective_from: o.effective_from ?? null,
    effective_to: o.effective_to ?? null,
    input_usd_per_mtok: o.input_usd_per_mtok!,
    output_usd_per_mtok: o.output_usd_per_mtok!,
    cache_read_usd_per_mtok: o.cache_read_usd_per_mtok ?? null,
    cache_write_5m_usd_per_mtok: o.cache_write_5m_usd_per_mtok ?? null,
    cache_write_1h_usd_per_mtok: o.cache_write_1h_usd_per_mtok ?? null,
    long_context_above_tokens: null,
    lc_input_usd_per_mtok: null,
    lc_output_usd_per_mtok: null,
    lc_cache_read_usd_per_mtok: null,
    lc_cache_write_5m_usd_per_mtok: null,
    lc_cache_write_1h_usd_per_mtok: null,
    web_search_usd_per_request: o.web_search_usd_per_request ?? null,
    price_source: 'override',
  };
}

function maxDate(a: string | null, b: string | null): string | null {
  if (a == null) return b;
  if (b == null) return a;
  return a > b ? a : b;
}
