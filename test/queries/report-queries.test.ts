import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { runNamedQuery } from '../../src/db/named-query.js';
import { newLedger, priceLedger } from '../helpers.js';

// The named queries the report added: given rows → expected rows.
let ledger: Ledger;

beforeAll(async () => {
  ledger = await newLedger();
  const usage = [
    // key, at, bucket, model, requests, billed
    ['a', '2026-10-01T23:30:00Z', null, 'gpt-5', 1, 2.0],
    ['b', '2026-10-01T10:00:00Z', null, 'gpt-5', 1, 1.0],
    ['c', '2026-10-01T10:00:00Z', null, 'claude-sonnet-4-5', 1, 4.0],
    ['d', '2026-10-02T00:00:00Z', '1d', 'gpt-5', 50, 10.0], // a daily bucket keeps its UTC date
    ['e', '2026-10-02T09:00:00Z', null, null, 1, null],
  ] as const;
  for (const [key, at, bucket, model, requests, billed] of usage) {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, bucket_width, provider, model, model_raw, requests, billed_cost_usd)
       VALUES ($key, 'gateway', 'imp_1', $at::TIMESTAMPTZ, $bucket, 'openai', $model, $model, $requests, $billed)`,
      { key, at, bucket, model, requests, billed },
    );
  }
  const files = [
    // import, path, format, read, imported, duplicates, rejected, skipped
    ['imp_1', '/x/usage.csv', 'openai-usage-csv', 10, 8, 1, 1, 0],
    ['imp_2', '/x/usage.csv', 'openai-usage-csv', 10, 0, 10, 0, 0],
    ['imp_2', '/x/s1.jsonl', 'claude-code', 5, 5, 0, 0, 7],
  ] as const;
  for (const [imp, p, format, read, imported, dup, rej, skipped] of files) {
    await ledger.run(
      `INSERT INTO import_files VALUES ($imp, '2026-11-01T00:00:00Z', $p, $format, $read, $imported, $dup, $rej, $skipped)`,
      { imp, p, format, read, imported, dup, rej, skipped },
    );
  }
  await priceLedger(ledger);
});

describe('report queries', () => {
  it('spend_by_day_and_model: local days, models costliest first within a day, no model named', async () => {
    const rows = await runNamedQuery(ledger, 'spend_by_day_and_model', {}, { since: null, until: null, tz: 'UTC' });
    expect(rows.map((r) => [r.day, r.model, r.records, r.requests, r.cost_usd])).toEqual([
      ['2026-10-01', 'claude-sonnet-4-5', 1, 1, 4],
      ['2026-10-01', 'gpt-5', 2, 2, 3],
      ['2026-10-02', 'gpt-5', 1, 50, 10],
      ['2026-10-02', '(no model)', 1, 1, 0],
    ]);
    const berlin = await runNamedQuery(ledger, 'spend_by_day_and_model', {}, { since: '2026-10-02', until: '2026-10-02', tz: 'Europe/Berlin' });
    // 23:30 UTC on the 1st is the 2nd in Berlin; the daily bucket keeps its UTC day
    expect(berlin.map((r) => [r.day, r.model, r.cost_usd])).toEqual([
      ['2026-10-02', 'gpt-5', 12],
      ['2026-10-02', '(no model)', 0],
    ]);
  });

  it('imports_by_format: files once, file imports and rows summed over every run', async () => {
    const rows = await runNamedQuery(ledger, 'imports_by_format');
    expect(rows.map((r) => [r.format, r.files, r.file_imports, r.imports, r.rows_read, r.imported, r.duplicates, r.rejected, r.skipped_lines])).toEqual([
      ['openai-usage-csv', 1, 2, 2, 20, 8, 11, 1, 0],
      ['claude-code', 1, 1, 1, 5, 5, 0, 0, 7],
    ]);
  });

  it('imported_files: one row per file, most rows read first, limited', async () => {
    const rows = await runNamedQuery(ledger, 'imported_files', { limit: '1' });
    expect(rows.map((r) => [r.path, r.format, r.imports, r.rows_read, r.imported, r.duplicates, r.rejected])).toEqual([['/x/usage.csv', 'openai-usage-csv', 2, 20, 8, 11, 1]]);
  });
});
