import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { assignRules, loadReplayFrame, type ReplayFrame } from '../../src/replay/frame.js';
import { readPolicy, ruleIndexSql } from '../../src/replay/policy.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { newLedger, priceLedger, writeTemp } from '../helpers.js';

/**
 * The frame reads replay_core in replay order with each row's id; rule matches come back unsorted and
 * land at their row's place by that id (assignRules). This holds both to plain sorted reads (ORDER BY
 * the replay order keys), column by column and rule by rule, on a table not stored in replay order.
 * (The observed breaks are found after the read: test/replay/replay-breaks.test.ts holds them.)
 */
const FLOATS = ['tS', 'requests', 'input', 'cacheRead', 'write5m', 'write1h', 'output', 'webSearch', 'listCostUsd', 'costUsd'] as const;
const INTS = ['isBucket', 'isLongBucket', 'taskTier', 'threadIx', 'sessionIx', 'providerIx', 'modelIx', 'taskTypeIx', 'keyIx', 'projectIx', 'serviceTierIx', 'dayIx'] as const;
const SQL_NAMES: Record<string, string> = {
  tS: 't_s', requests: 'requests', input: 'input_tokens', cacheRead: 'cache_read_tokens', write5m: 'cache_write_5m_tokens', write1h: 'cache_write_1h_tokens',
  output: 'output_tokens', webSearch: 'web_search_requests', listCostUsd: 'list_cost_usd', costUsd: 'cost_usd', isBucket: 'is_bucket', isLongBucket: 'is_long_bucket', taskTier: 'task_tier',
  threadIx: 'thread_ix', sessionIx: 'session_ix', providerIx: 'provider_ix', modelIx: 'model_ix', taskTypeIx: 'task_type_ix', keyIx: 'key_ix',
  projectIx: 'project_ix', serviceTierIx: 'service_tier_ix', dayIx: 'day_ix',
};

/** replay_core as read_replay_rows reads it (sorted by the replay order keys), one object per row. */
async function sortedRead(ledger: Ledger): Promise<Record<string, unknown>[]> {
  return ledger.all(sql('replay/read_replay_rows'));
}

function expectFrameIs(frame: ReplayFrame, want: Record<string, unknown>[]): void {
  expect(frame.rows).toBe(want.length);
  for (const key of [...FLOATS, ...INTS]) {
    const got = Array.from(frame[key] as ArrayLike<number>);
    // NaN (unpriced) compares equal to NaN in toEqual
    expect(got, key).toEqual(want.map((r) => Number(r[SQL_NAMES[key]])));
  }
}

describe('the frame and the rule matches in replay order', () => {
  let ledger: Ledger;
  const prices = loadPriceBook('');
  // rules that split the rows three ways (by model), so a row out of place shows
  const policyFile = writeTemp(
    'by-model.yaml',
    ['version: 1', 'rules:', '  - name: opus', '    when: { model: claude-opus-4-6 }', '  - name: haiku', '    when: { model: claude-haiku-4-5 }', '  - name: default', '    when: {}', ''].join('\n'),
  );
  beforeAll(async () => {
    ledger = await newLedger();
    // inserted newest first, so the table's own order is not the replay order
    await loadRows(ledger, [...generateSyntheticMonth(5).rows].reverse());
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('puts every column of every row where a sorted read puts it, and the rule matches with them', async () => {
    const frame = await loadReplayFrame(ledger, { since: null, until: null, tz: 'UTC' }, []);
    const [{ keys }] = await ledger.all<{ keys: number }>('SELECT count(DISTINCT (order_us, order_hash)) AS keys FROM replay_core');
    expect(keys).toBe(frame.rows); // no ties: the replay order is one order
    const order = await ledger.all<{ row_id: number }>(sql('replay/replay_order'));
    expect(order.some((r, k) => r.row_id !== k)).toBe(true); // the scatter is exercised, not the identity
    expectFrameIs(frame, await sortedRead(ledger));

    const policy = readPolicy(policyFile, prices);
    const rules = ruleIndexSql(policy.rules);
    const want = await ledger.all<{ rule_ix: number }>(`SELECT rule_ix FROM (${rules.sql}) r JOIN replay_rows USING (row_id) ORDER BY order_us, order_hash`, rules.params);
    const got = await assignRules(ledger, frame.rows, rules);
    expect(new Set(want.map((r) => r.rule_ix)).size).toBe(3);
    expect(Array.from(got)).toEqual(want.map((r) => r.rule_ix));
  });

  it('reads each start time as epoch(started_at), though replay_core keeps only its µs', async () => {
    // start times to the µs, where epoch() and a plain µs / 1e6 are different doubles for some
    const micro = await newLedger();
    const rows = generateSyntheticMonth(1).rows.slice(0, 300);
    await loadRows(micro, rows.map((r, i) => ({ ...r, started_at: r.started_at.replace(/\.\d{3}Z$/, `.${String(100_003 + ((i * 7_919) % 899_989)).padStart(6, '0')}Z`) })));
    await priceLedger(micro);
    try {
      const frame = await loadReplayFrame(micro, { since: null, until: null, tz: 'UTC' }, []);
      const want = await micro.all<{ t: number; divided: number }>(
        'SELECT epoch(started_at) AS t, CAST(epoch_us(started_at) AS DOUBLE) / 1e6 AS divided FROM replay_input ORDER BY epoch_us(started_at), hash(source, record_key)',
      );
      expect(want.some((r) => r.t !== r.divided)).toBe(true);
      expect(Array.from(frame.tS)).toEqual(want.map((r) => r.t));
    } finally {
      micro.close();
    }
  });

  it('follows a rebuilt replay_core: a part period has its own rows and ids', async () => {
    const period = { since: '2026-10-10', until: '2026-10-20', tz: 'UTC' };
    const all = await loadReplayFrame(ledger, { since: null, until: null, tz: 'UTC' }, []);
    const part = await loadReplayFrame(ledger, period, []);
    expect(part.rows).toBeGreaterThan(0);
    expect(part.rows).toBeLessThan(all.rows);
    expectFrameIs(part, await sortedRead(ledger));
    const policy = readPolicy(policyFile, prices);
    const rules = ruleIndexSql(policy.rules);
    const want = await ledger.all<{ rule_ix: number }>(`SELECT rule_ix FROM (${rules.sql}) r JOIN replay_rows USING (row_id) ORDER BY order_us, order_hash`, rules.params);
    expect(Array.from(await assignRules(ledger, part.rows, rules))).toEqual(want.map((r) => r.rule_ix));
  });
});
