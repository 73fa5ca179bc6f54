import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @duckdb/node-api, loaded with require(): it is CommonJS, and an ESM import makes Node scan its
 * modules for named exports first, which cost about 70 ms of every command's start-up. Types come
 * from the package itself (`import type`); values from here.
 */
const duckdb: typeof import('@duckdb/node-api') = loadNodeApi();

/**
 * The build's one-file bundle of the package (dist/vendor, scripts/build-dist.mjs) when it was made
 * from the installed version: Node resolves, reads and compiles one file instead of ~120, about
 * 60 ms less CPU for every command. Else (a plain `tsc`, tests from src/, another version) the package.
 */
function loadNodeApi(): typeof import('@duckdb/node-api') {
  if (process.env.RECOUNT_DUCKDB_BUNDLE !== 'off') {
    try {
      const bundled = (require('../../vendor/duckdb-node-api.json') as { version: string }).version;
      const installed = (require('@duckdb/node-api/package.json') as { version: string }).version;
      if (bundled === installed) return require('../../vendor/duckdb-node-api.cjs');
    } catch {
      // no bundle here: the package itself
    }
  }
  return require('@duckdb/node-api');
}

export const { DuckDBInstance, DuckDBScalarFunction, DuckDBTypeId, DuckDBTimestampTZValue, DuckDBDateValue, BIGINT, BOOLEAN, DOUBLE, LIST, MAP, VARCHAR, listValue, mapValue } = duckdb;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;

/** A JS time as a bound TIMESTAMPTZ (microseconds). */
export function timestampTz(at: Date): InstanceType<typeof DuckDBTimestampTZValue> {
  return new DuckDBTimestampTZValue(BigInt(at.getTime()) * 1000n);
}
