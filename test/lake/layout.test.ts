import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { Ledger } from '../../src/db/ledger.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { exportLake } from '../../src/lake/export.js';
import { publishStaged } from '../../src/lake/publish.js';
import { withSession } from '../../src/session.js';
import { samples, tempDir } from '../helpers.js';

// The lake's file layout (issue 20): one file per machine, month and source, whatever the number of
// imports; an export rewrites this machine's files and only these; an old lake (one file per import)
// upgrades machine by machine without a row in two files.
const WEB = samples('claude-code', 'projects', '-home-dev-acme-web');
const API = samples('claude-code', 'projects', '-home-dev-acme-api');

let dir: string;
let dbA: string; // two Claude Code imports (both October 2026) and the OpenAI samples: three imports
let dbB: string; // the OpenAI samples: the same responses as machine A's, exported from another machine

async function importInto(db: string, folders: string[], now: string): Promise<void> {
  const ledger = await Ledger.open(db);
  try {
    await importFiles(ledger, discoverFiles(folders), { modelIds: loadCatalog().modelIds, now: new Date(now) });
  } finally {
    ledger.close();
  }
}

async function exportAs(machine: string, db: string, lake: string): Promise<Awaited<ReturnType<typeof exportLake>>> {
  process.env.RECOUNT_MACHINE = machine;
  try {
    return await exportLake(db, lake, loadPriceBook());
  } finally {
    delete process.env.RECOUNT_MACHINE;
  }
}

/** A partitioned table's files, as month=…/source=…/<name>. */
const filesOf = (lake: string, table: string) =>
  fs.readdirSync(path.join(lake, table), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).sort();

/** Each file's identity on disk: a file an export did not touch keeps its inode and mtime. */
const stamps = (lake: string, table: string, files: string[]) =>
  files.map((f) => {
    const s = fs.statSync(path.join(lake, table, f));
    return `${f}:${s.ino}:${s.mtimeMs}`;
  });

/** Rows of some Parquet files by a fingerprint of their content, and how many. */
async function rowsOf(glob: string, where = 'true'): Promise<{ n: number; fp: string }> {
  const ledger = await Ledger.open(':memory:');
  try {
    const [r] = await ledger.all<{ n: number; fp: string }>(
      `SELECT count(*)::INTEGER AS n, CAST(sum(hash(record_key, import_id, cost_usd, started_at)) AS VARCHAR) AS fp
       FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true) WHERE ${where}`,
    );
    return r;
  } finally {
    ledger.close();
  }
}

async function ledgerRows(db: string): Promise<number> {
  return withSession({ db }, async ({ ledger }) => Number((await ledger.all<{ n: number }>('SELECT count(*) AS n FROM usage'))[0].n));
}

beforeAll(async () => {
  dir = tempDir('recount-lake-layout-');
  dbA = path.join(dir, 'a.duckdb');
  dbB = path.join(dir, 'b.duckdb');
  await importInto(dbA, [WEB], '2026-11-01T09:00:00Z');
  await importInto(dbA, [API], '2026-11-02T09:00:00Z');
  await importInto(dbA, [samples('openai')], '2026-11-03T09:00:00Z');
  await importInto(dbB, [samples('openai')], '2026-11-04T09:00:00Z');
}, 120_000);

describe('one file per machine, month and source', () => {
  it('writes a partition of two imports as one file named by the machine', async () => {
    const lake = path.join(tempDir('recount-lake-one-'), 'lake');
    await exportAs('machine_a', dbA, lake);
    for (const table of ['usage', 'invoice_lines', 'agent_events']) {
      const files = filesOf(lake, table);
      expect(files.length, table).toBeGreaterThan(0);
      for (const f of files) expect(f, table).toMatch(/^month=\d{4}-\d{2}\/source=[a-z0-9-]+\/machine_a\.parquet$/);
    }
    const cc = path.join(lake, 'usage', 'month=2026-10', 'source=claude-code', 'machine_a.parquet');
    const ledger = await Ledger.open(':memory:');
    try {
      const [{ imports }] = await ledger.all<{ imports: number }>(`SELECT count(DISTINCT import_id)::INTEGER AS imports FROM read_parquet('${cc}')`);
      expect(imports).toBe(2); // both Claude Code imports, in one file
    } finally {
      ledger.close();
    }
    expect((await rowsOf(`${lake}/usage/*/*/*.parquet`)).n).toBe(await ledgerRows(dbA));
  }, 60_000);

  it('rewrites the same files on a second export, and never touches another machine\'s', async () => {
    const lake = path.join(tempDir('recount-lake-again-'), 'lake');
    await exportAs('machine_a', dbA, lake);
    await exportAs('machine_b', dbB, lake);
    const mine = (t: string) => filesOf(lake, t).filter((f) => f.endsWith('/machine_a.parquet'));
    const theirs = (t: string) => filesOf(lake, t).filter((f) => f.endsWith('/machine_b.parquet'));
    const before = { files: filesOf(lake, 'usage'), content: await rowsOf(`${lake}/usage/*/*/machine_a.parquet`), b: stamps(lake, 'usage', theirs('usage')) };
    expect(before.b.length).toBeGreaterThan(0);
    const again = await exportAs('machine_a', dbA, lake);
    expect(again.removedFiles).toBe(0);
    expect(filesOf(lake, 'usage')).toEqual(before.files);
    expect(await rowsOf(`${lake}/usage/*/*/machine_a.parquet`)).toEqual(before.content);
    expect(stamps(lake, 'usage', theirs('usage'))).toEqual(before.b);
    // machine A forgets its Claude Code imports: those partitions lose A's file, B's stay as they were
    const onlyOpenai = path.join(dir, 'a-openai.duckdb');
    await importInto(onlyOpenai, [samples('openai')], '2026-11-03T09:00:00Z');
    const ccFiles = [...mine('usage'), ...mine('agent_events')].filter((f) => f.includes('source=claude-code'));
    expect(ccFiles.length).toBe(2);
    const forgot = await exportAs('machine_a', onlyOpenai, lake);
    expect(forgot.removedFiles).toBe(2);
    expect([...mine('usage'), ...mine('agent_events')].filter((f) => f.includes('source=claude-code'))).toEqual([]);
    expect(stamps(lake, 'usage', theirs('usage'))).toEqual(before.b);
    expect((await rowsOf(`${lake}/usage/*/*/*.parquet`, `machine = 'machine_a'`)).n).toBe(await ledgerRows(onlyOpenai));
  }, 60_000);

  it('writes a ledger of many months as one file a partition', async () => {
    // machine A's rows again in each of 48 earlier months: some 150 partitions of usage
    const many = path.join(dir, 'many.duckdb');
    fs.copyFileSync(dbA, many);
    const ledger = await Ledger.open(many);
    try {
      await ledger.run(`INSERT INTO usage SELECT u.* REPLACE (record_key || '~' || m AS record_key, started_at - to_months(CAST(m AS INTEGER)) AS started_at)
                        FROM usage u, range(1, 49) r(m)`);
    } finally {
      ledger.close();
    }
    const lake = path.join(tempDir('recount-lake-many-'), 'lake');
    await exportAs('machine_m', many, lake);
    const files = filesOf(lake, 'usage');
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !f.endsWith('/machine_m.parquet'))).toEqual([]);
    expect((await rowsOf(`${lake}/usage/*/*/*.parquet`)).n).toBe(await ledgerRows(many));
  }, 120_000);
});

/**
 * A lake as the per-import layout left it: each of these machines' new files split into one file per
 * import (<machine>-<import_id>.parquet), as an older recount wrote them, plus one of machine A's in a
 * partition its ledger no longer has.
 */
async function oldLayoutLake(): Promise<string> {
  const lake = path.join(tempDir('recount-lake-old-'), 'lake');
  await exportAs('machine_a', dbA, lake);
  await exportAs('machine_b', dbB, lake);
  const ledger = await Ledger.open(':memory:');
  try {
    for (const table of ['usage', 'invoice_lines', 'agent_events']) {
      for (const f of filesOf(lake, table)) {
        const file = path.join(lake, table, f);
        const machine = path.basename(f, '.parquet');
        const imports = await ledger.all<{ id: string }>(`SELECT DISTINCT import_id AS id FROM read_parquet('${file}')`);
        for (const { id } of imports) {
          await ledger.run(`COPY (SELECT * FROM read_parquet('${file}') WHERE import_id = '${id}') TO '${path.join(path.dirname(file), `${machine}-${id}.parquet`)}' (FORMAT parquet)`);
        }
        fs.rmSync(file);
      }
    }
  } finally {
    ledger.close();
  }
  const stale = path.join(lake, 'usage', 'month=2019-01', 'source=claude-code');
  fs.mkdirSync(stale, { recursive: true });
  const some = filesOf(lake, 'usage').find((f) => f.startsWith('month=2026-10/source=claude-code/machine_a-'))!;
  fs.copyFileSync(path.join(lake, 'usage', some), path.join(stale, 'machine_a-imp_20190101000000_abcdef.parquet'));
  return lake;
}

describe('a lake of the per-import layout', () => {
  it('upgrades machine by machine, never holding a row in two files', async () => {
    const lake = await oldLayoutLake();
    const oldA = filesOf(lake, 'usage').filter((f) => f.includes('/machine_a-'));
    expect(oldA.filter((f) => f.includes('source=claude-code/')).length).toBe(3); // two imports in October, one stale
    const oldAll = ['usage', 'invoice_lines', 'agent_events'].flatMap((t) => filesOf(lake, t).filter((f) => f.includes('/machine_a-')));
    const oldB = filesOf(lake, 'usage').filter((f) => f.includes('/machine_b-'));
    const bStamps = stamps(lake, 'usage', oldB);
    // the lake as both machines would leave it in the new layout
    const newLake = path.join(tempDir('recount-lake-new-'), 'lake');
    await exportAs('machine_a', dbA, newLake);
    await exportAs('machine_b', dbB, newLake);
    const totals = (spec: string) =>
      withSession({ db: spec }, ({ ledger }) => ledger.all('SELECT count(*)::INTEGER AS n, round(sum(cost_usd), 6) AS cost_usd FROM usage_priced'));
    const want = await totals(`lake:${newLake}`);
    expect(await totals(`lake:${lake}`)).toEqual(want);
    // mid-export: A's new files moved in, its per-import ones not yet removed; recount reads each row once
    const mid = path.join(tempDir('recount-lake-mid-'), 'lake');
    fs.cpSync(lake, mid, { recursive: true });
    fs.rmSync(path.join(mid, 'usage', 'month=2019-01'), { recursive: true });
    for (const f of filesOf(newLake, 'usage').filter((x) => x.endsWith('/machine_a.parquet'))) fs.copyFileSync(path.join(newLake, 'usage', f), path.join(mid, 'usage', f));
    expect((await rowsOf(`${mid}/usage/*/*/*.parquet`, `machine = 'machine_a'`)).n).toBe(2 * (await ledgerRows(dbA)));
    expect(await totals(`lake:${mid}`)).toEqual(want);
    const exported = await exportAs('machine_a', dbA, lake);
    expect(exported.removedFiles).toBe(oldAll.length);
    for (const table of ['usage', 'invoice_lines', 'agent_events']) {
      expect(filesOf(lake, table).filter((f) => f.includes('/machine_a-')), table).toEqual([]);
    }
    expect(stamps(lake, 'usage', oldB)).toEqual(bStamps); // B's old files stay until B exports
    // every row of A once in the files (what any engine reads), and B's as they were
    expect((await rowsOf(`${lake}/usage/*/*/*.parquet`, `machine = 'machine_a'`)).n).toBe(await ledgerRows(dbA));
    expect((await rowsOf(`${lake}/usage/*/*/*.parquet`, `machine = 'machine_b'`)).n).toBe(await ledgerRows(dbB));
    // and over the lake, the same responses as with both machines in the new layout
    expect(await totals(`lake:${lake}`)).toEqual(want);
    await exportAs('machine_b', dbB, lake);
    expect(filesOf(lake, 'usage').filter((f) => f.includes('/machine_b-'))).toEqual([]);
    expect(filesOf(lake, 'usage').filter((f) => !f.startsWith('month=2019-01'))).toEqual(filesOf(newLake, 'usage'));
    expect(await totals(`lake:${lake}`)).toEqual(want);
  }, 120_000);
});

describe('publishing staged files', () => {
  const touch = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, path.basename(file));
  };

  it('names a split partition <machine>-<i>, and removes only this machine\'s earlier files', () => {
    const root = tempDir('recount-lake-publish-');
    const lake = path.join(root, 'lake');
    const staging = path.join(lake, '.staging-1');
    const part = 'month=2026-10/source=claude-code';
    for (const f of ['part_0.parquet', 'part_1.parquet', 'part_10.parquet', 'part_2.parquet']) touch(path.join(staging, 'usage', part, f));
    for (const t of ['import_files', 'file_state', 'rejects']) touch(path.join(staging, `${t}.parquet`));
    // earlier files: this machine's (per-import layout, a longer split), and others' whose names start alike
    const earlier = ['alice-imp_20261001000000_aaaaaa.parquet', 'alice-11.parquet'];
    const others = ['alice.3fa9c1.parquet', 'alice.3fa9c1-imp_20261001000000_aaaaaa.parquet', 'alice_b.parquet', 'bob.parquet'];
    for (const f of [...earlier, ...others]) touch(path.join(lake, 'usage', part, f));
    touch(path.join(lake, 'usage', 'month=2026-09/source=codex/alice.parquet'));
    const removed = publishStaged(lake, staging, 'alice');
    expect(removed).toBe(3);
    expect(fs.readdirSync(path.join(lake, 'usage', part)).sort()).toEqual(
      ['alice-1.parquet', 'alice-2.parquet', 'alice-3.parquet', 'alice.parquet', ...others].sort(),
    );
    // in part-number order: part_10 is the fourth file, not the second
    expect(fs.readFileSync(path.join(lake, 'usage', part, 'alice-3.parquet'), 'utf8')).toBe('part_10.parquet');
    expect(fs.readdirSync(path.join(lake, 'usage', 'month=2026-09/source=codex'))).toEqual([]);
    expect(fs.readdirSync(path.join(lake, 'import_files'))).toEqual(['alice.parquet']);
  });
});
