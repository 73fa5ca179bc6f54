import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import type { ImportReport } from '../../src/import/import-run.js';
import { expectCountsBalance, ledgerState, usageTotals } from './util.js';

/**
 * A copy of the per-format samples (not the demo's month) whose OpenAI re-pull is unambiguously the
 * newer file (same-run winner is the newest file).
 */
function samplesCopy(): string {
  const dir = path.join(tempDir(), 'samples');
  fs.cpSync(samples(), dir, { recursive: true, filter: (src) => src !== samples('month') });
  const old = new Date('2026-10-15T06:00:00Z');
  const newer = new Date('2026-10-17T06:00:00Z');
  fs.utimesSync(path.join(dir, 'openai', 'usage-api-completions.json'), old, old);
  fs.utimesSync(path.join(dir, 'openai', 'usage-api-completions-repull.json'), newer, newer);
  return dir;
}

const CC = ['claude-code', 'projects'];
const ccMain = (root: string) => path.join(root, ...CC, '-home-dev-acme-api', 'a6deca95-bec2-49a4-b5b0-124ec6348ff6.jsonl');
const ccSub = (root: string) => path.join(root, ...CC, '-home-dev-acme-api', 'a6deca95-bec2-49a4-b5b0-124ec6348ff6', 'subagents', 'agent-d7cb9653.jsonl');
const ccWeb = (root: string) => path.join(root, ...CC, '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl');

const CC_TOTALS = { rows: 58, requests: 58, input: 350, cache_write_5m: 114_544, cache_write_1h: 168_063, cache_read: 3_047_720, output: 18_061 };

describe('dedupe: all samples, imported twice', () => {
  let ledger: Ledger;
  let dir: string;
  let r1: ImportReport;
  beforeAll(async () => {
    dir = samplesCopy();
    ledger = await newLedger();
    r1 = await importPaths(ledger, [dir]);
  });

  it('the first import reads every sample file', async () => {
    // samples/mapping/acme-gateway.csv imports through the mapping file next to it
    expect(r1.warnings).toEqual([]);
    expect(r1.totals).toEqual({ files: 41 + 8 + 8 + 2, rows_read: 774 + 18 + 19 + 5, imported: 692 + 18 + 17 + 5, duplicates: 81 + 2, rejected: 1, skipped: 228 + 20 + 37 + 7 }); // + cline, opencode, copilot-cli; + qwen, kimi, amp; + Cline's SDK session
    await expectCountsBalance(ledger, r1);
  });

  it('lands the expected rows per source', async () => {
    expect(await ledger.all('SELECT source, count(*) AS n FROM usage GROUP BY ALL ORDER BY ALL')).toEqual([
      { source: 'amp', n: 5 },
      { source: 'anthropic-usage-api', n: 17 },
      { source: 'anthropic-usage-csv', n: 27 },
      { source: 'bedrock-invocation-logs', n: 14 },
      { source: 'claude-code', n: 58 },
      { source: 'claude-code-otel', n: 10 },
      { source: 'cline', n: 3 + 5 },
      { source: 'codex', n: 17 },
      { source: 'copilot-cli', n: 3 },
      { source: 'copilot-cli-store', n: 3 },
      { source: 'gemini-cli', n: 5 },
      { source: 'gemini-responses', n: 11 },
      { source: 'helicone', n: 39 },
      { source: 'kilo-code', n: 2 },
      { source: 'kimi-cli', n: 7 },
      { source: 'langfuse-observations', n: 16 },
      { source: 'litellm', n: 30 },
      { source: 'mapping:acme-gateway', n: 40 },
      { source: 'openai-usage-api', n: 26 },
      { source: 'openai-usage-csv', n: 25 },
      { source: 'opencode', n: 4 },
      { source: 'openrouter', n: 37 },
      { source: 'otel', n: 7 },
      { source: 'portkey-jsonl', n: 40 },
      { source: 'qwen-code', n: 5 },
      { source: 'roo-code', n: 3 },
    ]);
    expect(await ledger.all('SELECT source, count(*) AS n FROM invoice_lines GROUP BY ALL ORDER BY ALL')).toEqual([
      { source: 'anthropic-cost-api', n: 71 },
      { source: 'anthropic-cost-csv', n: 87 },
      { source: 'openai-cost-csv', n: 68 },
      { source: 'openai-costs-api', n: 46 },
    ]);
    expect(await usageTotals(ledger, "source = 'claude-code'")).toEqual(CC_TOTALS);
    expect(await usageTotals(ledger, "source = 'openai-usage-api'")).toMatchObject({ rows: 26, requests: 56_962, output: 16_327_993 });
  });

  it('re-importing all samples adds nothing: every row is a duplicate, the ledger is unchanged', async () => {
    const before = await ledgerState(ledger);
    const r2 = await importPaths(ledger, [dir]);
    expect(r2.totals).toEqual({ files: 41 + 8 + 8 + 2, rows_read: 774 + 18 + 19 + 5, imported: 0, duplicates: 773 + 18 + 19 + 5, rejected: 1, skipped: 228 + 20 + 37 + 7 });
    for (const f of r2.files) expect(f.imported, f.path).toBe(0);
    const after = await ledgerState(ledger);
    expect(after.usage).toEqual(before.usage);
    expect(after.invoice_lines).toEqual(before.invoice_lines);
    expect(after.rejects).toEqual(before.rejects); // the cut-off line is kept once
    expect(after.import_files).toHaveLength(before.import_files.length + 41 + 8 + 8 + 2);
    await expectCountsBalance(ledger, r2);
  });

  it('there is never more than one row per (source, record_key)', async () => {
    expect(await ledger.all('SELECT source, record_key, count(*) AS n FROM usage GROUP BY ALL HAVING count(*) > 1')).toEqual([]);
    expect(await ledger.all('SELECT source, record_key, count(*) AS n FROM invoice_lines GROUP BY ALL HAVING count(*) > 1')).toEqual([]);
  });
});

describe('dedupe: overlapping Claude Code imports count each response once', () => {
  const orders: [string, ((root: string) => string)[]][] = [
    ['main, sub, web', [ccMain, ccSub, ccWeb]],
    ['sub, main, web', [ccSub, ccMain, ccWeb]],
    ['web, sub, main', [ccWeb, ccSub, ccMain]],
    ['sub, web, main', [ccSub, ccWeb, ccMain]],
  ];

  it.each(orders)('one file per import run, in the order %s, ends with the manifest totals', async (_name, files) => {
    const ledger = await newLedger();
    const root = samples();
    const reports: ImportReport[] = [];
    for (const f of files) reports.push(await importPaths(ledger, [f(root)]));
    expect(await usageTotals(ledger)).toEqual(CC_TOTALS);
    const replay = await ledger.all("SELECT source_file, is_sidechain FROM usage WHERE record_key LIKE '%msg_01LCogwJ7fNbDYJq7p8EamB3'");
    expect(replay).toEqual([{ source_file: ccMain(root), is_sidechain: false }]);
    // 81 real usage lines were read in all; 58 ended up imported (the sidechain copy, when first, is imported and then replaced)
    const read = reports.reduce((n, r) => n + r.totals.rows_read, 0);
    expect(read).toBe(82);
    for (const r of reports) await expectCountsBalance(ledger, r);
  });

  it('a backup copy of the transcripts imported in the same run adds only duplicates', async () => {
    const ledger = await newLedger();
    const backup = path.join(tempDir(), 'claude-backup');
    fs.cpSync(samples('claude-code'), backup, { recursive: true });
    const report = await importPaths(ledger, [samples('claude-code'), backup]);
    expect(report.totals).toEqual({ files: 6, rows_read: 164, imported: 58, duplicates: 104, rejected: 2, skipped: 132 });
    expect(await usageTotals(ledger)).toEqual(CC_TOTALS);
    await expectCountsBalance(ledger, report);
  });

  it('a file named twice (directly and through its folder) is read once', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [ccWeb(samples()), samples('claude-code', 'projects', '-home-dev-acme-web')]);
    expect(report.files.map((f) => f.path)).toEqual([ccWeb(samples())]);
    expect(report.totals).toMatchObject({ rows_read: 35, imported: 25, duplicates: 10 });
  });
});

describe('dedupe: overlapping aggregate exports count each bucket once', () => {
  /** Writes the rows of a CSV whose first column value satisfies `keep` (header kept). */
  function subset(src: string, name: string, keep: (line: string) => boolean): string {
    const [header, ...rows] = fs.readFileSync(src, 'utf8').split('\n').filter((l) => l !== '');
    return writeTemp(name, [header, ...rows.filter(keep)].join('\n') + '\n');
  }

  it('two OpenAI dashboard exports overlapping on Oct 3–5 equal the full export', async () => {
    const full = samples('openai', 'usage-dashboard.csv');
    const day = (l: string) => l.split(',')[2].slice(0, 10);
    const a = subset(full, 'oct1-5.csv', (l) => day(l) <= '2026-10-05');
    const b = subset(full, 'oct3-7.csv', (l) => day(l) >= '2026-10-03');

    const ref = await newLedger();
    await importPaths(ref, [full]);
    const ledger = await newLedger();
    const ra = await importPaths(ledger, [a]);
    const rb = await importPaths(ledger, [b]);
    expect(ra.totals.duplicates).toBe(0);
    expect(rb.totals.duplicates).toBeGreaterThan(0);
    expect(rb.totals.rows_read).toBe(rb.totals.imported + rb.totals.duplicates);
    expect(await usageTotals(ledger)).toEqual(await usageTotals(ref));
    expect(await usageTotals(ledger)).toEqual({
      rows: 25,
      requests: 57_321,
      input: 67_807_599,
      cache_read: 40_113_024,
      cache_write_5m: 0,
      cache_write_1h: 0,
      output: 16_106_912,
    });
    await expectCountsBalance(ledger, rb);
  });

  it('two Anthropic Console usage exports overlapping on Oct 14 equal the full export', async () => {
    const full = samples('anthropic', 'console-usage.csv');
    const day = (l: string) => l.split(',')[0];
    const a = subset(full, 'a.csv', (l) => day(l) <= '2026-10-14');
    const b = subset(full, 'b.csv', (l) => day(l) >= '2026-10-14');
    const ledger = await newLedger();
    await importPaths(ledger, [a]);
    const rb = await importPaths(ledger, [b]);
    expect(rb.totals.duplicates).toBe(5); // the five Oct 14 rows
    expect(await usageTotals(ledger)).toEqual({
      rows: 21,
      requests: null,
      input: 35_525_576,
      cache_write_5m: 7_591_159,
      cache_write_1h: 288_891,
      cache_read: 127_314_227,
      output: 6_744_692,
    });
  });

  it('every import run recorded in import_files balances', async () => {
    const ledger = await newLedger();
    const dir = samplesCopy();
    await importPaths(ledger, [path.join(dir, 'openai')]);
    await importPaths(ledger, [path.join(dir, 'anthropic')]);
    await importPaths(ledger, [dir]);
    const rows = await ledger.all<{ n: number; bad: number }>(
      'SELECT count(*) AS n, count(*) FILTER (WHERE rows_read <> imported + duplicates + rejected) AS bad FROM import_files',
    );
    expect(rows).toEqual([{ n: 5 + 5 + 41 + 8 + 8 + 2, bad: 0 }]);
  });
});
