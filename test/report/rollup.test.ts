import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import type { Period } from '../../src/period.js';
import { sql } from '../../src/db/sql.js';
import { withSharedKeyRates, withSharedRollup, withSharedTurns } from '../../src/report/rollup.js';
import { importPaths, newLedger, priceLedger, samples, writeTemp } from '../helpers.js';

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

describe('the report shared tables, kept for a session that closes next', () => {
  it('stay, and the same names read them with the rows they give alone', async () => {
    const l = await newLedger();
    await importPaths(l, [samples('month')]);
    await priceLedger(l);
    const period: Period = { since: '2026-10-06', until: '2026-10-19', tz: 'Asia/Kolkata' };
    const read = () => Promise.all(['spend_by_model', 'outcomes_by_session', 'spend_by_session'].map((name) => runNamedQuery(l, name, {}, period)));
    const alone = await read();
    await withSharedKeyRates(l, () => withSharedTurns(l, () => withSharedRollup(l, period, async () => undefined, true), true), true);
    const { tables } = await l.one<{ tables: number }>(
      "SELECT CAST(count(*) AS INTEGER) AS tables FROM duckdb_tables() WHERE table_name IN ('counted_days_shared', 'agent_turns_shared', 'usage_key_rates_shared')",
    );
    expect(tables).toBe(3);
    const kept = await read();
    alone.forEach((rows, i) => {
      expect(rows.length, `query ${i}`).toBeGreaterThan(0);
      expectSameRows(kept[i], rows, `query ${i}`);
    });
    await expect(runNamedQuery(l, 'spend_by_model', {}, { ...period, tz: 'UTC' })).rejects.toThrow(/shared rollup is in zone Asia\/Kolkata/); // still the rollup
    l.close();
  }, 60_000);
});

describe('the report shared pricing keys', () => {
  it('give usage_priced every row and rate it gives alone, and are gone afterwards', async () => {
    const priced = () => ledger.all<Record<string, unknown>>('SELECT * EXCLUDE (import_id) FROM usage_priced ORDER BY source, record_key');
    const alone = await priced();
    const shared = await withSharedKeyRates(ledger, async () => {
      const { keys } = await ledger.one<{ keys: number }>('SELECT CAST(count(*) AS INTEGER) AS keys FROM usage_key_rates_shared');
      expect(keys).toBeGreaterThan(1);
      expect(keys).toBeLessThan(alone.length); // a key per provider, model, tier and day: fewer than the rows
      return priced();
    });
    expect(alone.filter((r) => r.list_cost_usd != null).length).toBeGreaterThan(0);
    expectSameRows(shared, alone, 'usage_priced');
    const { tables } = await ledger.one<{ tables: number }>("SELECT CAST(count(*) AS INTEGER) AS tables FROM duckdb_tables() WHERE table_name = 'usage_key_rates_shared'");
    expect(tables).toBe(0);
    expectSameRows(await priced(), alone, 'usage_priced after'); // the view reads the ledger again
  }, 60_000);
});

describe('the report shared agent turns', () => {
  it('give each turn reader the rows it gives alone, and are gone afterwards', async () => {
    const period: Period = { since: '2026-10-06', until: '2026-10-19', tz: 'America/St_Johns' };
    const readers = () => Promise.all([
      runNamedQuery(ledger, 'outcomes_by_model_and_task', {}, period),
      runNamedQuery(ledger, 'outcomes_by_session', {}, period),
      ledger.all(sql('replay/observed_outcomes'), { since: period.since, until: period.until, tz: period.tz }),
    ]);
    const alone = await readers();
    const shared = await withSharedTurns(ledger, async () => {
      const { turns } = await ledger.one<{ turns: number }>('SELECT CAST(count(*) AS INTEGER) AS turns FROM agent_turns_shared');
      expect(turns).toBeGreaterThan(0);
      return readers();
    });
    alone.forEach((rows, i) => {
      expect(rows.length, `reader ${i}`).toBeGreaterThan(0);
      expectSameRows(shared[i], rows, `reader ${i}`);
    });
    const { tables } = await ledger.one<{ tables: number }>("SELECT CAST(count(*) AS INTEGER) AS tables FROM duckdb_tables() WHERE table_name = 'agent_turns_shared'");
    expect(tables).toBe(0);
    expect((await runNamedQuery(ledger, 'outcomes_by_session', {}, period)).length).toBe(alone[1].length); // the macro reads the ledger again
  }, 60_000);
});

// The rollup finds a row's local day from its UTC hour's offset (create_zone_hours_table.sql), and from
// local_day itself in an hour a transition falls inside: Tehran's last DST change (2022-09-22 00:00
// +04:30 → 2022-09-21 23:00 +03:30, at 19:30 UTC) puts 19:40 UTC on the 21st, where the hour's first
// offset would say the 22nd. Kathmandu is +05:45: 18:20 UTC is past its midnight.
describe('the rollup local day', () => {
  const times = ['2022-09-21T19:20:00', '2022-09-21T19:40:00', '2026-10-24T18:10:00', '2026-10-24T18:20:00', '2026-10-25T00:40:00', '2026-10-25T01:20:00'];
  const line = (t: string) => JSON.stringify({
    request_id: `r-${t}`, call_type: 'acompletion', spend: 0.01, total_tokens: 150, prompt_tokens: 100, completion_tokens: 50,
    startTime: t, endTime: t, model: 'gpt-4o', custom_llm_provider: 'openai', status: 'success',
  });
  const dayCounts = 'SELECT strftime(day, \'%Y-%m-%d\') AS day, CAST(sum(records) AS INTEGER) AS records FROM counted_days(NULL, NULL, $tz) GROUP BY day ORDER BY day';

  it('is local_day\'s across a DST change inside an hour, in a :45 zone and in Berlin, UTC and Newfoundland', async () => {
    const l = await newLedger();
    await importPaths(l, [writeTemp('spend-logs.jsonl', times.map(line).join('\n') + '\n')]);
    await priceLedger(l);
    const days: Record<string, unknown[]> = {};
    for (const tz of ['Asia/Tehran', 'Asia/Kathmandu', 'Europe/Berlin', 'UTC', 'America/St_Johns']) {
      const alone = await l.all(dayCounts, { tz });
      const shared = await withSharedRollup(l, { since: null, until: null, tz }, () => l.all(dayCounts, { tz }));
      expect(shared, tz).toEqual(alone);
      days[tz] = shared;
    }
    expect(days['Asia/Tehran'].slice(0, 1)).toEqual([{ day: '2022-09-21', records: 2 }]);
    expect(days['Asia/Kathmandu'].slice(1)).toEqual([{ day: '2026-10-24', records: 1 }, { day: '2026-10-25', records: 3 }]);
    l.close();
  }, 60_000);
});
