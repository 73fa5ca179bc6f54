import { describe, expect, it } from 'vitest';
import { bindParams, listQueries, parseParams, readQuery } from '../../src/db/named-query.js';

describe('named queries', () => {
  it('ships the attribution queries with declared parameters', () => {
    const names = listQueries().map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['spend_by_model', 'spend_by_day', 'spend_by_source', 'summary', 'ledger_rows']));
    for (const q of listQueries()) {
      expect(q.description.length, q.name).toBeGreaterThan(10);
      for (const p of q.params) expect(q.sql, `${q.name} uses $${p.name}`).toContain(`$${p.name}`);
    }
  });

  it('parses the params header', () => {
    expect(parseParams(" since DATE = NULL, tz VARCHAR = 'UTC', cap_usd DOUBLE")).toEqual([
      { name: 'since', type: 'DATE', defaultValue: null },
      { name: 'tz', type: 'VARCHAR', defaultValue: 'UTC' },
      { name: 'cap_usd', type: 'DOUBLE', defaultValue: undefined },
    ]);
  });

  it('binds --param over the period over the defaults', () => {
    const q = readQuery('spend_by_day');
    expect(bindParams(q, { tz: 'Europe/Berlin' }, { since: '2026-10-01', until: null, tz: 'UTC' })).toEqual({
      since: '2026-10-01',
      until: null,
      tz: 'Europe/Berlin',
    });
  });

  it('checks a tz parameter before DuckDB, which meets the zone only when a row needs it', () => {
    expect(() => bindParams(readQuery('spend_by_day'), { tz: 'Mars/Olympus' })).toThrow("--param tz: unknown time zone 'Mars/Olympus'");
    expect(bindParams(readQuery('spend_by_day'), { tz: 'America/New_York' }).tz).toBe('America/New_York');
  });

  it('rejects unknown parameters and unknown queries with a hint', () => {
    expect(() => bindParams(readQuery('spend_by_day'), { cap: '1' })).toThrow("query 'spend_by_day' has no parameter 'cap'");
    expect(() => readQuery('spend_by_moon')).toThrow("no query named 'spend_by_moon'");
    expect(() => readQuery('../schema/001_create_usage')).toThrow('is not valid');
  });
});
