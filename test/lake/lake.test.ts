import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discoverFiles, type FoundFile } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { Ledger } from '../../src/db/ledger.js';
import { bindParams, listQueries } from '../../src/db/named-query.js';
import { withSession } from '../../src/session.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { exportLake } from '../../src/lake/export.js';
import type { Period } from '../../src/period.js';
import { loadObservedOutcomes } from '../../src/replay/observed.js';
import { runCli, samples, tempDir } from '../helpers.js';

// Two machines, one lake: half of the sample files imported on "A", half on "B", both exported into one
// lake. Every named query over the lake must equal the same query over one ledger holding both imports.
// Split file by file (alternating; a session's transcripts stay together), so copies of one response
// (re-pulled API pages, overlapping CSVs, repeated gateway logs) land on both machines and the lake's
// dedupe has work to do.
const FOLDERS = ['anthropic', 'bedrock', 'claude-code', 'codex', 'gemini', 'helicone', 'langfuse', 'litellm', 'openai', 'openrouter', 'portkey', 'month'];
const AT_A = new Date('2026-11-15T12:00:00Z');
const AT_B = new Date('2026-11-15T12:05:00Z'); // B imports later, as the one ledger does
// provenance that names the run or the machine, not the usage: differs between the two set-ups by design
const RUN_COLUMNS = new Set(['import_id', 'imported_at', 'last_imported_at', 'first_imported_at', 'imports', 'read_at']);
// import provenance says what each import did: on its own machine a file's rows were new that, in the
// one ledger, the other half had already brought (so imported/duplicates split differently; rows read,
// rejected and skipped are the same)
const PER_IMPORT_COLUMNS = new Set(['imported', 'duplicates']);
const PROVENANCE = new Set(['imported_files', 'imports_by_format']);

let dir: string;
let single: string;
let lake: string;
let halves: [FoundFile[], FoundFile[]];

async function importInto(db: string, files: FoundFile[], now: Date): Promise<void> {
  const ledger = await Ledger.open(db);
  try {
    await importFiles(ledger, files, { modelIds: loadCatalog().modelIds, now });
  } finally {
    ledger.close();
  }
}

async function exportAs(machine: string, db: string): Promise<Awaited<ReturnType<typeof exportLake>>> {
  process.env.RECOUNT_MACHINE = machine;
  try {
    return await exportLake(db, lake, loadPriceBook());
  } finally {
    delete process.env.RECOUNT_MACHINE;
  }
}

/**
 * Sums over rows read in another order differ in the last bits, and a query's round(x, 6) can then land
 * one unit apart: numbers are equal within a millionth (relative, or absolute near zero).
 */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 2e-6 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rows in a stable order: by their text with numbers to four digits (sums that differ in the last bits sort alike). */
function sortKey(row: [string, unknown][]): string {
  return JSON.stringify(row, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v));
}

/** Every named query's rows, run-specific columns dropped, in a stable order. */
async function allQueries(db: string): Promise<Record<string, [string, unknown][][]>> {
  return withSession({ db }, async ({ ledger }) => {
    const out: Record<string, [string, unknown][][]> = {};
    for (const q of listQueries()) {
      const given = q.params.some((p) => p.name === 'cap_usd') ? { cap_usd: '5' } : {}; // the one required parameter
      const rows = await ledger.all(q.sql, bindParams(q, given, { since: '2026-01-01', until: '2026-12-31', tz: 'UTC' }));
      const kept = ([k]: [string, unknown]) => !RUN_COLUMNS.has(k) && !(PROVENANCE.has(q.name) && PER_IMPORT_COLUMNS.has(k));
      out[q.name] = rows.map((r) => Object.entries(r).filter(kept)).sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    }
    return out;
  });
}

beforeAll(async () => {
  dir = tempDir('recount-lake-');
  lake = path.join(dir, 'lake');
  single = path.join(dir, 'all.duckdb');
  const files = discoverFiles(FOLDERS.map((f) => samples(f)));
  // a session's transcripts (main and subagent files) live on one laptop: they go to the same half
  const session = (f: FoundFile) => f.path.replace(/\/subagents\/.*$/, '').replace(/\.jsonl$/, '');
  const groups = [...new Set(files.map(session))];
  const half = (h: number) => files.filter((f) => groups.indexOf(session(f)) % 2 === h);
  halves = [half(0), half(1)];
  await importInto(path.join(dir, 'a.duckdb'), halves[0], AT_A);
  await importInto(path.join(dir, 'b.duckdb'), halves[1], AT_B);
  await importInto(single, halves[0], AT_A);
  await importInto(single, halves[1], AT_B);
  await exportAs('machine_a', path.join(dir, 'a.duckdb'));
  await exportAs('machine_b', path.join(dir, 'b.duckdb'));
}, 240_000);

afterEach(() => {
  delete process.env.RECOUNT_MACHINE;
});

describe('a Parquet lake from two machines', () => {
  it('answers every named query as one ledger holding both imports does', async () => {
    const overLake = await allQueries(`lake:${lake}`);
    const overFile = await allQueries(single);
    expect(Object.keys(overLake).length).toBeGreaterThan(20);
    // agent turns (agent_events, exported without their text): the samples have turns of every outcome
    for (const name of ['outcomes_by_model_and_task', 'outcomes_by_session']) expect(overFile[name].length, name).toBeGreaterThan(3);
    const outcomes = overFile.outcomes_by_session.map((r) => Object.fromEntries(r) as Record<string, number>);
    for (const k of ['succeeded_turns', 'failed_turns', 'unknown_turns', 'repeated_failures']) expect(outcomes.some((r) => r[k] > 0), k).toBe(true);
    for (const name of Object.keys(overFile)) {
      const differ = overFile[name].filter((row, i) => !same(overLake[name][i], row));
      expect(overLake[name].length, name).toBe(overFile[name].length);
      expect(differ, name).toEqual([]);
    }
  }, 240_000);

  it('gives fail_rate: observed the turns one ledger gives', async () => {
    const observed = (db: string) => withSession({ db }, ({ ledger }) => loadObservedOutcomes(ledger, { since: '2026-01-01', until: '2026-12-31', tz: 'UTC' } satisfies Period));
    const overFile = await observed(single);
    expect(overFile.length).toBeGreaterThan(3);
    expect(overFile.some((o) => Number(o.failed_turns) > 0 && Number(o.repeat_failed_turns) > 0)).toBe(true);
    expect(await observed(`lake:${lake}`)).toEqual(overFile);
  });

  it('counts a response exported from both machines once', async () => {
    const keys = await withSession({ db: `lake:${lake}` }, ({ ledger }) =>
      ledger.all<{ copies: number; rows: number }>(
        `SELECT (SELECT count(*) FROM read_parquet('${lake}/usage/*/*/*.parquet')) AS copies, (SELECT count(*) FROM usage) AS rows`,
      ),
    );
    const [{ n }] = await withSession({ db: single }, ({ ledger }) => ledger.all<{ n: number }>('SELECT count(*) AS n FROM usage'));
    expect(keys[0].rows).toBe(n);
    expect(keys[0].copies).toBeGreaterThan(n); // the samples overlap across the halves: there was something to drop
  });

  it('reads the lake into a session file of its own and removes it when the command ends', async () => {
    const tmp = tempDir('recount-lake-tmp-');
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const during = await withSession({ db: `lake:${lake}` }, async ({ ledger }) => {
        const [{ kind }] = await ledger.all<{ kind: string }>(`SELECT table_type AS kind FROM information_schema.tables WHERE table_name = 'lake_usage_rows'`);
        return { kind, files: fs.readdirSync(tmp) };
      });
      expect(during.kind).toBe('BASE TABLE'); // read once, not a view over the files
      expect(during.files).toEqual([expect.stringMatching(/^recount-lake-/)]);
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('lays the files out as Hive partitions, one file per machine', () => {
    const months = fs.readdirSync(path.join(lake, 'usage'));
    expect(months.every((m) => /^month=\d{4}-\d{2}$/.test(m))).toBe(true);
    const files = months.flatMap((m) => fs.readdirSync(path.join(lake, 'usage', m)).flatMap((s) => fs.readdirSync(path.join(lake, 'usage', m, s)).map((f) => `${s}/${f}`)));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) expect(f).toMatch(/^source=[a-z0-9-]+\/machine_[ab]\.parquet$/);
    const events = fs.readdirSync(path.join(lake, 'agent_events'), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
    expect(events.length).toBeGreaterThan(1);
    for (const f of events) expect(f).toMatch(/^month=\d{4}-\d{2}\/source=(claude-code|codex)\/machine_[ab]\.parquet$/);
    expect(fs.readdirSync(path.join(lake, 'import_files')).sort()).toEqual(['machine_a.parquet', 'machine_b.parquet']);
    const manifest = JSON.parse(fs.readFileSync(path.join(lake, 'manifest.json'), 'utf8'));
    expect(manifest.lake_schema_version).toBe(1);
    expect(Object.keys(manifest.machines).sort()).toEqual(['machine_a', 'machine_b']);
    expect(manifest.machines.machine_a.price_fingerprint).toBe(loadPriceBook().fingerprint);
    expect(fs.readdirSync(lake).filter((f) => f.startsWith('.'))).toEqual([]); // no staging left behind
  });

  it('never exports prompt text or its hash', async () => {
    const cols = await withSession({ db: single }, ({ ledger }) =>
      ledger.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${lake}/usage/*/*/*.parquet', union_by_name = true))`),
    );
    const names = cols.map((c) => c.column_name);
    expect(names).not.toContain('prompt_text');
    expect(names).not.toContain('prompt_hash');
    expect(names).toEqual(expect.arrayContaining(['prompt_seq', 'machine', 'cost_usd', 'list_cost_usd', 'price_status', 'record_key']));
  });
});

describe('exporting again, and writing to a lake', () => {
  const lakeFiles = (table: string) => fs.readdirSync(path.join(lake, table), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).sort();
  const usageFiles = () => lakeFiles('usage');

  it('replaces the machine\'s files instead of adding copies, and drops partitions the ledger forgot', async () => {
    const before = usageFiles();
    const eventsBefore = lakeFiles('agent_events');
    expect(eventsBefore.some((f) => f.endsWith('/machine_a.parquet'))).toBe(true);
    const again = await exportAs('machine_a', path.join(dir, 'a.duckdb'));
    expect(again.removedFiles).toBe(0);
    expect(again.agentEvents).toBeGreaterThan(0);
    expect(usageFiles()).toEqual(before);
    expect(lakeFiles('agent_events')).toEqual(eventsBefore);
    // machine_a's ledger now holds nothing: a new empty ledger exported under the same name
    const empty = path.join(dir, 'empty.duckdb');
    (await Ledger.open(empty)).close();
    const gone = await exportAs('machine_a', empty);
    expect(gone.usageRows).toBe(0);
    expect(gone.removedFiles).toBeGreaterThan(0);
    expect(usageFiles().some((f) => f.includes('/machine_a'))).toBe(false);
    expect(lakeFiles('agent_events').some((f) => f.includes('/machine_a'))).toBe(false);
    await exportAs('machine_a', path.join(dir, 'a.duckdb')); // back as it was, for the other tests
    expect(usageFiles()).toEqual(before);
    expect(lakeFiles('agent_events')).toEqual(eventsBefore);
  }, 120_000);

  it('refuses writes to a lake, by name', async () => {
    await expect(Ledger.open(lake)).rejects.toThrow(`${lake} is a Parquet lake: it is read-only`);
    await expect(withSession({ db: `lake:${lake}`, readOnly: false }, async () => 0)).rejects.toThrow('is a Parquet lake');
    await expect(withSession({ db: `lake:${path.join(dir, 'nowhere')}` }, async () => 0)).rejects.toThrow('no lake at');
  });

  it('refuses a machine name that cannot name files, and a folder that is not a lake', async () => {
    await expect(exportAs('Alice-Laptop', single)).rejects.toThrow("machine name 'Alice-Laptop' cannot name lake files");
    const other = tempDir('recount-notlake-');
    fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
    process.env.RECOUNT_MACHINE = 'x';
    await expect(exportLake(single, other, loadPriceBook())).rejects.toThrow('is a folder with other files in it, not a lake');
    expect(fs.readdirSync(other)).toEqual(['notes.txt']);
  });

  it('stores a machine id in the ledger on first export and keeps it', async () => {
    const db = path.join(dir, 'id.duckdb');
    (await Ledger.open(db)).close();
    const target = tempDir('recount-lake-id-');
    const first = await exportLake(db, target, loadPriceBook());
    const second = await exportLake(db, target, loadPriceBook());
    expect(first.machine).toMatch(/^[a-z0-9_.]+\.[0-9a-f]{6}$/);
    expect(second.machine).toBe(first.machine);
  });
});

describe('the CLI', () => {
  it('exports with --lake and reads with --db lake:DIR; writes are refused', async () => {
    const target = path.join(tempDir('recount-lake-cli-'), 'lake');
    const exported = runCli(['export', '--db', path.join(dir, 'b.duckdb'), '--lake', target], { RECOUNT_MACHINE: 'cli_b' });
    expect(exported.stderr).toMatch(/^machine cli_b: wrote [\d,]+ usage rows, [\d,]+ invoice lines and [\d,]+ agent events of 1 import to /);
    expect(exported.status).toBe(0);
    const overLake = runCli(['summary', '--json', '--db', `lake:${target}`]);
    const overFile = runCli(['summary', '--json', '--db', path.join(dir, 'b.duckdb')]);
    expect(overLake.status).toBe(0);
    expect(JSON.parse(overLake.stdout).cost_usd).toBeCloseTo(JSON.parse(overFile.stdout).cost_usd, 6);
    const refused = runCli(['import', samples('openai'), '--db', `lake:${target}`]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${target} is a Parquet lake: it is read-only to recount`);
    expect(refused.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  }, 120_000);
});
