import fs from 'node:fs';
import path from 'node:path';
import { RecountError } from '../errors.js';

/** Version of the lake's layout and column contract (docs/lake.md); manifest.json records it. */
export const LAKE_SCHEMA_VERSION = 1;

const PREFIX = 'lake:';

/** The lake folder named by `--db lake:DIR` (else $RECOUNT_DB), or undefined for a ledger file. */
export function lakeDirOf(flag?: string): string | undefined {
  const spec = flag ?? process.env.RECOUNT_DB;
  if (!spec?.startsWith(PREFIX)) return undefined;
  const dir = spec.slice(PREFIX.length);
  if (!dir) throw new RecountError(`--db ${spec} names no folder`, 'write it as --db lake:DIR, e.g. --db lake:/mnt/team/recount-lake');
  return path.resolve(dir);
}

/** True when `p` is a folder `recount export --lake` wrote (it holds manifest.json). */
export function isLakeDir(p: string): boolean {
  return fs.existsSync(path.join(p, 'manifest.json'));
}

/** Commands that write the ledger (import, forget, doctor, classify, rejects) refuse a lake by name. */
export function lakeIsReadOnly(dir: string): RecountError {
  return new RecountError(
    `${dir} is a Parquet lake: it is read-only to recount (summary, query, forensics, whatif, report read it)`,
    'import, forget, classify and doctor work on a ledger file (--db PATH); then run recount export --lake DIR again',
  );
}

/**
 * For resolveDbPath: the lake folder of a lake:DIR spec, which must hold a lake (a write command
 * given lake:DIR then refuses it by name instead of creating a ledger file called DIR).
 */
export function existingLakeOf(flag?: string): string | undefined {
  const dir = lakeDirOf(flag);
  if (dir && !isLakeDir(dir)) throw noLake(dir);
  return dir;
}

export function noLake(dir: string): RecountError {
  return new RecountError(`no lake at ${dir} (no manifest.json)`, 'write one first: recount export --lake DIR (from each machine), then --db lake:DIR');
}

/**
 * Fills a lake statement's $markers (identifiers, column lists, read_parquet calls: nothing DuckDB can
 * bind) on its SQL lines only: the header comments that explain the markers stay as written.
 */
export function fillMarkers(text: string, values: Record<string, string>): string {
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('--') ? line : line.replace(/\$([a-z_]+)\b/g, (m, name: string) => values[name] ?? m)))
    .join('\n');
}
