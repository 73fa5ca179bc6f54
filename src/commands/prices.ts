import { loadCatalog } from '../pricing/catalog.js';
import { loadPriceBook } from '../pricing/install.js';
import type { Borrowable, RateRow } from '../pricing/resolve.js';
import { renderTable, toJson, type Column } from '../format/table.js';
import { wrapLine } from '../format/output-options.js';
import { RecountError } from '../errors.js';

export interface PricesFlags {
  prices?: string;
  model?: string;
  json?: boolean;
}

/** The rates pricing uses: each model's home-provider rates, then every other provider's own. */
export function pricesCommand(flags: PricesFlags): void {
  const book = loadPriceBook(flags.prices);
  const wanted = flags.model ? (loadCatalog().modelIds.canonical(flags.model) ?? flags.model) : undefined;
  const rows = book.rates
    .filter((r) => !wanted || r.model === wanted)
    .sort((a, b) => a.model.localeCompare(b.model) || (a.provider ?? '').localeCompare(b.provider ?? '') || (a.effective_from ?? '').localeCompare(b.effective_from ?? ''));
  if (wanted && !rows.length) throw new RecountError(`no price for '${flags.model}' (canonical id '${wanted}')`, 'add it with --prices FILE; recount prices lists what the catalog holds');
  if (flags.json) {
    process.stdout.write(toJson({ catalog: book.label, fingerprint: book.fingerprint, model: wanted ?? null, prices: rows.map(jsonRow) }));
    return;
  }
  process.stdout.write(`${book.label} · fingerprint ${book.fingerprint} · ${rows.length} price rows${wanted ? ` for ${wanted}` : ''}\n\n`);
  process.stdout.write(renderTable(rows.map(tableRow), PRICE_COLUMNS));
  const notes = [
    'rates are USD per million tokens; long_ctx re-prices the whole request once its prompt exceeds the threshold',
    "(home): the model's home provider's rates, used for every provider without an entry of its own",
    "*: borrowed — that provider's entry has no such rate; a row that needs it is priced at the home provider's and marked borrowed",
  ];
  process.stdout.write(`\n${notes.flatMap((n) => wrapLine(n)).join('\n')}\n`);
}

/** On a narrow terminal the dates, long-context and source columns go first; who, what and the main rates stay. */
const PRICE_COLUMNS: Column[] = [
  { key: 'provider', minWidth: 16 },
  { key: 'model', priority: 0, minWidth: 24 },
  { key: 'from', priority: 7 },
  { key: 'to', priority: 8 },
  { key: 'input', priority: 0 },
  { key: 'output', priority: 0 },
  { key: 'cache_read', priority: 3 },
  { key: 'write_5m', priority: 4 },
  { key: 'write_1h', priority: 5 },
  { key: 'long_ctx', priority: 6 },
  { key: 'source', priority: 10 },
  { key: 'borrowed', priority: 9 },
];

/** A row as `--json` prints it: provider is the list's name (the home provider's for home rates). */
function jsonRow(r: RateRow) {
  const { borrowed, provider, model, ...rest } = r;
  return { provider: provider ?? r.home_provider, is_home: provider == null, model, ...rest, borrowed, borrowed_from: borrowed.length ? r.home_provider : null };
}

function tableRow(r: RateRow): Record<string, unknown> {
  const rate = (v: number | null, name: Borrowable) => (v == null ? null : r.borrowed.includes(name) ? `${v}*` : v);
  return {
    provider: r.provider ?? `${r.home_provider ?? 'any provider'} (home)`,
    model: r.model,
    from: r.effective_from ?? '',
    to: r.effective_to ?? '',
    input: r.input_usd_per_mtok,
    output: rate(r.output_usd_per_mtok, 'output'),
    cache_read: rate(r.cache_read_usd_per_mtok, 'cache_read'),
    write_5m: rate(r.cache_write_5m_usd_per_mtok, 'cache_write_5m'),
    write_1h: rate(r.cache_write_1h_usd_per_mtok, 'cache_write_1h'),
    long_ctx: r.long_context_above_tokens != null ? `>${r.long_context_above_tokens.toLocaleString('en-US')}: ${r.lc_input_usd_per_mtok}/${r.lc_output_usd_per_mtok}` : '',
    source: r.price_source,
    borrowed: r.borrowed.length ? `${r.borrowed.join(', ')} from ${r.home_provider}` : '',
  };
}
