import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { loadReplayFrame, type ReplayFrame } from '../../src/replay/frame.js';
import { matchRules, testedTags } from '../../src/replay/rule-match.js';
import { readPolicy } from '../../src/replay/policy.js';
import { ruleIndexSql } from './rule-sql.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { newLedger, priceLedger, writeTemp } from '../helpers.js';

/**
 * The frame streams the period's rows in replay order into typed arrays (frame-read.ts), the rule
 * fields as dictionary ids, and the rules match in JS over them (rule-match.ts). This holds both to a
 * plain read of the same rows by object (replay_keys' order) and to the rules' SQL (ruleIndexSql over
 * those rows with their strings), column by column and rule by rule, on a ledger not stored in replay
 * order. (The observed breaks are found after the read: test/replay/replay-breaks.test.ts holds them.)
 */
const FLOATS = ['tS', 'requests', 'input', 'cacheRead', 'write5m', 'write1h', 'output', 'webSearch', 'listCostUsd', 'costUsd'] as const;
const INTS = ['isBucket', 'isLongBucket', 'taskTier', 'threadIx', 'sessionIx', 'providerIx', 'modelIx', 'taskTypeIx', 'keyIx', 'projectIx', 'serviceTierIx', 'dayIx', 'rowProviderIx', 'sourceIx', 'toolsIx'] as const;
const SQL_NAMES: Record<string, string> = {
  tS: 't_s', requests: 'requests', input: 'input_tokens', cacheRead: 'cache_read_tokens', write5m: 'cache_write_5m_tokens', write1h: 'cache_write_1h_tokens',
  output: 'output_tokens', webSearch: 'web_search_requests', listCostUsd: 'list_cost_usd', costUsd: 'cost_usd', isBucket: 'is_bucket', isLongBucket: 'is_long_bucket', taskTier: 'task_tier',
  threadIx: 'thread_ix', sessionIx: 'session_ix', providerIx: 'provider_ix', modelIx: 'model_ix', taskTypeIx: 'task_type_ix', keyIx: 'key_ix',
  projectIx: 'project_ix', serviceTierIx: 'service_tier_ix', dayIx: 'day_ix', rowProviderIx: 'row_provider_ix', sourceIx: 'source_ix', toolsIx: 'tools_ix',
};

const ALL = { since: null, until: null, tz: 'UTC' };

/** replay_frame_rows as read_replay_frame_rows reads it (sorted by the replay order keys), one object per row. */
async function sortedRead(ledger: Ledger, period: { since: string | null; until: string | null; tz: string } = ALL): Promise<Record<string, unknown>[]> {
  await ledger.run(sql('replay/create_replay_frame_rows'), period);
  return ledger.all(sql('replay/read_replay_frame_rows'));
}

/**
 * ruleIndexSql's CASE over the period's rows with the fields the rules test (as the replay_rows view
 * gave them before the frame stopped writing a table), in replay order: the matcher's reference.
 */
async function sqlRuleMatches(ledger: Ledger, rules: { sql: string; params: Record<string, string | number> }, period = ALL): Promise<number[]> {
  await ledger.run(
    `CREATE OR REPLACE TEMP TABLE replay_rows AS
     SELECT k.place AS row_id, u.source, u.provider, u.model, u.task_type, u.api_key, u.project, u.tier,
            u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens AS prompt_tokens,
            u.output_tokens, u.tools, u.tags
     FROM replay_input u JOIN replay_keys($since, $until, $tz) k ON k.order_us = epoch_us(u.started_at) AND k.order_hash = hash(u.source, u.record_key)`,
    period,
  );
  const rows = await ledger.all<{ rule_ix: number }>(`SELECT rule_ix FROM (${rules.sql}) ORDER BY row_id`, rules.params);
  return rows.map((r) => r.rule_ix);
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
  // rules on the fields that come as ids of their own (tools, source, project) and on token counts
  const fieldsFile = writeTemp(
    'by-fields.yaml',
    [
      'version: 1',
      'rules:',
      '  - name: big-reads',
      '    when: { tools: { $in: [Read, Grep] }, prompt_tokens: { $gt: 30000 } }',
      '  - name: search-team-requests',
      "    when: { tags.team: search, tags.request_id: { $regex: '[0-4]$' } }",
      '  - name: edits-elsewhere',
      '    when: { tools: Edit, project: { $ne: recount } }',
      '  - name: no-tools',
      '    when: { $or: [{ tools: { $exists: false } }, { tools: { $only: [Bash, Glob] }, source: { $prefix: claude } }] }',
      '  - name: default',
      '    when: {}',
      '',
    ].join('\n'),
  );
  beforeAll(async () => {
    ledger = await newLedger();
    // inserted newest first, so the table's own order is not the replay order
    await loadRows(ledger, [...generateSyntheticMonth(5).rows].reverse());
    // gateway-style tags on two rows in three: a team, and on some a request id (one value per row)
    await ledger.run(`UPDATE usage SET tags = CASE hash(record_key) % 3
      WHEN 0 THEN json_object('team', 'search', 'request_id', 'req_' || record_key) WHEN 1 THEN json_object('team', 'billing') END`);
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('puts every column of every row where a sorted read puts it, and the rule matches with them', async () => {
    const frame = await loadReplayFrame(ledger, ALL, []);
    const [{ keys }] = await ledger.all<{ keys: number }>('SELECT count(DISTINCT (order_us, order_hash)) AS keys FROM replay_keys(NULL, NULL, \'UTC\')');
    expect(keys).toBe(frame.rows); // no ties: the replay order is one order
    expectFrameIs(frame, await sortedRead(ledger));

    const policy = readPolicy(policyFile, prices);
    const want = await sqlRuleMatches(ledger, ruleIndexSql(policy.rules));
    expect(new Set(want).size).toBe(3);
    expect(Array.from(matchRules(frame, policy.rules))).toEqual(want);

    const fields = readPolicy(fieldsFile, prices);
    const wantFields = await sqlRuleMatches(ledger, ruleIndexSql(fields.rules));
    expect(new Set(wantFields).size).toBe(5);
    const tagged = await loadReplayFrame(ledger, ALL, [], 'counted', testedTags(fields.rules));
    expect([...tagged.tags.keys()]).toEqual(['request_id', 'team']);
    expect(new Set(tagged.tags.get('team')!.values)).toEqual(new Set([null, 'search', 'billing']));
    expect(Array.from(matchRules(tagged, fields.rules))).toEqual(wantFields);
  });

  it('reads each start time as epoch(started_at), not as its µs / 1e6', async () => {
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

  it('reads a part period with its own rows, and its rules match in place', async () => {
    const period = { since: '2026-10-10', until: '2026-10-20', tz: 'UTC' };
    const all = await loadReplayFrame(ledger, ALL, []);
    const part = await loadReplayFrame(ledger, period, []);
    expect(part.rows).toBeGreaterThan(0);
    expect(part.rows).toBeLessThan(all.rows);
    expectFrameIs(part, await sortedRead(ledger, period));
    const policy = readPolicy(policyFile, prices);
    expect(Array.from(matchRules(part, policy.rules))).toEqual(await sqlRuleMatches(ledger, ruleIndexSql(policy.rules), period));
  });
});
