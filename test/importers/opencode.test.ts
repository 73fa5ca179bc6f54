import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { RecountError } from '../../src/errors.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { opencodeDatabases, opencodeMessageDirs } from '../../src/importers/opencode/index.js';
import { detectImporter } from '../../src/importers/registry.js';
import { expectCountsBalance, loadSqlJs, outcome, usageTotals, type SqlJs } from './util.js';

// OpenCode: opencode.db (SQLite: message, session, part tables, each row's data a JSON document) and
// the older storage/message/<session>/msg_*.json files. Databases are built here with sql.js itself.

let SQL: SqlJs;
type SqlDatabase = InstanceType<SqlJs['Database']>;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

const SCHEMA = `
CREATE TABLE \`session\` (\`id\` text PRIMARY KEY, \`project_id\` text NOT NULL, \`parent_id\` text, \`directory\` text NOT NULL, \`time_created\` integer NOT NULL);
CREATE TABLE \`message\` (\`id\` text PRIMARY KEY, \`session_id\` text NOT NULL, \`time_created\` integer NOT NULL, \`time_updated\` integer NOT NULL, \`data\` text NOT NULL);
CREATE TABLE \`part\` (\`id\` text PRIMARY KEY, \`message_id\` text NOT NULL, \`session_id\` text NOT NULL, \`data\` text NOT NULL);`;

type Row = { id: string; session: string; data: Record<string, unknown> | string };
const T = Date.parse('2026-06-01T08:00:00Z');
const assistant = (n: number, tokens: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  role: 'assistant', time: { created: T + n * 1000 }, modelID: 'claude-sonnet-4-5', providerID: 'anthropic', cost: 0.01, tokens, ...extra,
});
const tokens = (input: number, output: number, read = 0, write = 0, reasoning = 0) => ({ input, output, reasoning, cache: { read, write } });

/** An OpenCode-shaped database with these messages (in rowid order), all in session ses_1 unless said. */
function buildDb(rows: Row[], sessions: { id: string; parent?: string }[] = [{ id: 'ses_1' }]): SqlDatabase {
  const db = new SQL.Database();
  db.exec(SCHEMA);
  for (const s of sessions) db.run('INSERT INTO session VALUES (?,?,?,?,?)', [s.id, 'prj', s.parent ?? null, '/home/dev/shop', T]);
  for (const r of rows) db.run('INSERT INTO message VALUES (?,?,?,?,?)', [r.id, r.session, T, T, typeof r.data === 'string' ? r.data : JSON.stringify(r.data)]);
  return db;
}
const writeDb = (db: SqlDatabase, file: string) => fs.writeFileSync(file, Buffer.from(db.export()));

/** SQLite's WAL checksum (big-endian words), continuing from `seed`. */
function walSum(buf: Buffer, at: number, n: number, seed: [number, number]): [number, number] {
  let [s0, s1] = seed;
  for (let i = at; i < at + n; i += 8) {
    s0 = (s0 + buf.readUInt32BE(i) + s1) >>> 0;
    s1 = (s1 + buf.readUInt32BE(i + 4) + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * A write-ahead log turning database states[0] into each next state in turn: per step a frame per
 * changed page, its last frame committing (so a longer list only appends frame sets to a shorter one's).
 */
function walOf(states: Buffer[], pageSize = 4096): Buffer {
  const steps = states.slice(1).map((to, i) => {
    const pages = [];
    for (let p = 0; p * pageSize < to.length; p++) {
      const page = to.subarray(p * pageSize, (p + 1) * pageSize);
      if (!page.equals(states[i].subarray(p * pageSize, (p + 1) * pageSize))) pages.push({ n: p + 1, page, last: false });
    }
    pages[pages.length - 1].last = true;
    return pages.map((page) => ({ ...page, dbPages: to.length / pageSize }));
  });
  const header = Buffer.alloc(32);
  header.writeUInt32BE(0x377f0683, 0);
  header.writeUInt32BE(3007000, 4);
  header.writeUInt32BE(pageSize, 8);
  header.writeUInt32BE(0xa1b2c3d4, 16);
  header.writeUInt32BE(0x01020304, 20);
  let sum = walSum(header, 0, 24, [0, 0]);
  header.writeUInt32BE(sum[0], 24);
  header.writeUInt32BE(sum[1], 28);
  const frames = steps.flat().map(({ n, page, last, dbPages }) => {
    const frame = Buffer.alloc(24 + pageSize);
    frame.writeUInt32BE(n, 0);
    frame.writeUInt32BE(last ? dbPages : 0, 4);
    header.copy(frame, 8, 16, 24); // the salts
    page.copy(frame, 24);
    sum = walSum(frame, 24, pageSize, walSum(frame, 0, 8, sum));
    frame.writeUInt32BE(sum[0], 16);
    frame.writeUInt32BE(sum[1], 20);
    return frame;
  });
  return Buffer.concat([header, ...frames]);
}

describe('OpenCode sessions', () => {
  it('is detected by content: the database by its tables, a message file by its ids; nothing else of the store', () => {
    expect(detectImporter(samples('opencode', 'opencode.db'))?.id).toBe('opencode-db');
    expect(detectImporter(samples('opencode', 'storage', 'message', 'ses_3f9e7b1c2d4aLg', 'msg_9a1c3e5f7002.json'))?.id).toBe('opencode');
    const part = writeTemp('prt_1.json', JSON.stringify({ id: 'prt_1', sessionID: 'ses_1', messageID: 'msg_1', type: 'tool', tool: 'read' }, null, 2));
    expect(detectImporter(part)).toBeUndefined();
    const other = new SQL.Database();
    other.exec('CREATE TABLE notes (id text, body text)');
    const file = path.join(tempDir(), 'other.db');
    writeDb(other, file);
    expect(detectImporter(file)).toBeUndefined();
  });

  it('imports the sample with exact buckets: input already uncached, Gemini’s reasoning added to output, subagents as sidechains', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('opencode', 'opencode.db'), samples('opencode', 'storage')]);
    await expectCountsBalance(ledger, report);
    expect(report.warnings).toEqual([]);
    // db: 12 + 9 + 5200 in, 0 + 14210 read, 14210 + 860 written, 380 + 120 + (310 + 240) out; legacy: 800 in, 2048 read, 900 out
    expect(await usageTotals(ledger)).toEqual({ rows: 4, requests: 4, input: 6021, cache_read: 16258, cache_write_5m: 15070, cache_write_1h: 0, output: 1950 });
    expect(outcome(report, samples('opencode', 'opencode.db'))).toMatchObject({ format: 'opencode-db', rows_read: 3, imported: 3, rejected: 0, skipped: 3 });
    const rows = await ledger.all('SELECT record_key, source_line::INTEGER AS line, provider, session_id, agent_id, is_sidechain, project, tools, reasoning_tokens::INTEGER AS reasoning FROM usage ORDER BY started_at');
    expect(rows).toEqual([
      { record_key: 'msg_9a1c3e5f7002', line: 1, provider: 'openai', session_id: 'ses_3f9e7b1c2d4aLg', agent_id: null, is_sidechain: false, project: 'notes', tools: null, reasoning: 600 },
      { record_key: 'msg_b4e0f3d1a002', line: 2, provider: 'anthropic', session_id: 'ses_4b1f0c2e9d7aQx', agent_id: null, is_sidechain: false, project: 'acme-api', tools: ['grep', 'read', 'task'], reasoning: 0 },
      { record_key: 'msg_b4e0f3d1a003', line: 3, provider: 'anthropic', session_id: 'ses_4b1f0c2e9d7aQx', agent_id: null, is_sidechain: false, project: 'acme-api', tools: ['edit'], reasoning: 0 },
      { record_key: 'msg_b4e0f5e2b002', line: 5, provider: 'google', session_id: 'ses_4b1f0c2e9d7aQx', agent_id: 'ses_4b1f0a77c3e2Rk', is_sidechain: true, project: 'acme-api', tools: null, reasoning: 240 },
    ]);
    const again = await importPaths(ledger, [samples('opencode', 'opencode.db'), samples('opencode', 'storage')], undefined);
    expect(again.totals).toMatchObject({ imported: 0 });
  });

  it('counts a message once when OpenCode has migrated its legacy file into the database', async () => {
    const dir = tempDir();
    const message = { id: 'msg_m1', sessionID: 'ses_1', ...assistant(1, tokens(100, 20, 50)) };
    writeTemp(path.join('storage', 'message', 'ses_1', 'msg_m1.json'), JSON.stringify(message, null, 2), dir);
    writeDb(buildDb([{ id: 'msg_m1', session: 'ses_1', data: assistant(1, tokens(100, 20, 50)) }, { id: 'msg_m2', session: 'ses_1', data: assistant(2, tokens(7, 3)) }]), path.join(dir, 'opencode.db'));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [path.join(dir, 'opencode.db'), path.join(dir, 'storage')]);
    await expectCountsBalance(ledger, report);
    expect(report.totals).toMatchObject({ imported: 2, duplicates: 1 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 107, cache_read: 50, output: 23 });
  });

  it('takes a legacy message’s tools from its part files, as the database path does from the part table', async () => {
    const dir = tempDir();
    const write = (rel: string, data: unknown) => writeTemp(path.join('storage', ...rel.split('/')), typeof data === 'string' ? data : JSON.stringify(data, null, 2), dir);
    write('message/ses_1/msg_t1.json', { id: 'msg_t1', sessionID: 'ses_1', ...assistant(1, tokens(100, 20)) });
    write('message/ses_1/msg_t2.json', { id: 'msg_t2', sessionID: 'ses_1', ...assistant(2, tokens(50, 10)) });
    const part = (id: string, msg: string, extra: Record<string, unknown>) => ({ id, messageID: msg, sessionID: 'ses_1', ...extra });
    write('part/msg_t1/prt_a1.json', part('prt_a1', 'msg_t1', { type: 'text', text: 'Looking at the config.' }));
    write('part/msg_t1/prt_a2.json', part('prt_a2', 'msg_t1', { type: 'tool', callID: 'c1', tool: 'read', state: { status: 'completed' } }));
    write('part/msg_t1/prt_a3.json', part('prt_a3', 'msg_t1', { type: 'tool', callID: 'c2', tool: 'grep', state: { status: 'completed' } }));
    write('part/msg_t1/prt_a4.json', part('prt_a4', 'msg_t1', { type: 'tool', callID: 'c3', tool: 'read', state: { status: 'completed' } }));
    write('part/msg_t1/prt_a5.json', '{"id": "prt_a5", "type": "tool", "tool": "ed'); // torn: left out, the message still counts
    write('part/msg_t2/prt_b1.json', part('prt_b1', 'msg_t2', { type: 'step-finish', tokens: tokens(50, 10) }));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [path.join(dir, 'storage', 'message')]);
    await expectCountsBalance(ledger, report);
    expect(report.warnings).toEqual([]);
    expect(await ledger.all('SELECT record_key, tools FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'msg_t1', tools: ['grep', 'read'] },
      { record_key: 'msg_t2', tools: null }, // parts, but no tool part
    ]);
  });

  it('reads the rows a write-ahead log holds up to its last commit, not a torn frame after it', async () => {
    const dir = tempDir();
    const one = [{ id: 'msg_a', session: 'ses_1', data: assistant(1, tokens(10, 1)) }];
    const before = Buffer.from(buildDb(one).export());
    const after = Buffer.from(buildDb([...one, { id: 'msg_b', session: 'ses_1', data: assistant(2, tokens(20, 2)) }]).export());
    const file = path.join(dir, 'opencode.db');
    before[18] = before[19] = 2; // a WAL-mode database, as OpenCode keeps it
    fs.writeFileSync(file, before);
    const torn = Buffer.alloc(24 + 4096, 7);
    fs.writeFileSync(`${file}-wal`, Buffer.concat([walOf([before, after]), torn]));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file]);
    await expectCountsBalance(ledger, report);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 30, output: 3 });
    expect(fs.readFileSync(file).equals(before)).toBe(true); // read, never written
  });

  it('reads a database again when its write-ahead log is new or grew, and skips it when neither changed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'opencode.db');
    const rows = [1, 2, 3].map((n) => ({ id: `msg_${n}`, session: 'ses_1', data: assistant(n, tokens(n * 10, n)) }));
    const states = [1, 2, 3].map((n) => Buffer.from(buildDb(rows.slice(0, n)).export()));
    for (const s of states) s[18] = s[19] = 2; // WAL mode, as OpenCode keeps it
    fs.writeFileSync(file, states[0]); // the database file itself never changes below: no checkpoint
    const ledger = await newLedger();
    const importAgain = () => importFiles(ledger, discoverFiles([file]), { modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z'), incremental: true });
    expect((await importAgain()).totals).toMatchObject({ imported: 1 });
    fs.writeFileSync(`${file}-wal`, walOf(states.slice(0, 2))); // a log where there was none
    const second = await importAgain();
    expect(outcome(second, file)).toMatchObject({ rows_read: 2, imported: 1, duplicates: 1 });
    const grown = walOf(states);
    expect(grown.subarray(0, fs.statSync(`${file}-wal`).size).equals(fs.readFileSync(`${file}-wal`))).toBe(true);
    fs.appendFileSync(`${file}-wal`, grown.subarray(fs.statSync(`${file}-wal`).size)); // one more committed frame set
    const third = await importAgain();
    await expectCountsBalance(ledger, third);
    expect(outcome(third, file)).toMatchObject({ rows_read: 3, imported: 1, duplicates: 2 });
    expect(await usageTotals(ledger)).toMatchObject({ rows: 3, input: 60, output: 6 });
    const fourth = await importAgain();
    expect(fourth).toMatchObject({ files: [], unchanged: 1 });
    expect(fs.readFileSync(file).equals(states[0])).toBe(true);
  });

  it('rejects a message whose data, time, counts or cost do not read, at its rowid; a cut-off message file is one reject', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'opencode.db');
    writeDb(buildDb([
      { id: 'msg_1', session: 'ses_1', data: '{"role":"assistant","tokens":{"input":3' },
      { id: 'msg_2', session: 'ses_1', data: assistant(2, tokens(-1, 5)) },
      { id: 'msg_3', session: 'ses_1', data: { ...assistant(3, tokens(5, 5)), time: {} } }, // dated by its row's time_created
      { id: 'msg_4', session: 'ses_1', data: assistant(4, tokens(5, 5), { cost: 'n/a' }) },
      { id: 'msg_5', session: 'ses_1', data: assistant(5, { input: 5 }) },
      { id: 'msg_6', session: 'ses_1', data: { role: 'user', time: { created: T } } },
      { id: 'msg_7', session: 'ses_1', data: assistant(7, tokens(40, 4, 400, 4)) },
    ]), file);
    const cut = writeTemp(path.join('ses_1', 'msg_9.json'), JSON.stringify({ id: 'msg_9', sessionID: 'ses_1', ...assistant(9, tokens(1, 1)) }, null, 2).slice(0, 140), dir);
    const undated = writeTemp(path.join('ses_1', 'msg_8.json'), JSON.stringify({ id: 'msg_8', sessionID: 'ses_1', ...assistant(8, tokens(1, 1)), time: {} }, null, 2), dir);
    const ledger = await newLedger();
    const report = await importPaths(ledger, [file, cut, undated]);
    await expectCountsBalance(ledger, report);
    expect(outcome(report, file)).toMatchObject({ imported: 2, rejected: 4, skipped: 1 });
    expect(await ledger.all('SELECT source_file, source_line::INTEGER AS line, reason FROM rejects ORDER BY source_file, source_line')).toEqual([
      { source_file: file, line: 1, reason: 'not valid JSON (a truncated or corrupted message)' },
      { source_file: file, line: 2, reason: 'tokens.input=-1 is not a plausible token count' },
      { source_file: file, line: 4, reason: 'cost is not a number (n/a)' },
      { source_file: file, line: 5, reason: 'tokens: a count is missing or not a number' },
      { source_file: undated, line: 1, reason: 'time.created is missing or not epoch milliseconds (none)' },
      { source_file: cut, line: 1, reason: 'not valid JSON (a truncated or corrupted message)' },
    ]);
    expect(await usageTotals(ledger)).toMatchObject({ rows: 2, input: 45, cache_read: 400, cache_write_5m: 4, output: 9 });
  });

  it('names a file forced as a database that is not one, without a stack trace', async () => {
    const file = writeTemp('opencode.db', 'not a database at all\n');
    const ledger = await newLedger();
    const err = await importPaths(ledger, [file], 'opencode-db').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecountError);
    expect((err as RecountError).message).toContain(`${file}: not a SQLite database`);
  });

  it('finds every opencode*.db and the legacy folder under $XDG_DATA_HOME or ~/.local/share, and Kilo Code 7’s kilo.db', async () => {
    const home = tempDir();
    const data = path.join(home, '.local', 'share');
    fs.mkdirSync(path.join(data, 'opencode', 'storage', 'message'), { recursive: true });
    for (const f of ['opencode.db', 'opencode-beta.db', 'auth.json']) fs.writeFileSync(path.join(data, 'opencode', f), '');
    fs.mkdirSync(path.join(data, 'kilo'), { recursive: true });
    writeDb(buildDb([{ id: 'msg_k', session: 'ses_1', data: assistant(1, tokens(11, 2)) }]), path.join(data, 'kilo', 'kilo.db'));
    expect(opencodeDatabases({ HOME: home })).toEqual([
      path.join(data, 'opencode', 'opencode-beta.db'),
      path.join(data, 'opencode', 'opencode.db'),
      path.join(data, 'kilo', 'kilo.db'),
    ]);
    expect(opencodeMessageDirs({ HOME: home })).toEqual([path.join(data, 'opencode', 'storage', 'message')]);
    expect(opencodeDatabases({ HOME: home, XDG_DATA_HOME: tempDir() })).toEqual([]);
    const ledger = await newLedger();
    await importPaths(ledger, [path.join(data, 'kilo', 'kilo.db')]);
    expect(await ledger.all('SELECT source, input_tokens::INTEGER AS input FROM usage')).toEqual([{ source: 'kilo-code', input: 11 }]);
  });
});
