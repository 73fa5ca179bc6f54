import { afterEach, describe, expect, it, vi } from 'vitest';
import { readQuery, runNamedQuery } from '../../src/db/named-query.js';
import type { Period } from '../../src/period.js';
import { bundledPriceBook } from '../../src/pricing/book.js';
import { reportQueries } from '../../src/report/data.js';
import { importPaths, newLedger, priceLedger, samples } from '../helpers.js';

// The report's query runner answers reconciliation without running it when the ledger holds no
// invoice line (its rows need one, and its statement scans the counted rows); with lines it runs it.

const period: Period = { since: null, until: null, tz: 'UTC' };

afterEach(() => vi.restoreAllMocks());

async function ledgerOf(paths: string[]) {
  const ledger = await newLedger();
  await importPaths(ledger, paths);
  await priceLedger(ledger);
  return ledger;
}

describe('the report query runner', () => {
  it('does not run reconciliation on a ledger without invoice lines', async () => {
    const ledger = await ledgerOf([samples('openai', 'usage-dashboard.csv')]);
    const statements: string[] = [];
    const all = ledger.all.bind(ledger);
    vi.spyOn(ledger, 'all').mockImplementation((text: string, params?: Record<string, unknown>) => {
      statements.push(text);
      return all(text, params as never);
    });
    const q = reportQueries({ ledger, prices: bundledPriceBook() }, period);
    expect(await q('reconciliation')).toEqual([]);
    expect(statements.some((s) => s === readQuery('reconciliation').sql)).toBe(false);
    ledger.close();
  }, 60_000);

  it('gives the query\'s own rows when there are invoice lines', async () => {
    const ledger = await ledgerOf([samples('openai', 'usage-dashboard.csv'), samples('openai', 'cost-dashboard.csv')]);
    const alone = await runNamedQuery(ledger, 'reconciliation', {}, period);
    expect(alone.length).toBeGreaterThan(0);
    const q = reportQueries({ ledger, prices: bundledPriceBook() }, period);
    expect(await q('reconciliation')).toEqual(alone);
    ledger.close();
  }, 60_000);
});
