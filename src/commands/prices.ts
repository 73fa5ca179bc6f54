import { loadCatalog } from '../pricing/catalog.js';
import { loadPriceBook } from '../pricing/install.js';
import { renderTable, toJson } from '../format/table.js';
import { RecountError } from '../errors.js';

export interface PricesFlags {
  prices?: string;
  model?: string;
  json?: boolean;
}

export function pricesCommand(flags: PricesFlags): void {
  const book = loadPriceBook(flags.prices);
  const wanted = flags.model ? (loadCatalog().modelIds.canonical(flags.model) ?? flags.model) : undefined;
  const rows = book.rows
    .filter(({ row }) => !wanted || row.model === wanted)
    .map(({ row }) => row)
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model) || (a.effective_from ?? '').localeCompare(b.effective_from ?? ''));
  if (wanted && !rows.length) throw new RecountError(`no price for '${flags.model}' (canonical id '${wanted}')`, 'add it with --prices FILE; recount prices lists what the catalog holds');
  if (flags.json) {
    process.stdout.write(toJson({ catalog: book.label, fingerprint: book.fingerprint, model: wanted ?? null, prices: rows }));
    return;
  }
  process.stdout.write(`${book.label} · fingerprint ${book.fingerprint} · ${rows.length} price rows${wanted ? ` for ${wanted}` : ''}\n\n`);
  process.stdout.write(
    renderTable(
      rows.map((r) => ({
        provider: r.provider,
        model: r.model,
        from: r.effective_from ?? '',
        to: r.effective_to ?? '',
        input: r.input_usd_per_mtok,
        output: r.output_usd_per_mtok,
        cache_read: r.cache_read_usd_per_mtok,
        write_5m: r.cache_write_5m_usd_per_mtok,
        write_1h: r.cache_write_1h_usd_per_mtok,
        long_ctx: r.long_context_above_tokens != null ? `>${r.long_context_above_tokens.toLocaleString('en-US')}: ${r.lc_input_usd_per_mtok}/${r.lc_output_usd_per_mtok}` : '',
        source: r.price_source,
      })),
    ),
  );
  process.stdout.write('\nrates are USD per million tokens; long_ctx re-prices the whole request once its prompt exceeds the threshold\n');
}
