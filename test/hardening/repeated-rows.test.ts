import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';

// Issue 14: a block of rows pasted twice into a console or dashboard CSV doubles those rows' totals
// silently (identical-dimension rows are summed by design). The import warns, naming the file and the
// lines; legitimate data (and every bundled sample) does not.

const ANTHROPIC_HEADER =
  'usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,' +
  'usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed';
const OPENAI_HEADER =
  'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,' +
  'input_tokens,output_tokens,input_cached_tokens,input_audio_tokens,output_audio_tokens';

/** 20 Anthropic Console usage rows, every one with its own dimensions (10 days × 2 models). */
function anthropicRows(): string[] {
  const rows: string[] = [];
  for (let day = 1; day <= 10; day++) {
    for (const [i, model] of ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'].entries()) {
      const n = day * 1000 + i * 100;
      rows.push(`2026-10-${String(day).padStart(2, '0')},${model},prod-backend,Production,standard,≤ 200k,${n},${n * 2},0,${n * 10},${n / 2},0,global,`);
    }
  }
  return rows;
}

/** 20 OpenAI dashboard usage rows (daily buckets, two models), counts written as floats as the dashboard does. */
function openaiRows(): string[] {
  const rows: string[] = [];
  for (let day = 1; day <= 10; day++) {
    const start = Date.UTC(2026, 9, day) / 1000;
    const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', '+00:00');
    for (const [i, model] of ['gpt-4.1-mini-2025-04-14', 'gpt-4o-2024-08-06'].entries()) {
      const n = day * 1000 + i * 100;
      rows.push(`${start},${start + 86400},${iso(start)},${iso(start + 86400)},proj_Hd7Kw2Lq9,${day * 10}.0,,key_Xc4Vb8Nm2,${model},FALSE,default,${n}.0,${n / 4}.0,${n / 2}.0,0.0,0.0`);
    }
  }
  return rows;
}

/** A CSV file: the header on line 1, then `rows` (row i on line i + 2). */
const csv = (header: string, rows: string[]) => `${[header, ...rows].join('\n')}\n`;

/** `rows` with rows [from, to) (0-based) pasted again right after them. */
const pastedTwice = (rows: string[], from: number, to: number) => [...rows.slice(0, to), ...rows.slice(from, to), ...rows.slice(to)];

const blockWarnings = (warnings: string[]) => warnings.filter((w) => / repeat lines /.test(w));

describe('a repeated block of CSV rows', () => {
  let ledger: Ledger | undefined;
  afterEach(() => ledger?.close());

  it('in the middle of an Anthropic Console usage CSV warns, naming the file and both line ranges', async () => {
    // rows 8..11 (lines 10..13) pasted again after them: the copy is on lines 14..17
    const file = writeTemp('console-usage.csv', csv(ANTHROPIC_HEADER, pastedTwice(anthropicRows(), 8, 12)));
    ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(report.totals).toMatchObject({ rows_read: 24, imported: 24, rejected: 0 });
    const [warning, ...more] = blockWarnings(report.warnings);
    expect(more).toEqual([]);
    expect(warning).toContain(`${file}: lines 14–17 repeat lines 10–13, in the same order (4 of its 24 rows)`);
    expect(warning).toContain('summed');
  });

  it('in an OpenAI dashboard usage CSV warns with the right lines, also for two blocks and with CRLF and blank lines', async () => {
    const rows = pastedTwice(pastedTwice(openaiRows(), 2, 5), 15, 19); // copies at rows 5..7 and 19..22 (0-based)
    const lines = [OPENAI_HEADER, ...rows.slice(0, 10), '', ...rows.slice(10)]; // a blank line 12 shifts the rest by one
    const file = writeTemp('usage-dashboard.csv', `${lines.join('\r\n')}\r\n`);
    ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    const warnings = blockWarnings(report.warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${file}: lines 7–9 repeat lines 4–6, lines 22–25 repeat lines 18–21, in the same order (7 of its 27 rows)`);
  });

  it('of 5 rows in a long export warns, though it is under a tenth of the file', async () => {
    const rows = [0, 1, 2, 3].flatMap((k) => anthropicRows().map((r) => r.replace('prod-backend', `key-${k}`))); // 80 rows
    const file = writeTemp('console-usage.csv', csv(ANTHROPIC_HEADER, pastedTwice(rows, 40, 45)));
    ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(blockWarnings(report.warnings)).toEqual([expect.stringContaining(`${file}: lines 47–51 repeat lines 42–46, in the same order (5 of its 85 rows)`)]);
  });

  it('in a file whose name a reader would take as a pattern still names the file itself', async () => {
    const file = writeTemp('usage [october].csv', csv(ANTHROPIC_HEADER, pastedTwice(anthropicRows(), 0, 3)));
    ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    expect(blockWarnings(report.warnings)).toEqual([expect.stringContaining(`${file}: lines 5–7 repeat lines 2–4,`)]);
  });

  it('does not warn about legitimate repeats: identical dimensions, short runs, a small share, a whole file twice', async () => {
    const rows = anthropicRows();
    const dir = tempDir();
    // the same dimensions with other numbers, twice, apart: summed by design, no block
    writeTemp('same-dimensions.csv', csv(ANTHROPIC_HEADER, [...rows, rows[4].replace(',3000,', ',3333,'), rows[5].replace(',3100,', ',3444,')]), dir);
    // two consecutive rows repeated: too short for a block
    writeTemp('short-run.csv', csv(ANTHROPIC_HEADER, pastedTwice(rows, 5, 7)), dir);
    // 3 rows repeated among 40: under a tenth of the file
    const longer = [...rows, ...rows.map((r) => r.replace('prod-backend', 'batch-jobs'))];
    writeTemp('small-share.csv', csv(ANTHROPIC_HEADER, pastedTwice(longer, 30, 33)), dir);
    // the whole file twice has its own warning (every bucket appears twice), not a second one
    writeTemp('twice.csv', csv(ANTHROPIC_HEADER, rows) + csv(ANTHROPIC_HEADER, rows), dir);
    ledger = await newLedger();
    const report = await importPaths(ledger, [dir]);
    expect(report.totals.files).toBe(4);
    expect(blockWarnings(report.warnings)).toEqual([]);
    expect(report.warnings.filter((w) => w.startsWith(path.join(dir, 'twice.csv')))).toEqual([expect.stringContaining('every one of its 20 buckets appears at least 2 times')]);
  });

  it('does not warn on any bundled sample, the demo month included', async () => {
    ledger = await newLedger();
    const report = await importPaths(ledger, [samples('month')]);
    expect(report.totals.files).toBeGreaterThan(20);
    expect(report.warnings.filter((w) => /repeat|twice|concatenated/i.test(w))).toEqual([]);
    // the CSV samples, each in a ledger of its own (no row of another file to dedupe against)
    const csvs = fs.readdirSync(samples(), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThanOrEqual(8);
    for (const f of csvs) {
      const own = await newLedger();
      try {
        expect((await importPaths(own, [samples(f)])).warnings.filter((w) => / repeat lines /.test(w)), f).toEqual([]);
      } finally {
        own.close();
      }
    }
  });
});
