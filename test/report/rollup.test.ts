import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import type { Period } from '../../src/period.js';
import { withSharedRollup } from '../../src/report/rollup.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

// The report's shared rollup (counted_days summed per local day, src/report/rollup.ts) must give every
// query that reads counted_days the rows it gives alone, over the per-row macro.
const QUERIES: [string, Record<string, string>][] = [
  ['summary', {}], ['spend_by_model', {}], ['spend_by_day_and_model', {}], ['spend_by_task_type', {}],
  ['concentration', {}], ['cost_per_request_by_model', {}], ['model_list_prices', {}], ['model_tier_mix', {}],
  ['counted_views', {}], ['token_mix', { grain: 'all' }], ['token_mix', { grain: 'model' }], ['anomalous_days', { min_z: '1' }],
  ['spend_by_session', { limit: '50' }],
];
const PERIODS: Period[] = [
  { since: null, until: null, tz: 'UTC' },
  { since: '2026-10-06', until: '2026-10-19', tz: 'Asia/Kolkata' }, // a half-hour zone moves rows across days
];

let ledger: Ledger;

beforeAll(async () => {
  ledger = await newLedger();
  await importPaths(ledger, [samples('month')]);
  await priceLedger(ledger);
}, 60_000);

/** Numbers equal to 1e-9 (relative past 1): the rollup adds per day first, so the last bits may differ. */
function expectSameRows(actual: Record<string, unknown>[], expected: Record<string, unknown>[], where: string): void {
  expect(actual.length, where).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(Object.keys(row), where).toEqual(Object.keys(expected[i]));
    for (const [k, v] of Object.entries(row)) {
      const want = expected[i][k];
      if (typeof v === 'number' && typeof want === 'number') expect(Math.abs(v - want), `${where} row ${i} ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      else expect(v, `${where} row ${i} ${k}`).toEqual(want);
    }
  });
}

describe('the report shared rollup', () => {
  it('gives each day-grain query the rows it gives alone, over whole and part periods and in a half-hour zone', async () => {
    const { rows } = await ledger.one<{ rows: number }>('SELECT CAST(count(*) AS INTEGER) AS rows FROM usage_counted');
    for (const period of PERIODS) {
      const alone = await Promise.all(QUERIES.map(([name, given]) => runNamedQuery(ledger, name, given, period)));
      const shared = await withSharedRollup(ledger, period, async () => {
        const { groups } = await ledger.one<{ groups: number }>('SELECT CAST(count(*) AS INTEGER) AS groups FROM counted_days_shared');
        expect(groups).toBeLessThan(rows / 4); // summed: several rows a group, so a count(*) over it would differ
        const out = [];
        for (const [name, given] of QUERIES) out.push(await runNamedQuery(ledger, name, given, period));
        return out;
      });
      QUERIES.forEach(([name], i) => {
        expect(alone[i].length, name).toBeGreaterThan(0);
        expectSameRows(shared[i], alone[i], `${name} ${period.tz} ${period.since}`);
      });
    }
  }, 120_000);

  it('refuses another zone while it stands, and is gone afterwards', async () => {
    const utc: Period = { since: null, until: null, tz: 'UTC' };
    await withSharedRollup(ledger, utc, async () => {
      await expect(runNamedQuery(ledger, 'spend_by_model', {}, { ...utc, tz: 'Europe/Berlin' })).rejects.toThrow(/shared rollup is in zone UTC, not Europe\/Berlin/);
    });
    const berlin = await runNamedQuery(ledger, 'spend_by_model', {}, { ...utc, tz: 'Europe/Berlin' });
    expect(berlin.length).toBeGreaterThan(0);
    const { tables } = await ledger.one<{ tables: number }>("SELECT CAST(count(*) AS INTEGER) AS tables FROM duckdb_tables() WHERE table_name = 'counted_days_shared'");
    expect(tables).toBe(0);
  }, 60_000);
});
