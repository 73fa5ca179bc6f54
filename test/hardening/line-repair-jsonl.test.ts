// A JSON-lines file of any format with one line cut inside a multi-byte character (a crash mid-write)
// loses only that line (issue 14): the import succeeds, the line is one reject at its own line number,
// and every other row is the clean import's, with the file's own path, line numbers, and what readers
// take from the folders it is in (Gemini CLI's parent session, Kimi's session and config.toml, Qwen's
// project). Each case copies a bundled sample into a temp folder, keeping the folder shape.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, runCli, samples, tempDir } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import { expectCountsBalance } from '../importers/util.js';

const CUT_CHAR = Buffer.from([0xe2, 0x82]); // the first two bytes of '€' (E2 82 AC)

interface Case {
  format: string;
  sample: string; // a file or folder under samples/, copied whole
  target: string; // the file to damage, under the copy
  gz?: boolean; // gzip the target after damaging it
  last?: boolean; // cut the last line with usage rows (no other line writes its records again)
  line?: number; // cut this line instead (one without usage rows: the file's only usage line stays to show what its folder says)
}

const KIMI_SESSION = 'kimi-home/sessions/0d3c5e7a9b1f2d4c6e8a0b2c4d6e8f1a/8c1e4a7b-2d5f-4b9e-a3c6-1f0e2d4b6a89';
const CASES: Case[] = [
  { format: 'bedrock-invocation-logs', sample: 'bedrock/invocation-logs-s3.jsonl', target: 'invocation-logs-s3.jsonl' },
  { format: 'bedrock-invocation-logs', sample: 'bedrock/invocation-logs-s3.jsonl', target: 'invocation-logs-s3.jsonl', gz: true },
  { format: 'bedrock-invocation-logs', sample: 'bedrock/invocation-logs-cloudwatch.jsonl', target: 'invocation-logs-cloudwatch.jsonl' },
  { format: 'gemini-cli', sample: 'gemini-cli', target: 'tmp/recount/chats/session-2026-03-02T09-14-4f1c2a9e.jsonl' },
  {
    format: 'gemini-cli',
    sample: 'gemini-cli',
    target: 'tmp/recount/chats/4f1c2a9e-6d1b-4c7a-9a53-1f2e3d4c5b6a/7c2d9e10-4a5b-4e6f-8a7b-9c0d1e2f3a4b.jsonl', // a subagent: its parent from the folder
    line: 2,
  },
  { format: 'gemini-responses', sample: 'gemini/vertex-responses.jsonl', target: 'vertex-responses.jsonl' },
  { format: 'kimi-cli', sample: 'kimi-cli', target: `${KIMI_SESSION}/wire.jsonl` }, // its model from config.toml
  { format: 'kimi-cli', sample: 'kimi-cli', target: `${KIMI_SESSION}/subagents/coder-1/wire.jsonl`, line: 2 }, // its session from the folder
  { format: 'kimi-cli', sample: 'kimi-cli', target: `${KIMI_SESSION}/subagents/coder-1/wire.jsonl`, line: 1 }, // the metadata line: still told a wire log
  // a subagent: its model alias mapped from the main agent's log (the step.end line cut)
  { format: 'kimi-cli', sample: 'kimi-cli', target: 'kimi-code-home/sessions/wd_recount_4be1c0a9d2f3/session_61f0c2d8/agents/agent-0/wire.jsonl', line: 3 },
  { format: 'otlp-json', sample: 'otel/genai-spans.jsonl', target: 'genai-spans.jsonl' },
  { format: 'otlp-json', sample: 'otel/claude-code-telemetry.jsonl', target: 'claude-code-telemetry.jsonl', gz: true },
  { format: 'copilot-otel', sample: 'copilot-cli/otel', target: 'copilot-otel.jsonl' },
  // each record's uuid is the next one's parentUuid
  { format: 'qwen-code', sample: 'qwen-code', target: 'projects/-home-dev-recount/chats/3f6c1e2a-8b4d-4f0e-9a21-5c7d9e0b1a23.jsonl', last: true },
  { format: 'qwen-code', sample: 'qwen-code', target: 'projects/-home-dev-recount/chats/b2a4c6e8-1d3f-4a5b-8c7d-9e0f1a2b3c4d.jsonl', line: 1 }, // a forked session's first record
];

/** A copy of the sample (its folder shape kept) in a new temp folder; returns the folder. */
function copyOf(sample: string): string {
  const dir = tempDir();
  const from = samples(sample);
  fs.cpSync(from, path.join(dir, path.basename(from)), { recursive: true });
  return dir;
}

/** The path of `target` in the folder copyOf returned. */
function targetIn(dir: string, c: Case): string {
  return fs.statSync(samples(c.sample)).isDirectory() ? path.join(dir, path.basename(c.sample), c.target) : path.join(dir, c.target);
}

/** Writes `bytes` to `file`, or gzipped to `file`.gz in its place; returns the path written. */
function put(file: string, bytes: Buffer, gz = false): string {
  if (!gz) {
    fs.writeFileSync(file, bytes);
    return file;
  }
  fs.writeFileSync(`${file}.gz`, gzipSync(bytes));
  fs.rmSync(file, { force: true });
  return `${file}.gz`;
}

/** The file's lines as bytes, each with its newline (the last one without, if the file has none). */
function linesOf(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(10, start);
    const stop = nl < 0 ? bytes.length : nl + 1;
    lines.push(bytes.subarray(start, stop));
    start = stop;
  }
  return lines;
}

/** The line cut in the middle of its text inside a 3-byte character; its newline kept when it had one. */
function cut(line: Buffer): Buffer {
  const hasNewline = line.at(-1) === 10;
  const text = line.subarray(0, line.length - (hasNewline ? 1 : 0));
  return Buffer.concat([text.subarray(0, Math.floor(text.length / 2)), CUT_CHAR, hasNewline ? Buffer.from('\n') : Buffer.alloc(0)]);
}

async function imported(dir: string) {
  const ledger = await newLedger();
  const report = await importPaths(ledger, [dir]);
  await expectCountsBalance(ledger, report);
  return { ledger, report };
}

interface Row {
  source_file: string;
  source_line: number;
  [column: string]: unknown;
}

/** Every usage row, its text relative to the copy's folder (the clean and the damaged copy differ only there). */
async function usageRows(ledger: Ledger, dir: string): Promise<Row[]> {
  const rows = await ledger.all<Row>(
    `SELECT source, source_file, source_line, record_key, session_id, project, agent_id, is_sidechain, model, model_raw, started_at::VARCHAR AS started_at,
            input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, tools::VARCHAR AS tools
     FROM usage ORDER BY source_file, source_line, record_key`,
  );
  const rel = (v: unknown) => (typeof v === 'string' ? v.split(dir).join('<dir>') : v);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, rel(v)])) as Row);
}

/**
 * The last line with usage rows (several when a line holds many spans) whose records no other line
 * repeats: a record written again (a re-sent status, a stream's later chunk) would be kept from its
 * other line once this one is gone.
 */
function lineToCut(rows: Row[], lines: Buffer[], last = false): number {
  // a key's last part: a response or message id, or a line number (Kimi's usage.record)
  const once = (id: string) => /^\d+$/.test(id) || lines.filter((l) => l.includes(id)).length === 1;
  const unique = rows.filter((r) => last || rows.filter((o) => o.source_line === r.source_line).every((o) => once(String(o.record_key).split(':').at(-1)!)));
  const n = Math.max(...unique.map((r) => r.source_line));
  expect(n).toBeGreaterThan(0);
  return n;
}

const withoutTools = ({ tools: _t, ...rest }: Row) => rest;
const tokens = (rows: Row[]) => rows.reduce((n, r) => n + Number(r.input_tokens) + Number(r.cache_read_tokens) + Number(r.output_tokens), 0);

describe('a JSON-lines file with a line cut inside a character loses only that line', () => {
  for (const c of CASES) {
    it(`${c.format}: ${c.target}${c.gz ? ' (gzipped)' : ''}${c.line ? ` (line ${c.line} cut)` : ''}`, async () => {
      const cleanDir = copyOf(c.sample);
      const cleanFile = targetIn(cleanDir, c);
      const cleanPath = put(cleanFile, fs.readFileSync(cleanFile), c.gz);
      const clean = await imported(cleanDir);
      const cleanRows = await usageRows(clean.ledger, cleanDir);
      const target = `${targetIn('<dir>', c)}${c.gz ? '.gz' : ''}`;
      const dir = copyOf(c.sample);
      const file = targetIn(dir, c);
      const lines = linesOf(fs.readFileSync(file));
      const n = c.line ?? lineToCut(cleanRows.filter((r) => r.source_file === target), lines, c.last);
      const damagedPath = put(file, Buffer.concat(lines.map((l, i) => (i === n - 1 ? cut(l) : l))), c.gz);
      const got = await imported(dir);

      const rejects = await got.ledger.all<{ source_file: string; source_line: number; reason: string; raw: string }>(
        'SELECT source_file, source_line, reason, raw FROM rejects ORDER BY source_file, source_line',
      );
      expect(rejects.map((r) => [r.source_file, r.source_line, r.reason])).toEqual([[damagedPath, n, 'invalid UTF-8']]);
      expect(rejects[0].raw).toContain('\uFFFD');

      // the clean rows but that line's; a tool call streamed before its request goes to the next one
      const rows = await usageRows(got.ledger, dir);
      const expected = cleanRows.filter((r) => !(r.source_file === target && r.source_line === n));
      if (c.line) expect(expected.filter((r) => r.source_file === target).length).toBeGreaterThan(0);
      else expect(expected.length).toBeLessThan(cleanRows.length);
      expect(rows.map(withoutTools)).toEqual(expected.map(withoutTools));
      expect(tokens(rows)).toBe(tokens(expected));
      // and every column as the same file reads with nothing on that line (tools too)
      const blankDir = copyOf(c.sample);
      put(targetIn(blankDir, c), Buffer.concat(lines.map((l, i) => (i === n - 1 ? Buffer.from(l.at(-1) === 10 ? '\n' : '') : l))), c.gz);
      expect(rows).toEqual(await usageRows((await imported(blankDir)).ledger, blankDir));
      const outcome = (report: typeof got.report, f: string) => report.files.find((o) => o.path === f)!;
      expect(outcome(got.report, damagedPath).rejected).toBe(outcome(clean.report, cleanPath).rejected + 1);
      expect(outcome(got.report, damagedPath).format).toBe(c.format);
    });
  }
});

describe('agent events of a repaired transcript', () => {
  it('Claude Code: every event but the cut line\'s, at the line numbers of the file', async () => {
    const sample = 'claude-code/projects/-home-dev-acme-web/6661f48b-9a43-434a-af39-b2191812d92a.jsonl';
    const events = (ledger: Ledger, dir: string) =>
      ledger.all<{ source_file: string; source_line: number; event: string }>('SELECT source_file, source_line, event, record_key FROM agent_events ORDER BY ALL').then((rows) =>
        rows.map((r) => ({ ...r, source_file: r.source_file.split(dir).join('<dir>') })),
      );
    const cleanDir = copyOf(sample);
    const clean = await events((await imported(cleanDir)).ledger, cleanDir);
    const dir = copyOf(sample);
    const file = path.join(dir, path.basename(sample));
    const lines = linesOf(fs.readFileSync(file));
    const n = Math.max(...clean.map((e) => e.source_line)) - 1; // a line before the last event's: later lines keep their numbers
    fs.writeFileSync(file, Buffer.concat(lines.map((l, i) => (i === n - 1 ? cut(l) : l))));
    const got = await imported(dir);
    expect(await got.ledger.all('SELECT source_line, reason FROM rejects')).toEqual([{ source_line: n, reason: 'invalid UTF-8' }]);
    expect(clean.some((e) => e.source_line > n)).toBe(true);
    expect(await events(got.ledger, dir)).toEqual(clean.filter((e) => e.source_line !== n));
  });
});

describe('damage in a line-based file of a format that also reads documents', () => {
  it('bedrock: the first line cut inside a character is one reject, the CLI exits 0', () => {
    const dir = copyOf('bedrock/invocation-logs-s3.jsonl');
    const file = path.join(dir, 'invocation-logs-s3.jsonl');
    const lines = linesOf(fs.readFileSync(file));
    const first = lines[0];
    lines[0] = Buffer.concat([first.subarray(0, first.length - 4), CUT_CHAR, Buffer.from('\n')]); // its last 3 bytes (and newline) replaced
    fs.writeFileSync(file, Buffer.concat(lines));
    const r = runCli(['import', file, '--db', path.join(tempDir(), 'x.duckdb')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/12 rows read, 11 imported, 0 duplicates, 1 rejected/);
  });

  it('an SSE capture of Gemini responses: a cut event is one reject, the other events import', async () => {
    const records = linesOf(fs.readFileSync(samples('gemini/vertex-responses.jsonl'))).filter((l) => l.toString().trim() !== '');
    const events = records.map((l) => Buffer.concat([Buffer.from('data: '), l.subarray(0, l.at(-1) === 10 ? -1 : undefined), Buffer.from('\n\n')]));
    const cleanDir = tempDir();
    fs.writeFileSync(path.join(cleanDir, 'capture.sse'), Buffer.concat(events));
    const clean = await imported(cleanDir);
    const dir = tempDir();
    const file = path.join(dir, 'capture.sse');
    fs.writeFileSync(file, Buffer.concat(events.map((e, i) => (i === 1 ? Buffer.concat([cut(e.subarray(0, -1)), Buffer.from('\n')]) : e))));
    const got = await imported(dir);
    expect((await got.ledger.all('SELECT source_line, reason FROM rejects'))).toEqual([{ source_line: 3, reason: 'invalid UTF-8' }]);
    const cleanRows = await usageRows(clean.ledger, cleanDir);
    expect(await usageRows(got.ledger, dir)).toEqual(cleanRows.filter((r) => r.source_line !== 3));
  });

  it('a key made of the path (a Gemini CLI recording whose metadata line is cut) names the file: a re-import adds nothing', async () => {
    const dir = copyOf('gemini-cli');
    const file = path.join(dir, 'gemini-cli/tmp/recount/chats/session-2026-03-02T09-14-4f1c2a9e.jsonl');
    const lines = linesOf(fs.readFileSync(file));
    fs.writeFileSync(file, Buffer.concat(lines.map((l, i) => (i === 0 ? cut(l) : l))));
    const ledger = await newLedger();
    const first = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, first);
    expect(first.totals.imported).toBeGreaterThan(0);
    const keys = await ledger.all<{ record_key: string }>('SELECT record_key FROM usage');
    expect(keys.every((k) => k.record_key.startsWith(`${file}:`))).toBe(true);
    fs.utimesSync(file, new Date('2026-11-14T00:00:00Z'), new Date('2026-11-14T00:00:00Z')); // read again, not skipped as unchanged
    const again = await importPaths(ledger, [file]);
    expect(again.totals.duplicates).toBe(first.totals.imported + first.totals.duplicates);
    expect(again.totals.imported).toBe(0);
    expect(await ledger.all('SELECT count(*)::INTEGER AS n FROM usage')).toEqual([{ n: keys.length }]);
  });

  it('a pretty-printed document (a legacy Gemini CLI session) is no line-based file: the import fails, naming the file', async () => {
    const dir = copyOf('gemini-cli');
    const legacy = path.join(dir, 'gemini-cli/tmp/e3b7a19c04d2f6581b9e0a7c3d5f2e4b6a8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e/chats/session-2025-11-20T16-02-9b0e7d31.json');
    const lines = linesOf(fs.readFileSync(legacy));
    fs.writeFileSync(legacy, Buffer.concat(lines.map((l, i) => (i === 3 ? Buffer.concat([l.subarray(0, -2), Buffer.from([0xff]), l.subarray(-2)]) : l))));
    const ledger = await newLedger();
    await expect(importPaths(ledger, [legacy])).rejects.toThrow(legacy);
    expect(await ledger.all('SELECT * FROM usage')).toEqual([]);
  });
});
