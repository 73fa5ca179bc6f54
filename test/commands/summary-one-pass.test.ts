import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { summaryCommand } from '../../src/commands/summary.js';
import { Ledger } from '../../src/db/ledger.js';
import { toJson } from '../../src/format/table.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { sql } from '../../src/db/sql.js';
import type { Period } from '../../src/period.js';
import { importPaths, priceLedger, samples, tempDir } from '../helpers.js';

// `recount summary` reads the counted rows once (queries/summary/): its totals and per-source rows must
// be the ones queries/summary.sql and counted_views.sql give (forensics and the report still run those).
const PERIODS: Period[] = [
  { since: null, until: null, tz: 'UTC' },
  { since: '2026-10-05', until: '2026-10-20', tz: 'Asia/Kolkata' }, // a half-hour zone moves rows across days
  { since: '2026-10-01', until: '2026-10-31', tz: 'America/Los_Angeles' },
  { since: '2030-01-01', until: null, tz: 'UTC' }, // nothing counted: zeros, empty lists, no views
];

let ledger: Ledger;
let db: string;

beforeAll(async () => {
  db = path.join(tempDir(), 'ledger.duckdb');
  ledger = await Ledger.open(db);
  // every sample folder: aggregates counted in part and not at all, telemetry beside transcripts,
  // unpriced (some billed by their source) and borrowed rates
  await importPaths(ledger, [samples()]);
  await priceLedger(ledger);
}, 120_000);

async function onePass(period: Period): Promise<{ totals: Record<string, unknown>; views: Record<string, unknown>[] }> {
  const params = { since: period.since, until: period.until, tz: period.tz };
  await ledger.run(sql('summary/create_summary_pass'), params);
  return { totals: await ledger.one(sql('summary/summary_totals')), views: await ledger.all(sql('summary/summary_views'), params) };
}

describe('summary in one pass', () => {
  it('gives the totals and per-source rows of summary.sql and counted_views.sql, whole and part periods', async () => {
    for (const period of PERIODS) {
      const where = `${period.tz} ${period.since}`;
      const [totals] = await runNamedQuery(ledger, 'summary', {}, period);
      const views = await runNamedQuery(ledger, 'counted_views', {}, period);
      const pass = await onePass(period);
      expect(pass.totals, where).toEqual(totals);
      expect(pass.views, where).toEqual(views);
      if (period.since === '2030-01-01') expect([totals.records, views.length], where).toEqual([0, 0]);
      else expect(views.length, where).toBeGreaterThan(5);
    }
    // the figures that exercise every column: unpriced, uncosted and borrowed rows, sources counted in part
    const { totals, views } = await onePass(PERIODS[0]);
    expect(totals.unpriced_records).toBeGreaterThan(0);
    expect(totals.uncosted_records).toBeGreaterThan(0);
    expect((totals.borrowed_models as string[]).length).toBeGreaterThan(0);
    expect(views.some((v) => Number(v.counted_records) < Number(v.records))).toBe(true);
  }, 120_000);

  it('prints those figures: the command over the same ledger, as JSON and text', async () => {
    const period = PERIODS[1];
    const [{ first_at: _f, last_at: _l, ...totals }] = await runNamedQuery(ledger, 'summary', {}, period);
    const views = await runNamedQuery(ledger, 'counted_views', {}, period);
    ledger.close(); // the command opens the file itself (read-only)
    const flags = { db, since: period.since!, until: period.until!, tz: period.tz };
    const json = JSON.parse(await stdoutOf(() => summaryCommand({ ...flags, json: true })));
    expect(json).toMatchObject(JSON.parse(toJson({ ...totals, period, views })));
    expect(Object.keys(json)).toEqual([...Object.keys(totals), 'period', 'views', 'price_catalog']);
    const text = await stdoutOf(() => summaryCommand({ db }));
    expect(text).toMatch(/^UNPRICED {8}\d+ records have no catalog price \(\d+ are not in the cost\): \(no model\), /m);
    expect(text).toMatch(/^borrowed {8}\d+ records priced with a rate their provider's entry lacks/m);
    expect(text).toMatch(/^counted from {4}alibaba: qwen-code \(requests, /m);
    expect(text).toMatch(/; not counted: \d+ records of anthropic-usage-api, anthropic-usage-csv already counted from another side/);
  }, 60_000);
});

/** What `fn` writes to stdout. */
async function stdoutOf(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}
