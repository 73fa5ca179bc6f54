import fs from 'node:fs';
import path from 'node:path';
import { RecountError } from '../errors.js';
import { queriesDir } from '../paths.js';
import { checkZone, type Period } from '../period.js';
import type { Params } from './ledger.js';

export interface ParamSpec {
  name: string;
  type: string; // DuckDB type the SQL casts to
  defaultValue: string | null | undefined; // undefined = required
}

export interface NamedQuery {
  name: string;
  description: string;
  params: ParamSpec[];
  sql: string;
}

/** Named queries: queries/<name>.sql at the top level (schema, import and pricing SQL live in folders). */
export function listQueries(): NamedQuery[] {
  return fs
    .readdirSync(queriesDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readQuery(f.replace(/\.sql$/, '')));
}

export function readQuery(name: string): NamedQuery {
  if (!/^[a-z0-9_]+$/.test(name)) throw new RecountError(`query name '${name}' is not valid`, 'names are snake_case, e.g. spend_by_model');
  const file = path.join(queriesDir, `${name}.sql`);
  if (!fs.existsSync(file)) {
    const names = fs.readdirSync(queriesDir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
    throw new RecountError(`no query named '${name}'`, `available: ${names.join(', ')}`);
  }
  const sqlText = fs.readFileSync(file, 'utf8');
  const header = sqlText.split('\n').filter((l) => l.startsWith('--')).map((l) => l.replace(/^--\s?/, ''));
  // the description is the header's first sentence (it may wrap over lines before grain/params)
  const stop = header.findIndex((l) => /^(grain|params):/.test(l));
  const paragraph = header.slice(0, stop < 0 ? header.length : stop).join(' ').replace(new RegExp(`^${name}:\\s*`), '');
  const description = /^.*?[.:](?=\s|$)/.exec(paragraph)?.[0].replace(/[.:]$/, '') ?? paragraph;
  const paramsLine = header.find((l) => l.startsWith('params:'));
  return { name, description, params: paramsLine ? parseParams(paramsLine.slice('params:'.length)) : [], sql: sqlText };
}

/** `since DATE = NULL, tz VARCHAR = 'UTC', cap_usd DOUBLE` → specs. */
export function parseParams(spec: string): ParamSpec[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/.exec(s);
      if (!m) throw new Error(`bad params header entry '${s}'`);
      const raw = m[3]?.trim();
      const defaultValue = raw === undefined ? undefined : raw.toUpperCase() === 'NULL' ? null : raw.replace(/^'(.*)'$/, '$1');
      return { name: m[1], type: m[2].toUpperCase(), defaultValue };
    });
}

/** Bound values for a query: --param k=v first, then the period flags, then the header's defaults. */
export function bindParams(query: NamedQuery, given: Record<string, string>, period?: Period): Params {
  const known = new Set(query.params.map((p) => p.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      throw new RecountError(`query '${query.name}' has no parameter '${key}'`, known.size ? `its parameters: ${[...known].join(', ')}` : 'it takes no parameters');
    }
  }
  const fromPeriod: Record<string, string | null> = period ? { since: period.since, until: period.until, tz: period.tz } : {};
  const values: Params = {};
  for (const p of query.params) {
    const v = p.name in given ? given[p.name] : p.name in fromPeriod && fromPeriod[p.name] != null ? fromPeriod[p.name] : p.defaultValue;
    if (v === undefined) throw new RecountError(`query '${query.name}' needs --param ${p.name}=…`, `${p.name} is a ${p.type}`);
    // DuckDB meets a bad zone only when a row needs it (never, on an empty period): check it here
    if (p.name === 'tz' && v != null) checkZone(p.name in given ? '--param tz' : '--tz', v);
    values[p.name] = v;
  }
  return values;
}

export function parseParamFlags(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new RecountError(`--param '${pair}' is not key=value`, 'e.g. --param cap_usd=50');
    out[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
  return out;
}

/** Runs queries/<name>.sql with its parameters bound from `given`, the period and the defaults. */
export async function runNamedQuery<T = Record<string, unknown>>(
  ledger: { all<R>(sql: string, params?: Params): Promise<R[]> },
  name: string,
  given: Record<string, string> = {},
  period?: Period,
): Promise<T[]> {
  const query = readQuery(name);
  try {
    return await ledger.all<T>(query.sql, bindParams(query, given, period));
  } catch (err) {
    throw paramError(query, err);
  }
}

/** A value the query refuses (a bad --param, a cast that fails) is the user's to fix, not a crash. */
function paramError(query: NamedQuery, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const refused = /^(Invalid Input|Conversion|Out of Range) Error|^Binder Error: LIMIT\/OFFSET cannot be negative/.test(message);
  if (!refused) return err instanceof Error ? err : new Error(message);
  const detail = message.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '');
  const params = query.params.map((p) => `${p.name} ${p.type}`).join(', ');
  return new RecountError(`query '${query.name}': ${detail}`, params ? `check the --param values (${params})` : 'check the period flags');
}
