import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { bindParams, listQueries } from '../../src/db/named-query.js';
import { withSession } from '../../src/session.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { exportLake } from '../../src/lake/export.js';
import { importPaths, tempDir, writeTemp } from '../helpers.js';

// Agent turn signals in the lake without their text: one Claude Code session whose first turn fails a
// command with a planted error line, then is re-asked in almost the same words (a re-ask only the prompts'
// texts can tell: the lake carries it as ask_key), and whose second turn passes.
const ERROR_LINE = 'PLANTED-ERR-q7Zx9 checkout exploded at step 3';
const PROMPT = 'PLANTED-ASK make the checkout flow pass again';
const SESSION = 'sess-lake-planted-0042'; // an id: it is exported, which shows the byte search sees strings

const at = (s: number) => new Date(Date.UTC(2026, 9, 20, 9, 0, s)).toISOString();
const cc = (o: Record<string, unknown>) => JSON.stringify({ sessionId: SESSION, cwd: '/home/dev/shop', isSidechain: false, version: '2.0.14', ...o });
const usage = { input_tokens: 300, output_tokens: 40, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
const prompt = (n: number, s: number, text: string) => cc({ type: 'user', uuid: `p${n}`, timestamp: at(s), message: { role: 'user', content: text } });
const bash = (n: number, s: number, id: string, command: string) =>
  cc({ type: 'assistant', uuid: `a${n}`, timestamp: at(s), requestId: `req_${n}`,
       message: { id: `msg_${n}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }], usage } });
const result = (n: number, s: number, id: string, content: string, isError: boolean) =>
  cc({ type: 'user', uuid: `u${n}`, timestamp: at(s), message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, is_error: isError }] } });

const LINES = [
  prompt(1, 0, PROMPT),
  bash(1, 5, 'toolu_1', 'cat config/checkout.yml'),
  result(1, 9, 'toolu_1', `${ERROR_LINE}\nno such file`, true),
  prompt(2, 20, `${PROMPT}!`), // almost the same words: the first turn (else unknown: a failure, no test) failed
  bash(2, 25, 'toolu_2', 'npx vitest run test/checkout.test.ts'),
  result(2, 29, 'toolu_2', ' Test Files  1 passed (1)', false),
];

let db: string;
let lake: string;

const outcomes = (spec: string) =>
  withSession({ db: spec }, async ({ ledger }) => {
    const q = listQueries().find((x) => x.name === 'outcomes_by_session')!;
    return ledger.all(q.sql, bindParams(q, {}, { since: '2026-10-01', until: '2026-10-31', tz: 'UTC' }));
  });

/** Every byte of the lake's Parquet files (footers hold column statistics too). */
function lakeBytes(table: string): Buffer {
  const files = fs.readdirSync(path.join(lake, table), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
  expect(files.length).toBeGreaterThan(0);
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(lake, table, f))));
}

beforeAll(async () => {
  const dir = tempDir('recount-lake-events-');
  db = path.join(dir, 'ledger.duckdb');
  lake = path.join(dir, 'lake');
  const ledger = await Ledger.open(db);
  try {
    await importPaths(ledger, [writeTemp(`projects/-home-dev-shop/${SESSION}.jsonl`, LINES.join('\n') + '\n', dir)]);
  } finally {
    ledger.close();
  }
  process.env.RECOUNT_MACHINE = 'solo';
  try {
    await exportLake(db, lake, loadPriceBook());
  } finally {
    delete process.env.RECOUNT_MACHINE;
  }
});

describe('agent events in the lake', () => {
  it('leave their free text on the machine: no error line, no prompt, no prompt md5', async () => {
    const [kept] = await withSession({ db }, ({ ledger }) =>
      ledger.all<{ lines: number; hashes: number }>(
        `SELECT count(*) FILTER (WHERE error_first_line = '${ERROR_LINE}')::INT AS lines, count(error_hash)::INT AS hashes FROM agent_events`,
      ),
    );
    expect(kept).toEqual({ lines: 1, hashes: 1 }); // the ledger holds the planted line: there was something to leak
    const events = lakeBytes('agent_events');
    expect(events.includes(SESSION)).toBe(true); // the search sees the files' strings
    for (const table of ['agent_events', 'usage']) {
      const bytes = lakeBytes(table);
      expect(bytes.includes('PLANTED-ERR'), table).toBe(false);
      expect(bytes.includes('PLANTED-ASK'), table).toBe(false);
    }
    const cols = await withSession({ db }, ({ ledger }) =>
      ledger.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${lake}/agent_events/*/*/*.parquet'))`),
    );
    const names = cols.map((c) => c.column_name);
    for (const local of ['error_first_line', 'prompt_hash', 'tool_name']) expect(names).not.toContain(local);
    expect(names).toEqual(expect.arrayContaining(['record_key', 'event', 'ask_key', 'command_hash', 'error_hash', 'exit_code', 'is_error', 'program']));
  });

  it('gives the turns and outcomes the ledger gives, the re-ask included', async () => {
    const overFile = await outcomes(db);
    expect(overFile).toEqual([expect.objectContaining({ session_id: SESSION, turns: 2, succeeded_turns: 1, failed_turns: 1, unknown_turns: 0 })]);
    expect(await outcomes(`lake:${lake}`)).toEqual(overFile);
  });

  it('counts an event exported from two machines once (a synced transcript folder)', async () => {
    const twice = path.join(tempDir('recount-lake-twice-'), 'lake');
    for (const machine of ['solo', 'twin']) {
      process.env.RECOUNT_MACHINE = machine;
      try {
        await exportLake(db, twice, loadPriceBook());
      } finally {
        delete process.env.RECOUNT_MACHINE;
      }
    }
    const count = (spec: string, from: string) => withSession({ db: spec }, ({ ledger }) => ledger.all<{ n: number }>(`SELECT count(*)::INT AS n FROM ${from}`));
    const [[{ n: inLedger }], [{ n: copies }], [{ n: overLake }]] = [
      await count(db, 'agent_events'),
      await count(db, `read_parquet('${twice}/agent_events/*/*/*.parquet')`),
      await count(`lake:${twice}`, 'agent_events'),
    ];
    expect(inLedger).toBe(6);
    expect([copies, overLake]).toEqual([12, 6]);
    expect(await outcomes(`lake:${twice}`)).toEqual(await outcomes(db));
  });

  it('keeps prompts that re-ask under one ask_key, and a new question under its own', async () => {
    const rows = await withSession({ db }, ({ ledger }) =>
      ledger.all<{ record_key: string; ask_key: string }>(
        `SELECT record_key, ask_key FROM read_parquet('${lake}/agent_events/*/*/*.parquet') WHERE event = 'prompt' ORDER BY occurred_at`,
      ),
    );
    expect(rows).toEqual([{ record_key: 'prompt:p1', ask_key: 'prompt:p1' }, { record_key: 'prompt:p2', ask_key: 'prompt:p1' }]);
  });
});
