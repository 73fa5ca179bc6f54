import { createRequire } from 'node:module';

/**
 * @duckdb/node-api, loaded with require(): it is CommonJS, and an ESM import makes Node scan its
 * modules for named exports first, which cost about 70 ms of every command's start-up. Types come
 * from the package itself (`import type`); values from here.
 */
const duckdb: typeof import('@duckdb/node-api') = createRequire(import.meta.url)('@duckdb/node-api');

export const { DuckDBInstance, DuckDBScalarFunction, DuckDBTypeId, DuckDBTimestampTZValue, DuckDBDateValue, BIGINT, BOOLEAN, DOUBLE, LIST, MAP, VARCHAR, listValue, mapValue } = duckdb;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;

/** A JS time as a bound TIMESTAMPTZ (microseconds). */
export function timestampTz(at: Date): InstanceType<typeof DuckDBTimestampTZValue> {
  return new DuckDBTimestampTZValue(BigInt(at.getTime()) * 1000n);
}
