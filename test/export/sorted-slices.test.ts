import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, priceLedger, samples, tempDir } from '../helpers.js';
import { readQuery } from '../../src/db/named-query.js';
import { copyInSlices, exportSlices, sliceRows, slicesOf } from '../../src/export/sorted-slices.js';

// An export too big to sort on every thread is sorted in started_at slices that fit, appended in
// order to a temp table and copied from it (docs/benchmarks.md, "Sorted in slices"): the same rows in
// the same order as one sort, in fewer CPU-seconds at 10M rows.

const H = 3_600_000_000n; // an hour in microseconds
const MiB = 2 ** 20;

describe('slicesOf', () => {
  it('cuts hours into as few slices of about equal rows as stay within the most a slice may hold', () => {
    const hours = [0n, 1n, 2n, 3n, 4n, 5n].map((h) => ({ hourUs: h * H, rows: 100 }));
    expect(slicesOf(hours, 250)).toEqual([
      { fromUs: 0n, toUs: 2n * H, rows: 200 },
      { fromUs: 2n * H, toUs: 4n * H, rows: 200 },
      { fromUs: 4n * H, toUs: 6n * H, rows: 200 },
    ]);
    expect(slicesOf(hours, 600)).toEqual([{ fromUs: 0n, toUs: 6n * H, rows: 600 }]);
  });

  it('never splits an hour, and spans the gaps between hours so no row falls between slices', () => {
    const hours = [{ hourUs: 0n, rows: 10 }, { hourUs: 5n * H, rows: 900 }, { hourUs: 9n * H, rows: 10 }];
    expect(slicesOf(hours, 100)).toEqual([
      { fromUs: 0n, toUs: H, rows: 10 },
      { fromUs: 5n * H, toUs: 6n * H, rows: 900 },
      { fromUs: 9n * H, toUs: 10n * H, rows: 10 },
    ]);
    expect(slicesOf([], 100)).toEqual([]);
  });

  it('gives each slice half of what every thread sorts at the limit', () => {
    expect(sliceRows(366.2 * MiB, 2)).toBe(2_399_928); // 10M rows at 384MB: five slices of 2M
    expect(sliceRows(366.2 * MiB, 1)).toBe(4_799_856);
    expect(sliceRows(10, 2)).toBe(1);
  });
});

describe('copyInSlices', () => {
  it('writes the same CSV bytes as one sort, and drops its temp table', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('month')]);
    await priceLedger(ledger);
    const rowsSql = readQuery('ledger_rows').sql.replace(/;\s*$/, '');
    const values = { since: null, until: null, tz: 'UTC' };
    const dir = tempDir();
    const csvOf = async (file: string, text: string, params: typeof values | Record<string, never>) => {
      const out = path.join(dir, file);
      const result = await ledger.conn.run(`COPY (\n${text}\n) TO '${out}' (FORMAT csv, HEADER true)`, params);
      return { rows: Number(result.rowsChanged), bytes: fs.readFileSync(out, 'utf8') };
    };
    const one = await csvOf('one.csv', rowsSql, values);
    const hours = await ledger.all<{ hour_us: bigint; rows: bigint }>(
      "SELECT epoch_us(time_bucket(INTERVAL 1 hour, started_at)) AS hour_us, count(*) AS rows FROM usage GROUP BY 1 ORDER BY 1",
    );
    const slices = slicesOf(hours.map((h) => ({ hourUs: BigInt(h.hour_us), rows: Number(h.rows) })), Math.ceil(one.rows / 7));
    expect(slices.length).toBeGreaterThanOrEqual(7);
    let sliced = { rows: 0, bytes: '' };
    const rows = await copyInSlices(ledger, rowsSql, values, slices, async (text) => (sliced = await csvOf('sliced.csv', text, {})).rows);
    expect(rows).toBe(one.rows);
    expect(sliced.bytes).toBe(one.bytes);
    expect(await ledger.all("SELECT * FROM duckdb_tables() WHERE table_name = 'export_sorted'")).toEqual([]);
  }, 120_000);

  it('sorts in slices only when one sort does not fit on every thread', async () => {
    const ledger = await newLedger();
    await ledger.run("INSERT INTO usage (record_key, source, source_file, import_id, started_at, provider, model) SELECT 'k' || i, 'litellm', 'spend.csv', 'imp', TIMESTAMPTZ '2026-10-01 00:00:00+00' + (i % 48) * INTERVAL 1 hour, 'openai', 'gpt-5' FROM range(300000) t(i)");
    await priceLedger(ledger);
    await ledger.run('SET threads = 2');
    await ledger.run("SET memory_limit = '16MB'"); // 15.2 MiB: a slice holds at most 15.2 MiB / (40 × 2 × 2) = 99,614 rows
    const period = { since: null, until: null, tz: 'UTC' };
    expect(await exportSlices(ledger, 100_000, period)).toBeNull(); // the count decides: these fit on both threads
    const slices = await exportSlices(ledger, 300_000, period);
    const start = 1_790_812_800_000_000n; // 2026-10-01 UTC
    // 300,000 rows need four slices: 12 hours of 6,250 rows each
    expect(slices).toEqual([0n, 12n, 24n, 36n].map((h) => ({ fromUs: start + h * H, toUs: start + (h + 12n) * H, rows: 75_000 })));
    expect(await exportSlices(ledger, 300_000, { since: '2026-10-02', until: null, tz: 'UTC' })).toEqual([
      { fromUs: start + 24n * H, toUs: start + 36n * H, rows: 75_000 },
      { fromUs: start + 36n * H, toUs: start + 48n * H, rows: 75_000 },
    ]);
  }, 60_000);
});
