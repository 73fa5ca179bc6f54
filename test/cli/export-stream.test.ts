import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, tempDir } from '../helpers.js';
import { Ledger } from '../../src/db/ledger.js';

const ROWS = 70_000; // several Arrow record batches (16,384 rows each), the last one short

/**
 * A ledger whose columns hold what the column copies must get right: nulls in every kind of column,
 * strings of up to and over 12 bytes (kept in DuckDB's slot, or behind a pointer), multi-byte UTF-8,
 * lists that are empty, null or hold nulls, times with microseconds, INTEGER widened to Int64.
 */
async function writeLedger(db: string): Promise<void> {
  const ledger = await Ledger.open(db);
  try {
    await ledger.run(
      `INSERT INTO usage (record_key, source, source_file, source_line, import_id, started_at, bucket_width, provider, model, model_raw,
         requests, input_tokens, output_tokens, reasoning_tokens, billed_cost_usd, session_id, project, is_sidechain, tags, tools, tier, latency_ms)
       SELECT 'k' || n, CASE WHEN n % 3 = 0 THEN 'litellm' ELSE 'claude-code' END,
              CASE WHEN n % 5 = 0 THEN NULL ELSE '/data/logs/東京/' || (n % 7) || '.jsonl' END, n,
              'imp', TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_microseconds(n * 2000003),
              CASE WHEN n % 1000 = 0 THEN '1d' END,
              CASE WHEN n % 11 = 0 THEN NULL ELSE 'anthropic' END, 'claude-haiku-4-5', 'claude-haiku-4-5-20251001',
              1, n % 5000, n % 700, CASE WHEN n % 4 = 0 THEN NULL ELSE n % 90 END,
              CASE WHEN n % 3 = 0 THEN (n % 97) * 0.000137 END,
              CASE WHEN n % 2 = 0 THEN 's' || (n % 13) ELSE 'session café ✓ ' || (n % 17) END,
              ['p', 'acme-api', NULL, 'ünïcödé-prøject-name'][1 + n % 4],
              CASE WHEN n % 6 = 0 THEN NULL ELSE n % 2 = 0 END,
              CASE WHEN n % 9 = 0 THEN '{"cwd":"/home/dev/x","n":' || n || '}' END,
              [['Read', 'Edit'], [], NULL, ['Bash', NULL, 'a tool with a long name ✓']][1 + n % 4],
              CASE WHEN n % 8 = 0 THEN NULL ELSE n % 3 + 1 END,
              CASE WHEN n % 10 = 0 THEN n * 0.5 END
       FROM range(${ROWS}) r(n)`,
    );
  } finally {
    ledger.close();
  }
}

describe('export streams Parquet, CSV and Arrow', () => {
  const dir = tempDir();
  const db = path.join(dir, 'ledger.duckdb');
  // an odd folder name: a quote, and $' / $& (what a JS replacement string would read as patterns)
  const outDir = path.join(dir, "o'dd $' $& folder");
  const out = (f: string) => path.join(outDir, f);

  beforeAll(async () => {
    await writeLedger(db);
    for (const format of ['parquet', 'csv', 'arrow']) {
      const r = runCli(['export', '--db', db, '--format', format, '--out', out(`ledger.${format}`)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote ${ROWS.toLocaleString('en-US')} rows`);
    }
  }, 120_000);

  it('writes each file at the path asked for, however its name is spelled, and nothing else', () => {
    expect(fs.readdirSync(outDir).sort()).toEqual(['ledger.arrow', 'ledger.csv', 'ledger.parquet']);
  });

  it('Arrow holds every value of the Parquet export, batch by batch, times to the millisecond', async () => {
    const arrow = tableFromIPC(fs.readFileSync(out('ledger.arrow')));
    expect(arrow.numRows).toBe(ROWS);
    expect(arrow.batches.map((b) => b.numRows)).toEqual([16_384, 16_384, 16_384, 16_384, ROWS - 4 * 16_384]);
    expect(arrow.schema.metadata.get('generator')).toBe('recount');
    const rows = await parquetRows(out('ledger.parquet'));
    expect(rows).toHaveLength(ROWS);
    const types = Object.fromEntries(arrow.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({ started_at: 'Timestamp<MICROSECOND, UTC>', tier: 'Int64', tools: 'List<Utf8>', counted: 'Bool', tags: 'Utf8' });
    const sample = Array.from({ length: Math.ceil(ROWS / 7) }, (_, i) => i * 7); // every 7th row, in both batches
    for (const name of Object.keys(rows[0])) {
      const got = columnValues(arrow, name, sample);
      const want = sample.map((i) => (name === 'started_at' ? Math.floor(Number(rows[i][name]) / 1000) : plain(rows[i][name])));
      expect(got, name).toEqual(want);
    }
  }, 120_000);

  it('CSV and Parquet carry the same rows, in the export order, with the period bound as a parameter', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const q = async (s: string) => (await conn.runAndReadAll(s)).getRowObjectsJS()[0];
      const csv = `read_csv('${out('ledger.csv').replace(/'/g, "''")}')`;
      const parquet = `'${out('ledger.parquet').replace(/'/g, "''")}'`;
      expect(await q(`SELECT count(*)::INT AS n, sum(output_tokens)::BIGINT AS o FROM ${csv}`)).toEqual(await q(`SELECT count(*)::INT AS n, sum(output_tokens)::BIGINT AS o FROM ${parquet}`));
      expect(await q(`SELECT count(*)::INT AS n FROM (SELECT record_key, row_number() OVER () AS i FROM ${csv}) c JOIN (SELECT record_key, row_number() OVER () AS i FROM ${parquet}) p USING (i) WHERE c.record_key <> p.record_key`)).toEqual({ n: 0 });
      const mark = (await q(`SELECT decode(value) AS v FROM parquet_kv_metadata(${parquet}) WHERE key = 'generator'`)) as { v: string };
      expect(mark.v).toBe('recount');
      const since = out('since.csv');
      expect(runCli(['export', '--db', db, '--format', 'csv', '--since', '2026-10-01', '--until', '2026-10-01', '--out', since]).status).toBe(0);
      // a row every 2.000003 s from midnight: October 1 holds the first 43,200
      expect(await q(`SELECT count(*)::INT AS n FROM read_csv('${since.replace(/'/g, "''")}')`)).toEqual({ n: 43_200 });
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

async function parquetRows(file: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // epoch_us keeps the microseconds a JS Date would drop
    const reader = await conn.runAndReadAll(`SELECT * REPLACE (epoch_us(started_at) AS started_at) FROM '${file.replace(/'/g, "''")}'`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A column as plain values: integers as numbers (Arrow's Int64 is DuckDB's INTEGER too), lists as arrays, times as epoch ms. */
function columnValues(table: Table, name: string, rows: number[]): unknown[] {
  const column = table.getChild(name)!;
  return rows.map((i) => {
    const v = column.get(i);
    if (name === 'started_at') return v == null ? null : Number(v);
    return plain(v && typeof v === 'object' && 'toArray' in v ? Array.from(v.toArray() as ArrayLike<unknown>) : v);
  });
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}
