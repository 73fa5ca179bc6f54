import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import { claudeCode } from '../../src/importers/claude-code/index.js';
import { formatSql } from '../../src/importers/format.js';
import { batchCount, batchedMacro } from '../../src/import/staging.js';
import { openaiUsageCsv } from '../../src/importers/openai-usage-csv/index.js';
import { expectCountsBalance, outcome } from './util.js';

// The Claude Code stage statement reads its files in batches, one UNION ALL branch each, and DuckDB
// plans every branch whether it holds a file or not: a run takes as many as its files and bytes need.
const MiB = 1024 * 1024;
const subFile = samples('claude-code', 'projects', '-home-dev-acme-api', 'a6deca95-bec2-49a4-b5b0-124ec6348ff6', 'subagents', 'agent-d7cb9653.jsonl');
const webFile = samples('claude-code', 'projects', '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl');

describe('claude-code: reader batches per run', () => {
  it('one batch per 4 MiB of files, at least one, at most one per file, per core and eight', () => {
    const sizes = (bytes: number[]) => new Map(bytes.map((b, i) => [`f${i}`, b]));
    const count = (bytes: number[], cores = 16) => batchCount(claudeCode, [...sizes(bytes).keys()], sizes(bytes), cores);
    const folder = Array.from({ length: 300 }, () => 300_000); // a cold import of 86 MiB
    expect(count([500_000])).toBe(1); // a re-import of one new session
    expect(count([3 * MiB, 3 * MiB])).toBe(2);
    expect(count([MiB, MiB, MiB])).toBe(1);
    expect(count([20 * MiB])).toBe(1); // a batch is read on one thread: one file is one batch
    expect(count(Array.from({ length: 10 }, () => MiB))).toBe(3);
    expect(count(folder)).toBe(8);
    expect(count(folder, 2)).toBe(2); // more batches than cores only add plans and partial states
    expect(count(folder, 4)).toBe(4);
    expect(batchCount(openaiUsageCsv, ['a.csv'], sizes([MiB]))).toBeUndefined(); // not read in batches
  });

  it('repeats the marked branch of the stage macro once per batch', () => {
    const text = formatSql(claudeCode, 'macros/claude_code_staged');
    const three = batchedMacro(text, 3);
    expect(three.match(/claude_code_lines\(json_batches\[\d\], exact_batches\[\d\]\)/g)).toEqual([
      'claude_code_lines(json_batches[1], exact_batches[1])',
      'claude_code_lines(json_batches[2], exact_batches[2])',
      'claude_code_lines(json_batches[3], exact_batches[3])',
    ]);
    expect(three.match(/UNION ALL SELECT \* FROM claude_code_lines/g)).toHaveLength(2);
    expect(three).not.toContain('/*batch*/');
    expect(batchedMacro(text, 1).match(/claude_code_lines\(json_batches/g)).toHaveLength(1);
  });

  it('files read in two batches give the rows they give in one', async () => {
    // two sample files, each padded past 4 MiB with lines that are no usage (after their last line,
    // so every line keeps its number): the run reads them in two batches (on two cores or more), the
    // small ones in one
    const dir = tempDir();
    const pad = Array.from({ length: 1100 }, (_, i) => JSON.stringify({ type: 'file-history-snapshot', messageId: `pad-${i}`, snapshot: { pad: 'x'.repeat(4000) } })).join('\n') + '\n';
    const padded = [subFile, webFile].map((f) => writeTemp(path.basename(f), fs.readFileSync(f, 'utf8') + pad, dir));
    const big = await newLedger();
    const report = await importPaths(big, padded);
    expect(await branches(big)).toBe(Math.min(2, os.availableParallelism()));
    const small = await newLedger();
    await importPaths(small, [subFile, webFile]);
    expect(await branches(small)).toBe(1);

    expect(await rows(big, 'usage')).toEqual(await rows(small, 'usage'));
    expect(await rows(big, 'agent_events')).toEqual(await rows(small, 'agent_events'));
    expect((await rows(big, 'usage')).length).toBeGreaterThan(20);
    for (const f of padded) expect(outcome(report, f).skipped).toBeGreaterThanOrEqual(1100);
    await expectCountsBalance(big, report);
  });
});

/** The reader branches the import's last stage macro was defined with (temporary, on the ledger's connection). */
async function branches(ledger: Ledger): Promise<number> {
  const { definition } = await ledger.one<{ definition: string }>(
    `SELECT macro_definition AS definition FROM duckdb_functions() WHERE function_name = 'claude_code_staged'`,
  );
  return definition.match(/claude_code_lines\(/g)?.length ?? 0;
}

/** A table's rows without import ids, each file by its name. */
async function rows(ledger: Ledger, table: string): Promise<string[]> {
  const all = await ledger.all(`SELECT * EXCLUDE (import_id, source_file), regexp_extract(source_file, '[^/]+$') AS file FROM ${table} ORDER BY ALL`);
  return all.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
