import { setOutputOptions } from '../../src/format/output-options.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pricesCommand } from '../../src/commands/prices.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { PriceRow } from '../../src/pricing/catalog.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { resolveRates } from '../../src/pricing/resolve.js';
import { newLedger, priceLedger, writeTemp } from '../helpers.js';

interface Row {
  key: string;
  provider: string | null;
  raw: string;
  u?: number;
  w1h?: number;
  o?: number;
}

async function given(ledger: Ledger, rows: Row[]): Promise<void> {
  const ids = loadCatalog().modelIds;
  for (const r of rows) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_write_1h_tokens, output_tokens, service_tier)
       VALUES ($key, 'test', 'imp_test', TIMESTAMPTZ '2026-10-15 12:00:00+00', $provider, $model, $raw, 1, $u, $w1h, $o, 'standard')`,
      { key: r.key, provider: r.provider, model: ids.canonical(r.raw)!, raw: r.raw, u: r.u ?? 0, w1h: r.w1h ?? 0, o: r.o ?? 0 },
    );
  }
}

async function priced(ledger: Ledger): Promise<Map<string, { list_cost_usd: number | null; price_status: string; price_provider: string | null }>> {
  const rows = await ledger.all<{ record_key: string; list_cost_usd: number | null; price_status: string; price_provider: string | null }>(
    'SELECT record_key, list_cost_usd, price_status, price_provider FROM usage_priced',
  );
  return new Map(rows.map((r) => [r.record_key, r]));
}

describe('the serving provider first, else the home provider', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await given(ledger, [
      // a gateway name recount has no price list for: Anthropic's own rates
      { key: 'gateway-sonnet', provider: 'acme-gateway', raw: 'claude-sonnet-4-5', u: 100_000 },
      { key: 'no-provider-sonnet', provider: null, raw: 'claude-sonnet-4-5', u: 100_000 },
      // Azure has no gpt-4o entry of its own: OpenAI's
      { key: 'azure-gpt-4o-mini', provider: 'azure', raw: 'gpt-4o-mini', u: 1_000_000, o: 1_000_000 },
      // LiteLLM's spelling of Together AI reaches Together's list
      { key: 'together-llama', provider: 'together_ai', raw: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', u: 1_000_000, o: 1_000_000 },
      // a model only OpenRouter sells, served by someone else: OpenRouter is its home
      { key: 'deepseek-direct-v3.1', provider: 'deepseek', raw: 'deepseek-chat-v3.1', u: 1_000_000 },
      // embeddings: no output rate; no output costs the input, output cannot be priced
      { key: 'embedding', provider: 'openai', raw: 'text-embedding-3-large', u: 1_000_000 },
      { key: 'embedding-with-output', provider: 'openai', raw: 'text-embedding-3-large', u: 1_000_000, o: 10 },
      // Bedrock without 1h writes is priced as it is; with them, borrowed
      { key: 'bedrock-plain', provider: 'bedrock', raw: 'us.anthropic.claude-opus-4-5-20251101-v1:0', u: 1_000_000 },
      { key: 'bedrock-1h', provider: 'aws-bedrock', raw: 'us.anthropic.claude-opus-4-5-20251101-v1:0', w1h: 1_000_000 },
    ]);
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('falls back to the home provider only where the serving provider has no entry', async () => {
    const rows = await priced(ledger);
    expect(rows.get('gateway-sonnet')).toMatchObject({ price_status: 'priced', price_provider: 'acme-gateway' });
    expect(rows.get('gateway-sonnet')!.list_cost_usd).toBeCloseTo(0.3, 12);
    expect(rows.get('no-provider-sonnet')).toMatchObject({ price_status: 'priced', price_provider: null });
    expect(rows.get('no-provider-sonnet')!.list_cost_usd).toBeCloseTo(0.3, 12);
    expect(rows.get('azure-gpt-4o-mini')!.list_cost_usd).toBeCloseTo(0.15 + 0.6, 12);
    expect(rows.get('together-llama')).toMatchObject({ price_provider: 'together' });
    expect(rows.get('together-llama')!.list_cost_usd).toBeCloseTo(0.88 * 2, 12);
    expect(rows.get('deepseek-direct-v3.1')!.list_cost_usd).toBeCloseTo(0.21, 12);
  });

  it('prices a model without an output rate at its input when the row has no output', async () => {
    const rows = await priced(ledger);
    expect(rows.get('embedding')).toMatchObject({ list_cost_usd: 0.13, price_status: 'priced' });
    expect(rows.get('embedding-with-output')).toMatchObject({ list_cost_usd: null, price_status: 'unpriced' });
  });

  it("borrows the home provider's rate only for a bucket the row uses", async () => {
    const rows = await priced(ledger);
    expect(rows.get('bedrock-plain')).toMatchObject({ list_cost_usd: 5.5, price_status: 'priced', price_provider: 'aws-bedrock' });
    expect(rows.get('bedrock-1h')).toMatchObject({ list_cost_usd: 10, price_status: 'borrowed' });
  });
});

describe('resolving rates over effective dates', () => {
  const row = (provider: string | null, from: string | null, to: string | null, rates: Partial<PriceRow>): PriceRow => ({
    provider, model: 'm', display_name: null, effective_from: from, effective_to: to,
    input_usd_per_mtok: 1, output_usd_per_mtok: 2, cache_read_usd_per_mtok: null, cache_write_5m_usd_per_mtok: null, cache_write_1h_usd_per_mtok: null,
    long_context_above_tokens: null, lc_input_usd_per_mtok: null, lc_output_usd_per_mtok: null, lc_cache_read_usd_per_mtok: null,
    lc_cache_write_5m_usd_per_mtok: null, lc_cache_write_1h_usd_per_mtok: null, web_search_usd_per_request: null, price_source: 'catalog', ...rates,
  });
  const homes = new Map([['m', 'home']]);

  it('splits a reseller entry where the home rate it borrows changes, and leaves days before it to the home rows', () => {
    const rates = resolveRates(
      [
        { row: row('home', null, '2026-03-01', { cache_write_1h_usd_per_mtok: 4 }), priority: 1 },
        { row: row('home', '2026-03-01', null, { cache_write_1h_usd_per_mtok: 3 }), priority: 1 },
        { row: row('resale', '2026-02-01', null, { input_usd_per_mtok: 1.1 }), priority: 1 },
      ],
      homes,
    );
    const brief = rates.map((r) => [r.provider, r.effective_from, r.effective_to, r.input_usd_per_mtok, r.cache_write_1h_usd_per_mtok, r.borrowed.join()]);
    expect(brief).toEqual([
      [null, null, '2026-03-01', 1, 4, ''],
      [null, '2026-03-01', null, 1, 3, ''],
      ['resale', '2026-02-01', '2026-03-01', 1.1, 4, 'cache_write_1h'],
      ['resale', '2026-03-01', null, 1.1, 3, 'cache_write_1h'],
    ]);
  });

  it("puts an override before the catalog, a provider's own before one for every provider", () => {
    const rates = resolveRates(
      [
        { row: row(null, null, null, { input_usd_per_mtok: 7, price_source: 'override' }), priority: 0 },
        { row: row('resale', null, null, { input_usd_per_mtok: 8, price_source: 'override' }), priority: 0 },
        { row: row('resale', null, null, { input_usd_per_mtok: 1.1 }), priority: 1 },
        { row: row('other', null, null, { input_usd_per_mtok: 1.2 }), priority: 1 },
        { row: row('home', null, null, {}), priority: 1 },
      ],
      homes,
    );
    expect(rates.map((r) => [r.provider, r.input_usd_per_mtok])).toEqual([[null, 7], ['other', 7], ['resale', 8]]);
  });
});

describe('price overrides name providers as ledgers do', () => {
  it('a Bedrock discount applies to Bedrock (global profiles too), not to Anthropic; rates without a provider apply to all', async () => {
    const ledger = await newLedger();
    await given(ledger, [
      { key: 'anthropic', provider: 'anthropic', raw: 'claude-haiku-4-5', u: 1_000_000 },
      { key: 'bedrock-us', provider: 'aws-bedrock', raw: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', u: 1_000_000 },
      { key: 'bedrock-global', provider: 'aws-bedrock', raw: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', u: 1_000_000 },
      { key: 'openrouter-mini', provider: 'openrouter', raw: 'openai/gpt-4o-mini', u: 1_000_000 },
      { key: 'openai-mini', provider: 'openai', raw: 'gpt-4o-mini', u: 1_000_000 },
    ]);
    const file = writeTemp(
      'prices.yaml',
      'prices:\n  - { model: claude-haiku-4-5, provider: bedrock, discount_pct: 10 }\n  - { model: gpt-4o-mini, input_usd_per_mtok: 0.1, output_usd_per_mtok: 0.4 }\n',
    );
    await priceLedger(ledger, file);
    const rows = await priced(ledger);
    expect(rows.get('anthropic')).toMatchObject({ list_cost_usd: 1, price_status: 'priced' });
    expect(rows.get('bedrock-us')!.list_cost_usd).toBeCloseTo(1.1 * 0.9, 12);
    expect(rows.get('bedrock-global')!.list_cost_usd).toBeCloseTo(0.9, 12);
    expect(rows.get('bedrock-global')!.price_status).toBe('override');
    expect(rows.get('openrouter-mini')).toMatchObject({ list_cost_usd: 0.1, price_status: 'override' });
    expect(rows.get('openai-mini')).toMatchObject({ list_cost_usd: 0.1, price_status: 'override' });
    ledger.close();
  });
});

describe('recount prices', () => {
  function run(flags: Parameters<typeof pricesCommand>[0]): string {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      pricesCommand(flags);
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  }

  it('lists each provider entry of a model, the home first, and what each borrows from it', () => {
    const json = JSON.parse(run({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', json: true, prices: '' }));
    expect(json.model).toBe('claude-sonnet-4-5');
    const byProvider = new Map(json.prices.map((p: Record<string, unknown>) => [p.provider, p]));
    expect(json.prices[0]).toMatchObject({ provider: 'anthropic', is_home: true, input_usd_per_mtok: 3, borrowed: [], borrowed_from: null });
    expect(byProvider.get('aws-bedrock')).toMatchObject({ is_home: false, input_usd_per_mtok: 3.3, cache_write_1h_usd_per_mtok: 6, borrowed: ['cache_write_1h', 'web_search'], borrowed_from: 'anthropic' });
    expect(byProvider.get('aws-bedrock-global')).toMatchObject({ input_usd_per_mtok: 3 });
    expect([...byProvider.keys()]).toEqual(expect.arrayContaining(['google', 'openrouter']));
    setOutputOptions({ wide: true }); // every column, whatever the test runner's terminal
    const text = run({ model: 'claude-sonnet-4-5', prices: '' });
    setOutputOptions({});
    expect(text).toMatch(/anthropic \(home\)/);
    expect(text).toMatch(/aws-bedrock .*6\*.*cache_write_1h, web_search from anthropic/);
  });

  it('every model of the book has home rates', () => {
    const book = loadPriceBook('');
    const withHome = new Set(book.rates.filter((r) => r.provider == null).map((r) => r.model));
    expect([...new Set(book.rows.map((r) => r.row.model))].filter((m) => !withHome.has(m))).toEqual([]);
  });
});
