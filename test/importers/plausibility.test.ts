import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { ccAssistant, expectCountsBalance, outcome } from './util.js';

// One plausibility rule set at the boundary (queries/import/macros/implausible_usage.sql): whatever
// format a row comes from, impossible values are rejected with a reason naming field and value.

const CSV_HEADER = fs.readFileSync(samples('openai', 'usage-dashboard.csv'), 'utf8').split('\n')[0];
const csvRow = (start: number, input: string, output: string) =>
  `${start},${start + 86_400},,,proj_a,10.0,,key_a,gpt-4.1-mini-2025-04-14,FALSE,default,${input},${output},0.0,0.0,0.0`;

async function reasons(ledger: Awaited<ReturnType<typeof newLedger>>): Promise<string[]> {
  return (await ledger.all<{ reason: string }>('SELECT reason FROM rejects ORDER BY source_file, source_line')).map((r) => r.reason);
}

describe('plausibility rules', () => {
  it('reject impossible token counts and epoch units in a dashboard CSV, whatever the other rows do', async () => {
    const day = 1_790_812_800; // 2026-10-01
    const file = writeTemp('usage.csv', [
      CSV_HEADER,
      csvRow(day, '1000.0', '10.0'),
      csvRow(day + 86_400, '1000.0', '-5.0'),
      csvRow(day + 2 * 86_400, '1000.0', '9000000000000000000'),
      csvRow(day * 1000, '1000.0', '10.0'),
      '',
    ].join('\n'));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, 'usage.csv')).toMatchObject({ rows_read: 4, imported: 1, rejected: 3 });
    await expectCountsBalance(ledger, report);
    const why = await reasons(ledger);
    // a count that cannot be one is named as the file wrote it (macros/token_count_fault.sql)
    expect(why).toEqual(expect.arrayContaining([
      'output_tokens=-5.0 is not a plausible token count',
      'output_tokens=9000000000000000000 is not a plausible token count',
    ]));
    expect(why.some((r) => r.includes('looks like epoch milliseconds read as seconds'))).toBe(true);
    const [{ n }] = await ledger.all<{ n: number }>('SELECT count(*) AS n FROM usage');
    expect(n).toBe(1);
    ledger.close();
  });

  it('reject negative and huge costs and impossible dates in gateway logs', async () => {
    const sample = fs.readFileSync(samples('litellm', 'spend-logs.jsonl'), 'utf8').split('\n').filter(Boolean);
    const base = JSON.parse(sample[0]) as Record<string, unknown>;
    const line = (id: string, patch: Record<string, unknown>) => JSON.stringify({ ...base, request_id: id, ...patch });
    const file = writeTemp('spend.jsonl', [
      line('ok-1', {}),
      line('neg-cost', { spend: -0.5 }),
      line('huge-cost', { spend: 1e308 }),
      line('old', { startTime: '1970-01-01T00:00:10', endTime: '1970-01-01T00:00:11' }),
      line('future', { startTime: '2031-01-01T00:00:00', endTime: '2031-01-01T00:00:01' }),
      '',
    ].join('\n'));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(outcome(report, 'spend.jsonl')).toMatchObject({ rows_read: 5, imported: 1, rejected: 4 });
    await expectCountsBalance(ledger, report);
    const why = (await reasons(ledger)).join('\n');
    expect(why).toContain('billed cost -0.5 is negative');
    expect(why).toContain('is above $1,000,000 per request');
    expect(why).toContain('is before 2020-01-01');
    expect(why).toContain('more than a day after the import');
    ledger.close();
  });

  it('reject a negative count and one past the per-request limit in a transcript, on the one-pass and the staged path alike', async () => {
    const dir = tempDir();
    writeTemp('p/s.jsonl', [
      ccAssistant({ msgId: 'msg_1', ts: '2026-10-01T10:00:00Z', usage: { output: 10, write5m: 5000 } }),
      ccAssistant({ msgId: 'msg_2', ts: '2026-10-01T10:01:00Z', usage: { output: 10, cacheRead: -5000 } }),
      ccAssistant({ msgId: 'msg_3', ts: '2026-10-01T10:02:00Z', usage: { output: 2_000_000_000 } }),
      '',
    ].join('\n'), dir);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [dir]);
    expect(report.totals).toMatchObject({ rows_read: 3, imported: 1, rejected: 2 });
    await expectCountsBalance(ledger, report);
    // the count as the line wrote it; a count that reads but is too large for one request, by the rule
    expect(await reasons(ledger)).toEqual([
      'usage.cache_read_input_tokens=-5000 is not a plausible token count',
      'output_tokens 2000000000 is outside 0…1000000000',
    ]);
    // raw values stay inspectable
    const [{ raw }] = await ledger.all<{ raw: string }>('SELECT raw FROM rejects');
    expect(raw).toContain('-5000');
    ledger.close();
  });
});

describe('a dashboard CSV concatenated with itself', () => {
  it('is summed as the format says, and the import warns that every bucket repeats', async () => {
    const text = fs.readFileSync(samples('openai', 'usage-dashboard.csv'), 'utf8').trimEnd().split('\n');
    const twice = writeTemp('twice.csv', [...text, ...text.slice(1), ''].join('\n'));
    const once = writeTemp('once.csv', [...text, ''].join('\n'));
    const ledger = await newLedger();
    const single = await importPaths(ledger, [once]);
    expect(single.warnings.filter((w) => w.includes('buckets appears'))).toEqual([]);
    const other = await newLedger();
    const report = await importPaths(other, [twice]);
    expect(report.warnings.filter((w) => w.includes('buckets appears at least 2 times'))).toHaveLength(1);
    ledger.close();
    other.close();
  });
});
