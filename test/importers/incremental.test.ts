import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { newLedger, runCli, samples, tempDir } from '../helpers.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles, type ImportReport } from '../../src/import/import-run.js';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData } from '../../src/report/data.js';
import { renderReport } from '../../src/report/render.js';
import { expectCountsBalance, outcome } from './util.js';

// Incremental imports (src/import/file-state.ts, tail-read.ts, resume.ts): a file unchanged since the
// ledger read it is not opened, a grown one is read from a safe line boundary, anything else in full.
// Whatever happened in between, the ledger must hold exactly the rows, labels and line numbers that
// one import of the final files into a new ledger writes.

const NOW = new Date('2026-11-15T12:00:00Z');
const API = 'a6deca95-bec2-49a4-b5b0-124ec6348ff6';
const WEB = '6661f48b-9a43-434a-af39-b2191812d92a';

function importInto(ledger: Ledger, paths: string[], incremental = true): Promise<ImportReport> {
  return importFiles(ledger, discoverFiles(paths), { modelIds: loadCatalog().modelIds, now: NOW, incremental });
}

/** Every usage column but import_id, in a stable order. */
async function usageRows(ledger: Ledger) {
  const cols = await ledger.all<{ name: string }>(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'usage' AND column_name <> 'import_id' ORDER BY ordinal_position",
  );
  return ledger.all(`SELECT ${cols.map((c) => c.name).join(', ')} FROM usage ORDER BY source, record_key, source_file, source_line`);
}

/** The rows one import of `paths` as they are now writes into a new ledger. */
async function oneGo(paths: string[]) {
  const ledger = await newLedger();
  try {
    await importInto(ledger, paths, false);
    return await usageRows(ledger);
  } finally {
    ledger.close();
  }
}

/** A folder holding a copy of the sample transcripts, the main session cut to its first `bytes`. */
function transcripts(bytes: number): { dir: string; main: string; full: Buffer } {
  const dir = path.join(tempDir(), 'projects');
  fs.cpSync(samples('claude-code', 'projects'), dir, { recursive: true });
  const main = path.join(dir, '-home-dev-acme-api', `${API}.jsonl`);
  const full = fs.readFileSync(main);
  fs.writeFileSync(main, full.subarray(0, bytes));
  return { dir, main, full };
}

/** The byte offset just after line `n` (1-based) of `text`, plus `extra` bytes into the next line. */
function afterLine(text: Buffer, n: number, extra = 0): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = text.indexOf(10, at) + 1;
  return at + extra;
}

/** Grows `file` to the first `to` bytes of `full` (an append: what is there stays byte for byte). */
function growTo(file: string, full: Buffer, to: number): void {
  fs.appendFileSync(file, full.subarray(fs.statSync(file).size, to));
}

describe('incremental import of Claude Code transcripts', () => {
  it('a transcript that grows in steps (mid-response, mid-line) ends with the rows, labels and lines of one import', async () => {
    const full = fs.readFileSync(samples('claude-code', 'projects', '-home-dev-acme-api', `${API}.jsonl`));
    // cut after a prompt, inside a response's lines, inside a line (a cut-off last line is rejected
    // until it is complete), just before the corrupted line 19, and inside a long turn
    const cuts = [afterLine(full, 5), afterLine(full, 16, 200), afterLine(full, 18), afterLine(full, 33), afterLine(full, 41, 17), afterLine(full, 58), full.length];
    const { dir, main } = transcripts(cuts[0]);
    const ledger = await newLedger();
    const first = await importInto(ledger, [dir]);
    expect([first.unchanged, first.resumed, first.totals.files]).toEqual([0, 0, 3]);
    expect(await usageRows(ledger)).toEqual(await oneGo([dir]));
    for (const cut of cuts.slice(1)) {
      growTo(main, full, cut);
      const r = await importInto(ledger, [dir]);
      expect([r.unchanged, r.resumed, r.files.map((f) => path.basename(f.path))], `cut at ${cut}`).toEqual([2, 1, [`${API}.jsonl`]]);
      await expectCountsBalance(ledger, r);
      expect(await usageRows(ledger), `cut at ${cut}`).toEqual(await oneGo([dir]));
    }
    // the last read started at the last prompt (line 58): 7 usage lines, not the file's 38
    const last = await ledger.all<{ rows_read: number }>('SELECT rows_read FROM import_files ORDER BY imported_at, rows_read');
    expect(last.at(-1)?.rows_read).toBeLessThan(38);
    ledger.close();
  });

  it('a read from an offset counts only what it read, at the lines of the whole file', async () => {
    const { dir, main, full } = transcripts(0);
    fs.writeFileSync(main, full.subarray(0, afterLine(full, 49))); // two of a response's three lines
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    growTo(main, full, full.length);
    const r = await importInto(ledger, [dir]);
    // read again from the turn's prompt, line 47 ("try again"): 13 usage lines of 9 responses, one of
    // them stored before from its placeholder line 48 and now replaced by its complete line 50; 10
    // lines without usage (prompts, tool results, a snapshot)
    expect(outcome(r, main)).toEqual({ format: 'claude-code', rows_read: 13, imported: 9, duplicates: 4, rejected: 0, skipped: 10 });
    expect(await ledger.all(`SELECT source_line, output_tokens FROM usage WHERE record_key = 'msg:msg_01XJfabAjXHqYwoNUgTHmyzP'`)).toEqual([
      { source_line: 50, output_tokens: 642 },
    ]);
    // numbered as lines of the whole file (the copy read starts at line 47)
    expect(await ledger.all(`SELECT min(source_line) AS first, max(source_line) AS last FROM usage WHERE import_id = '${r.import_id}'`)).toEqual([{ first: 50, last: 69 }]);
    expect(await usageRows(ledger)).toEqual(await oneGo([dir]));
    ledger.close();
  });

  it('does not open a file unchanged since the ledger read it', async () => {
    const { dir } = transcripts(Number.MAX_SAFE_INTEGER);
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    const before = await usageRows(ledger);
    const opened = vi.spyOn(fs, 'openSync');
    try {
      const r = await importInto(ledger, [dir]);
      expect(opened).not.toHaveBeenCalled();
      expect([r.unchanged, r.resumed, r.files, r.totals.rows_read]).toEqual([3, 0, [], 0]);
    } finally {
      opened.mockRestore();
    }
    expect(await usageRows(ledger)).toEqual(before);
    expect(await ledger.all('SELECT sum(unchanged_imports)::INTEGER AS n FROM file_state')).toEqual([{ n: 3 }]);
    // touched (a new time, the same bytes): opened to compare its ends, nothing read again
    const web = path.join(dir, '-home-dev-acme-web', `${WEB}.jsonl`);
    fs.utimesSync(web, new Date('2026-11-14T00:00:00Z'), new Date('2026-11-14T00:00:00Z'));
    const looked = vi.spyOn(fs, 'openSync');
    try {
      const touched = await importInto(ledger, [dir]);
      expect([touched.unchanged, touched.files.length]).toEqual([3, 0]);
      expect([...new Set(looked.mock.calls.map((c) => c[0]))]).toEqual([web]); // detected, its ends compared
      looked.mockClear();
      expect((await importInto(ledger, [dir])).unchanged).toBe(3); // its new time is remembered
      expect(looked).not.toHaveBeenCalled();
    } finally {
      looked.mockRestore();
    }
    // --full reads every file again
    const all = await importInto(ledger, [dir], false);
    expect([all.unchanged, all.files.length, all.totals.imported]).toEqual([0, 3, 0]);
    expect(await usageRows(ledger)).toEqual(before);
    ledger.close();
  });

  it('reads a rewritten file in full: its first bytes changed, or the bytes before where it ended', async () => {
    const { dir, main, full } = transcripts(0);
    fs.writeFileSync(main, full.subarray(0, afterLine(full, 31)));
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    // the first line (a summary) rewritten with the same length, and the file grown
    const summary = full.subarray(0, afterLine(full, 1)).toString('utf8').replace(/"summary":"./, '"summary":"X');
    fs.writeFileSync(main, Buffer.concat([Buffer.from(summary), full.subarray(afterLine(full, 1))]));
    const headChanged = await importInto(ledger, [dir]);
    expect([headChanged.resumed, outcome(headChanged, main).rows_read]).toEqual([0, 38]);
    expect(await usageRows(ledger)).toEqual(await oneGo([dir]));
    // a line near the old end rewritten, then more appended: read in full too
    fs.writeFileSync(main, full.subarray(0, afterLine(full, 31)));
    await importInto(ledger, [dir]);
    const edited = Buffer.from(full.subarray(0, afterLine(full, 31)).toString('utf8').replace('write unit tests for parseInvoice', 'write unit tests for parseInvoiceX'));
    fs.writeFileSync(main, Buffer.concat([edited, full.subarray(afterLine(full, 31))]));
    const tailChanged = await importInto(ledger, [dir]);
    expect(tailChanged.resumed).toBe(0);
    expect(outcome(tailChanged, main).rows_read).toBe(38);
    ledger.close();
  });

  it('reads a truncated file in full and keeps the rows it had', async () => {
    const { dir, main, full } = transcripts(Number.MAX_SAFE_INTEGER);
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    const before = await usageRows(ledger);
    fs.writeFileSync(main, full.subarray(0, afterLine(full, 30)));
    const r = await importInto(ledger, [dir]);
    expect([r.resumed, r.unchanged]).toEqual([0, 2]);
    expect(outcome(r, main)).toMatchObject({ imported: 0, rejected: 1 }); // the corrupted line 19, again
    expect(await usageRows(ledger)).toEqual(before); // an import never removes rows
    // and grows again from there: read from its last prompt
    growTo(main, full, full.length);
    const again = await importInto(ledger, [dir]);
    expect(again.resumed).toBe(1);
    expect(await usageRows(ledger)).toEqual(before);
    ledger.close();
  });

  it('reads a file that moved folders in full, as a new path: every row a duplicate', async () => {
    const { dir } = transcripts(Number.MAX_SAFE_INTEGER);
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    const before = await usageRows(ledger);
    const moved = path.join(dir, '-home-dev-acme-web-renamed');
    fs.renameSync(path.join(dir, '-home-dev-acme-web'), moved);
    const r = await importInto(ledger, [dir]);
    expect([r.unchanged, r.resumed]).toEqual([2, 0]);
    expect(outcome(r, `${WEB}.jsonl`)).toEqual({ format: 'claude-code', rows_read: 35, imported: 0, duplicates: 35, rejected: 0, skipped: 27 });
    expect(await usageRows(ledger)).toEqual(before); // the rows keep the path they were first read at
    // the new path is remembered: the next import skips it
    expect((await importInto(ledger, [dir])).unchanged).toBe(3);
    ledger.close();
  });

  it('recount forget drops what the forgotten import read, so the next import reads those files in full', async () => {
    const { dir } = transcripts(Number.MAX_SAFE_INTEGER);
    const ledger = await newLedger();
    const first = await importInto(ledger, [dir]);
    await ledger.run(sql('ledger/forget/delete_usage'), { import_id: first.import_id });
    await ledger.run(sql('ledger/forget/delete_file_state'), { import_id: first.import_id });
    expect(await ledger.all('SELECT count(*)::INTEGER AS n FROM file_state')).toEqual([{ n: 0 }]);
    const again = await importInto(ledger, [dir]);
    expect([again.unchanged, again.totals.imported]).toEqual([0, 58]);
    ledger.close();
  });
});

describe('incremental import of other line formats', () => {
  /** `file` copied into a new folder, cut after its first `lines` lines. */
  function cutCopy(file: string, lines: number): { copy: string; full: Buffer } {
    const copy = path.join(tempDir(), path.basename(file));
    const full = fs.readFileSync(file);
    fs.writeFileSync(copy, full.subarray(0, afterLine(full, lines)));
    return { copy, full };
  }

  it('a gateway log (one record per line) is read from where the last import stopped, at its own line numbers', async () => {
    for (const [file, cut, source] of [
      [samples('portkey', 'logs-week-41.jsonl'), 9, 'portkey-jsonl'],
      [samples('litellm', 'spend-logs.jsonl'), 5, 'litellm'],
    ] as const) {
      const { copy, full } = cutCopy(file, cut);
      const ledger = await newLedger();
      await importInto(ledger, [copy]);
      growTo(copy, full, full.length);
      const r = await importInto(ledger, [copy]);
      expect(r.resumed, source).toBe(1);
      const lines = full.toString('utf8').split('\n').filter((l) => l.trim()).length;
      expect(r.totals.rows_read + r.totals.skipped, source).toBe(lines - cut); // only the new lines
      await expectCountsBalance(ledger, r);
      expect(await usageRows(ledger), source).toEqual(await oneGo([copy]));
      expect(await ledger.all(`SELECT DISTINCT source FROM usage`)).toEqual([{ source }]);
      ledger.close();
    }
  });

  it('a line that is not UTF-8 in the new part is rejected at its own line in the file; the rest imports', async () => {
    const { copy, full } = cutCopy(samples('portkey', 'logs-week-41.jsonl'), 9);
    const ledger = await newLedger();
    await importInto(ledger, [copy]);
    fs.appendFileSync(copy, Buffer.concat([full.subarray(afterLine(full, 9), afterLine(full, 12)), Buffer.from('{"id":"x\xff\xfe"}\n', 'latin1')]));
    const r = await importInto(ledger, [copy]);
    expect(r.resumed).toBe(1); // read from where the last import stopped, repaired all the same
    expect(r.totals).toMatchObject({ imported: 3, rejected: 1 });
    const rejects = await ledger.all<{ source_file: string; source_line: number; reason: string }>('SELECT source_file, source_line, reason FROM rejects');
    expect(rejects).toEqual([{ source_file: copy, source_line: 13, reason: 'invalid UTF-8' }]);
    expect(await ledger.all('SELECT count(*)::INTEGER AS n FROM usage')).toEqual([{ n: 12 }]);
    ledger.close();
  });

  it('a Codex rollout that grew is read in full: its tokens are deltas of a running total', async () => {
    const file = samples('codex', 'sessions', '2026', '10', '14', 'rollout-2026-10-14T09-12-03-01a139ae-dca3-798e-9bcb-82034fba541e.jsonl');
    const { copy, full } = cutCopy(file, 30);
    const ledger = await newLedger();
    await importInto(ledger, [copy]);
    growTo(copy, full, full.length);
    const r = await importInto(ledger, [copy]);
    expect(r.resumed).toBe(0);
    expect(await usageRows(ledger)).toEqual(await oneGo([copy]));
    ledger.close();
  });

  it('a CSV export is skipped while unchanged and read in full once changed', async () => {
    const dir = tempDir();
    const csv = path.join(dir, 'usage.csv');
    fs.copyFileSync(samples('openai', 'usage-dashboard.csv'), csv);
    const ledger = await newLedger();
    await importInto(ledger, [csv]);
    expect((await importInto(ledger, [csv])).unchanged).toBe(1);
    fs.appendFileSync(csv, '');
    fs.utimesSync(csv, new Date('2026-11-14T00:00:00Z'), new Date('2026-11-14T00:00:00Z'));
    const r = await importInto(ledger, [csv]);
    expect([r.unchanged, r.resumed, r.files.length, r.totals.imported]).toEqual([0, 0, 1, 0]);
    ledger.close();
  });
});

describe("the report's provenance", () => {
  it('shows the file reads incremental imports skipped as unchanged, per format', async () => {
    const { dir } = transcripts(Number.MAX_SAFE_INTEGER);
    const ledger = await newLedger();
    await importInto(ledger, [dir]);
    await importInto(ledger, [dir]);
    await importInto(ledger, [dir]);
    const db = ledger.path;
    ledger.close();
    const data = await withSession({ db }, (session) => gatherReportData(session, resolvePeriod({ month: '2026-10' })));
    expect(data.provenance.unchanged_skips).toBe(6);
    expect(data.provenance.formats.map((f) => [f.format, f.files, f.rows_read, f.unchanged_skips])).toEqual([['claude-code', 3, 82, 6]]);
    const page = await renderReport(data);
    expect(page).toContain('6 file reads skipped as unchanged');
    expect(page).toContain('skipped as unchanged</th>');
  });
});

describe('recount import (CLI)', () => {
  it('says in one line how many files it left unchanged or read from an offset; --full reads them all', () => {
    const { dir, main, full } = transcripts(0);
    fs.writeFileSync(main, full.subarray(0, afterLine(full, 31)));
    const db = path.join(tempDir(), 'l.duckdb');
    expect(runCli(['import', dir, '--db', db]).status).toBe(0);
    growTo(main, full, full.length);
    const grown = runCli(['import', dir, '--db', db]);
    expect(grown.stdout).toContain('\n2 files unchanged since the last import, not read; 1 file read from where the last import stopped (--full reads every file in full)\n');
    const again = runCli(['import', dir, '--db', db]);
    expect(again.stdout).toBe('nothing new to read: 3 files unchanged since the last import, not read (--full reads every file in full)\n');
    const all = JSON.parse(runCli(['import', dir, '--db', db, '--full', '--json']).stdout);
    expect([all.totals.files, all.totals.imported, all.unchanged_files, all.resumed_files]).toEqual([3, 0, 0, 0]);
  });
});
