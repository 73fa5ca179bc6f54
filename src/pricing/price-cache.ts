import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from '../db/sql.js';
import { fillMarkers } from '../db/spec.js';
import { queriesDir } from '../paths.js';

/**
 * The bundled catalog's resolved rates, written at build time (`npm run build`) beside dist/src as
 * price-cache/price_rows.parquet plus book.json (label, fingerprint, key). Building them at run time
 * loads @pydantic/genai-prices (0.5 MB of script) and resolves ~1,200 rows: about a fifth of a
 * second of every command that prices rows. The key hashes what the rows depend on (the catalog
 * package's version, the pricing modules, the price_rows schema), so a cache left from another
 * build is never used: the rows are built as before.
 */
export interface PriceCache {
  label: string;
  fingerprint: string;
  parquet: string; // path of the price_rows file
}

interface CacheMeta {
  key: string;
  label: string;
  fingerprint: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The folder the build writes the cache to (dist/price-cache when run from dist/src/pricing). */
export const defaultCacheDir = path.resolve(here, '..', '..', 'price-cache');

/** The cache in `dir` if it was built from this code and catalog; RECOUNT_PRICE_CACHE=off ignores it. */
export function readPriceCache(dir = defaultCacheDir): PriceCache | undefined {
  if (process.env.RECOUNT_PRICE_CACHE === 'off') return undefined;
  let meta: CacheMeta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'book.json'), 'utf8')) as CacheMeta;
  } catch {
    return undefined; // not built (a plain `tsc`), or unreadable: build the rows instead
  }
  const parquet = path.join(dir, 'price_rows.parquet');
  if (meta.key !== cacheKey() || !fs.existsSync(parquet)) return undefined;
  return { label: meta.label, fingerprint: meta.fingerprint, parquet };
}

/** Writes the cache files (the build's step): price_rows as the session installed them, and the key. */
export async function writePriceCache(
  ledger: { run(sql: string): Promise<void> },
  book: { label: string; fingerprint: string },
  dir = defaultCacheDir,
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // written under temporary names and renamed: a command reading the old cache meanwhile sees whole files
  const tmp = `.tmp-${process.pid}`;
  const parquet = path.join(dir, 'price_rows.parquet');
  await ledger.run(fillMarkers(sql('pricing/copy_price_rows_cache'), { out: `'${(parquet + tmp).replace(/'/g, "''")}'` }));
  fs.writeFileSync(path.join(dir, `book.json${tmp}`), JSON.stringify({ key: cacheKey(), label: book.label, fingerprint: book.fingerprint }, null, 2) + '\n');
  fs.renameSync(parquet + tmp, parquet);
  fs.renameSync(path.join(dir, `book.json${tmp}`), path.join(dir, 'book.json'));
}

let key: string | undefined;

/** A hash of what the cached rows depend on: genai-prices' version, this folder's modules, the table's schema. */
export function cacheKey(): string {
  if (key) return key;
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@pydantic/genai-prices').replace(/dist\/index\.c?js$/, 'package.json');
  hash.update(fs.readFileSync(pkg));
  for (const name of fs.readdirSync(here).filter((f) => /\.[jt]s$/.test(f)).sort()) {
    hash.update(name).update(fs.readFileSync(path.join(here, name)));
  }
  hash.update(fs.readFileSync(path.join(queriesDir, 'pricing', 'create_price_rows.sql')));
  key = hash.digest('hex');
  return key;
}
