import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { bundledPriceBook, catalogBook, installPricing } from '../../src/pricing/book.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { readPriceCache, writePriceCache } from '../../src/pricing/price-cache.js';
import { tempDir, writeTemp } from '../helpers.js';

// The build's price cache (src/pricing/price-cache.ts): price_rows written once, read back by every
// session instead of resolving the catalog. Used only when built from the same code and catalog.

async function cacheIn(dir: string): Promise<void> {
  const ledger = await Ledger.open(':memory:');
  try {
    const book = catalogBook();
    await installPricing(ledger, book);
    await writePriceCache(ledger, book, dir);
  } finally {
    ledger.close();
  }
}

/** The session's price_rows for a book, sorted: every column of every row. */
async function priceRowsOf(book: ReturnType<typeof catalogBook>): Promise<unknown[]> {
  const ledger = await Ledger.open(':memory:');
  try {
    await installPricing(ledger, book);
    return await ledger.all('SELECT * FROM temp.price_rows ORDER BY ALL');
  } finally {
    ledger.close();
  }
}

afterEach(() => {
  delete process.env.RECOUNT_PRICE_CACHE;
});

describe('the price cache', () => {
  it('gives the session the same price rows, label and fingerprint as the catalog', async () => {
    const dir = tempDir();
    await cacheIn(dir);
    const cached = bundledPriceBook({ cacheDir: dir });
    const built = catalogBook();
    expect(cached.cache).toBe(path.join(dir, 'price_rows.parquet'));
    expect(built.cache).toBeUndefined();
    expect([cached.label, cached.fingerprint]).toEqual([built.label, built.fingerprint]);
    const [fromCache, fromCatalog] = [await priceRowsOf(cached), await priceRowsOf(built)];
    expect(fromCache.length).toBeGreaterThan(1000);
    expect(fromCache).toEqual(fromCatalog);
  });

  it('builds rows and rates only when asked, and then the catalog’s own', async () => {
    const dir = tempDir();
    await cacheIn(dir);
    const cached = bundledPriceBook({ cacheDir: dir });
    const built = catalogBook();
    expect(cached.rates).toEqual(built.rates);
    expect(cached.rows).toEqual(built.rows);
  });

  it('is not used when it was built from other code or another catalog, is missing, or is turned off', async () => {
    const dir = tempDir();
    await cacheIn(dir);
    expect(readPriceCache(dir)).toBeDefined();
    process.env.RECOUNT_PRICE_CACHE = 'off';
    expect(readPriceCache(dir)).toBeUndefined();
    delete process.env.RECOUNT_PRICE_CACHE;
    const meta = path.join(dir, 'book.json');
    fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace(/"key": "[0-9a-f]+"/, '"key": "another build"'));
    expect(readPriceCache(dir)).toBeUndefined();
    expect(bundledPriceBook({ cacheDir: dir }).cache).toBeUndefined();
    expect(readPriceCache(tempDir())).toBeUndefined();
    fs.writeFileSync(meta, '{"key":'); // a torn file: built anew, no error
    expect(readPriceCache(dir)).toBeUndefined();
  });

  it('is not used with price overrides', async () => {
    const dir = tempDir();
    await cacheIn(dir);
    const overrides = writeTemp('prices.csv', 'model,input_usd_per_mtok,output_usd_per_mtok\nmy-local-model,1,2\n');
    const book = loadPriceBook(overrides, { cacheDir: dir });
    expect(book.cache).toBeUndefined();
    expect(book.label).toMatch(/\+ overrides /);
    expect((await priceRowsOf(book)).length).toBe((await priceRowsOf(catalogBook())).length + 1);
  });
});
