// Damaged copies of the bundled samples (issue 14): a file with a line that is not UTF-8, a JSON
// document behind a UTF-8 BOM or written twice, a CSV cut inside a quoted cell or with a repeated block
// of rows. The damaged line is lost, never the file: each case is checked against the same file with
// that line taken out (same totals), its reject (file, line, reason) and balanced counts.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import { expectCountsBalance, invoiceTotals, usageTotals } from './util.js';

const BAD_BYTE = Buffer.from([0xff]);
const CUT_CHAR = Buffer.from([0xe2, 0x82]); // the first two bytes of '€' (E2 82 AC)

/** The file's lines as bytes (the last one without its newline, if the file has none). */
function linesOf(file: string): Buffer[] {
  const bytes = fs.readFileSync(file);
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(10, start);
    const stop = nl < 0 ? bytes.length : nl + 1;
    lines.push(bytes.subarray(start, stop));
    start = stop;
  }
  return lines;
}

/** Writes `lines` to a new temp folder under `name`; returns the path. */
function write(name: string, lines: Buffer[]): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, Buffer.concat(lines));
  return file;
}

async function imported(file: string, format?: string): Promise<{ ledger: Ledger; report: Awaited<ReturnType<typeof importPaths>> }> {
  const ledger = await newLedger();
  const report = await importPaths(ledger, [file], format);
  await expectCountsBalance(ledger, report);
  return { ledger, report };
}

async function totals(ledger: Ledger) {
  const invoice = await invoiceTotals(ledger);
  // summed in another order when a row is missing: the last bits of a double differ
  const cents = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
  return { usage: await usageTotals(ledger), invoice: { ...invoice, amount: cents(invoice.amount), list: cents(invoice.list) } };
}

async function rejectsOf(ledger: Ledger) {
  return ledger.all<{ source_file: string; source_line: number; format: string; reason: string; raw: string }>(
    'SELECT source_file, source_line, format, reason, raw FROM rejects ORDER BY source_line',
  );
}

interface Utf8Case {
  sample: string;
  line: (lines: Buffer[]) => number; // 0-based line to damage
  how: 'byte' | 'cut';
}

const lineWith = (pattern: RegExp) => (lines: Buffer[]) => {
  const i = lines.findIndex((l, n) => n > 0 && pattern.test(l.toString('utf8')));
  if (i < 0) throw new Error(`no line matches ${pattern}`);
  return i;
};
const last = (lines: Buffer[]) => lines.length - 1;

const CC = 'claude-code/projects/-home-dev-acme-web/6661f48b-9a43-434a-af39-b2191812d92a.jsonl';
const CODEX = 'codex/sessions/2026/10/14/rollout-2026-10-14T09-12-03-01a139ae-dca3-798e-9bcb-82034fba541e.jsonl';
const UTF8_CASES: Utf8Case[] = [
  { sample: CC, line: lineWith(/"usage"/), how: 'byte' },
  { sample: CC, line: last, how: 'cut' },
  { sample: CODEX, line: lineWith(/"token_count"/), how: 'byte' },
  { sample: CODEX, line: last, how: 'cut' },
  { sample: 'litellm/spend-logs.jsonl', line: () => 2, how: 'byte' },
  { sample: 'litellm/spend-logs.jsonl', line: last, how: 'cut' },
  { sample: 'litellm/spend-logs.csv', line: () => 3, how: 'byte' },
  { sample: 'helicone/requests.jsonl', line: () => 1, how: 'byte' },
  { sample: 'helicone/requests.csv', line: () => 2, how: 'byte' },
  { sample: 'portkey/logs-week-41.jsonl', line: () => 3, how: 'byte' },
  { sample: 'openrouter/generations.jsonl', line: () => 1, how: 'byte' },
  { sample: 'openrouter/activity.csv', line: () => 2, how: 'byte' },
  { sample: 'openai/usage-dashboard.csv', line: () => 4, how: 'byte' },
  { sample: 'openai/usage-dashboard.csv', line: last, how: 'cut' },
  { sample: 'openai/cost-dashboard.csv', line: () => 2, how: 'byte' },
  { sample: 'anthropic/console-usage.csv', line: () => 2, how: 'byte' },
  { sample: 'anthropic/console-cost.csv', line: () => 1, how: 'byte' },
];

/** The line with a stray invalid byte in its middle, or cut (no newline) inside a multi-byte character. */
function damaged(line: Buffer, how: Utf8Case['how']): Buffer {
  const text = line.subarray(0, line.length - (line.at(-1) === 10 ? 1 : 0));
  const mid = Math.floor(text.length / 2);
  return how === 'byte' ? Buffer.concat([text.subarray(0, mid), BAD_BYTE, line.subarray(mid)]) : Buffer.concat([text.subarray(0, mid), CUT_CHAR]);
}

describe('a line that is not UTF-8 is rejected, the rest of the file imports', () => {
  for (const c of UTF8_CASES) {
    it(`${c.sample}: ${c.how === 'byte' ? 'a stray invalid byte' : 'the last line cut inside a character'}`, async () => {
      const lines = linesOf(samples(c.sample));
      const n = c.line(lines);
      const name = path.basename(c.sample);
      const bad = write(name, lines.map((l, i) => (i === n ? damaged(l, c.how) : l)));
      const without = write(name, lines.filter((_l, i) => i !== n));

      const expected = await imported(without);
      const got = await imported(bad);
      expect(await totals(got.ledger)).toEqual(await totals(expected.ledger));
      const rejects = await rejectsOf(got.ledger);
      expect(rejects.filter((r) => r.reason === 'invalid UTF-8').map((r) => [r.source_file, r.source_line])).toEqual([[bad, n + 1]]);
      expect(rejects.find((r) => r.reason === 'invalid UTF-8')!.raw).toContain('\uFFFD');
      // every other reject is the clean file's, at the same line numbers (those after the bad line one on)
      const shifted = (await rejectsOf(expected.ledger)).map((r) => [r.reason, r.source_line >= n + 1 ? r.source_line + 1 : r.source_line]);
      expect(rejects.filter((r) => r.reason !== 'invalid UTF-8').map((r) => [r.reason, r.source_line])).toEqual(shifted);
      const [gotFile] = got.report.files;
      const [cleanFile] = expected.report.files;
      expect(gotFile.rejected).toBe(cleanFile.rejected + 1);
      expect(gotFile.rows_read).toBe(cleanFile.rows_read + 1);
    });
  }

  it('a gzipped log with a bad line is read from an unpacked copy, its rows and reject named by the .gz file', async () => {
    const lines = linesOf(samples('litellm/spend-logs.jsonl'));
    const bad = path.join(tempDir(), 'spend-logs.jsonl.gz');
    fs.writeFileSync(bad, gzipSync(Buffer.concat(lines.map((l, i) => (i === 2 ? damaged(l, 'byte') : l)))));
    const expected = await imported(write('spend-logs.jsonl', lines.filter((_l, i) => i !== 2)));
    const got = await imported(bad);
    expect(await totals(got.ledger)).toEqual(await totals(expected.ledger));
    expect((await rejectsOf(got.ledger)).map((r) => [r.source_file, r.source_line, r.reason])).toEqual([[bad, 3, 'invalid UTF-8']]);
    expect(await got.ledger.all('SELECT DISTINCT source_file FROM usage')).toEqual([{ source_file: bad }]);
  });

  it('leaves no copy behind', async () => {
    const lines = linesOf(samples('litellm/spend-logs.jsonl'));
    const bad = write('spend-logs.jsonl', lines.map((l, i) => (i === 2 ? damaged(l, 'byte') : l)));
    const { ledger } = await imported(bad);
    const dir = path.dirname(ledger.path);
    expect((fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('line-repair'))).toEqual([]);
  });
});

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DOCUMENTS = [
  'litellm/spend-logs.json',
  'openrouter/generations.json',
  'langfuse/observations-page-1.json',
  'langfuse/observations-earlier-export.json', // a JSON array: behind a BOM it came as one value
  'helicone/requests.json',
  'anthropic/usage-report.json',
  'openai/costs-api.json',
];

describe('a JSON document behind a UTF-8 BOM, or written twice, imports as the document', () => {
  for (const sample of DOCUMENTS) {
    it(`${sample}: with a BOM, the same rows and totals as without`, async () => {
      const bytes = fs.readFileSync(samples(sample));
      const clean = await imported(write(path.basename(sample), [bytes]));
      const bom = await imported(write(path.basename(sample), [BOM, bytes]));
      expect(await totals(bom.ledger)).toEqual(await totals(clean.ledger));
      const { path: _a, ...got } = bom.report.files[0];
      const { path: _b, ...want } = clean.report.files[0];
      expect(got).toEqual(want);
      expect(want.imported).toBeGreaterThan(0);
    });

    it(`${sample}: written twice into one file, every record read twice and kept once (or the file refused, named)`, async () => {
      const bytes = fs.readFileSync(samples(sample));
      const clean = await imported(write(path.basename(sample), [bytes]));
      const file = write(path.basename(sample), [bytes, bytes]);
      const ledger = await newLedger();
      const report = await importPaths(ledger, [file]).catch((e: unknown) => e);
      if (report instanceof Error) {
        expect(report.message).toContain(file);
        expect(await ledger.all('SELECT * FROM usage')).toEqual([]);
        return;
      }
      await expectCountsBalance(ledger, report);
      expect(await totals(ledger)).toEqual(await totals(clean.ledger));
      const [twice] = report.files;
      const [once] = clean.report.files;
      expect(twice.rows_read).toBe(2 * once.rows_read);
      expect(twice.imported).toBe(once.imported);
    });
  }
});

describe('a CSV cut inside a quoted cell: the cut record is rejected, the rest imports', () => {
  for (const sample of ['helicone/requests.csv', 'litellm/spend-logs.csv', 'openai/usage-dashboard.csv', 'anthropic/console-cost.csv']) {
    it(`${sample}: cut inside the last record's quoted cell`, async () => {
      const lines = linesOf(samples(sample));
      const n = lines.length - 1; // the last record (one line in these samples)
      const text = lines[n].toString('utf8');
      // a cell that opens a quote: the sample's own, or the last cell quoted
      const at = text.lastIndexOf(',"') >= 0 ? text.lastIndexOf(',"') + 2 : text.lastIndexOf(',') + 1;
      const cut = Buffer.from(text.lastIndexOf(',"') >= 0 ? text.slice(0, at + 3) : `${text.slice(0, at)}"unfinis`, 'utf8');
      const bad = write(path.basename(sample), [...lines.slice(0, n), cut]);
      const without = write(path.basename(sample), lines.slice(0, n));
      const expected = await imported(without);
      const got = await imported(bad);
      expect(await totals(got.ledger)).toEqual(await totals(expected.ledger));
      const rejects = (await rejectsOf(got.ledger)).filter((r) => /quoted cell/.test(r.reason));
      expect(rejects.map((r) => [r.source_file, r.source_line, r.raw])).toEqual([[bad, n + 1, cut.toString('utf8')]]);
      expect(got.report.files[0].rows_read).toBe(expected.report.files[0].rows_read + 1);
    });
  }
});
