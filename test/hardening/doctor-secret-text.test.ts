import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Run, runCli, samples, tempDir, withDb } from '../helpers.js';

// Issue 14: a ledger written before an import masked names and free text keeps a key wherever it was
// planted: a LiteLLM key alias, a project, tags and tool names, an agent's tool name, an invoice's
// workspace, a rejected line and a stored prompt. `recount doctor` counts them per table; `--fix`
// masks them as a new import would (keys hidden by hash), rewrites the file, and a re-import adds nothing.

const SHAPES = {
  anthropic: 'sk-ant-api03-Qw8Er4Ty6Ui2Op0As9Df7Gh5Jk3Lz1Xc8Vb6Nm4Qw2Er0Ty8Ui6Op4As2Df0Gh8Jk6Lz4-AbCdEfAA',
  bearer: 'Bearer eyJhbGciOiJIUzI1NiJ9.Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5.c2lnbmF0dXJlMTIzNDU2Nzg5MA',
  aws: 'AKIAZ7QW4ER8TY2UI6OP',
  github: 'ghp_R7t2Y9u4I1o6P3a8S5d0F2g7H4j9K1l6Z3x8',
  google: 'AIzaSyD4k9Lm2Qw7Er5Ty1Ui8Op3As6Df0Gh4Jk',
};
/** The parts of each key that no byte of the ledger may hold once fixed: all but a mask's short prefix. */
const TAILS = Object.values(SHAPES).map((k) => k.slice(-12));
const leaks = (text: string) => TAILS.filter((t) => text.includes(t));


/** What an older recount would have stored: each shape raw in a column a new import masks. */
const PLANT = [
  ["UPDATE usage SET api_key = $bearer WHERE source = 'litellm-spendlogs-csv'", 'usage'],
  ["UPDATE usage SET project = 'team ' || $aws, tags = json_object('key', $github) WHERE source = 'claude-code' AND source_line < 20", 'usage'],
  ["UPDATE usage SET tools = list_append(coalesce(tools, []), 'mcp__' || $google) WHERE source = 'claude-code' AND tools IS NOT NULL", 'usage'],
  ["UPDATE invoice_lines SET workspace = $anthropic", 'invoice_lines'],
  ["UPDATE agent_events SET tool_name = 'mcp__' || $github WHERE event = 'tool_call'", 'agent_events'],
  ["UPDATE rejects SET raw = raw || ' Authorization: ' || $bearer", 'rejects'],
  ['UPDATE prompts SET prompt_text = prompt_text || $anthropic', 'prompts'],
] as const;

const STORED = {
  usage: 'SELECT source, record_key, source_line, input_tokens, output_tokens, api_key FROM usage ORDER BY ALL',
  invoice_lines: 'SELECT source, record_key, amount_usd FROM invoice_lines ORDER BY ALL',
  agent_events: 'SELECT record_key, event, call_id FROM agent_events ORDER BY ALL',
  rejects: 'SELECT source_file, source_line, reason FROM rejects ORDER BY ALL',
  prompts: 'SELECT prompt_hash FROM prompts ORDER BY ALL',
};
const readStored = (db: string) => withDb(db, async (run) => Promise.all(Object.values(STORED).map((q) => run(q))));

describe('recount doctor on names and text an older recount stored raw', () => {
  it('counts them per table, masks them with --fix as a new import would, and leaves no byte of a key in the file', async () => {
    const root = tempDir('recount-doctor-text-');
    const db = path.join(root, 'ledger.duckdb');
    const data = path.join(root, 'data');
    fs.cpSync(samples('claude-code'), path.join(data, 'claude-code'), { recursive: true });
    fs.copyFileSync(samples('litellm', 'spend-logs.csv'), path.join(data, 'spend-logs.csv'));
    fs.copyFileSync(samples('anthropic', 'console-cost.csv'), path.join(data, 'console-cost.csv'));
    const bad = '2026-10-20,claude-sonnet-4-5-20250929,prod-backend,Production,standard,≤ 200k,lots,0,0,0,10,0,global,\n';
    fs.writeFileSync(path.join(data, 'console-usage.csv'), fs.readFileSync(samples('anthropic', 'console-usage.csv'), 'utf8') + bad);
    const run = (...args: string[]) => runCli([...args, '--db', db]);
    expect(run('import', data).status).toBe(0);
    expect(JSON.parse(run('doctor', '--json').stdout).secret_text).toEqual({});
    const [usage, ...rest] = await readStored(db);

    await withDb(db, async (q) => {
      for (const [statement] of PLANT) await q(statement, Object.fromEntries(Object.entries(SHAPES).filter(([k]) => statement.includes(`$${k}`))));
    });
    expect(leaks(fs.readFileSync(db).toString('latin1')).length).toBeGreaterThan(0);
    const listed = run('doctor', '--json');
    const found = JSON.parse(listed.stdout).secret_text as Record<string, number>;
    expect(Object.keys(found).sort()).toEqual([...new Set(PLANT.map(([, t]) => t))].sort());
    expect(Object.values(found).every((n) => n > 0)).toBe(true);
    expect(run('doctor').stdout).toContain('run recount doctor --fix to store them masked');
    expect(leaks(listed.stdout)).toEqual([]);

    fs.chmodSync(db, 0o600);
    const fixed = run('doctor', '--fix', '--json');
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ fixed: true, rewritten_file: true });
    expect(leaks(fs.readFileSync(db).toString('latin1'))).toEqual([]);
    expect(JSON.parse(run('doctor', '--json').stdout).secret_text).toEqual({});

    // the rows are the same rows; the planted api key is hidden by the hash a new import gives it
    const [usageAfter, ...restAfter] = await readStored(db);
    expect(restAfter).toEqual(rest);
    const hidden = await withDb(db, (q) => q("SELECT 'secret-…' || left(sha256($k), 12) AS h", { k: SHAPES.bearer }));
    expect(usageAfter).toEqual(usage.map((u) => (u.source === 'litellm-spendlogs-csv' ? { ...u, api_key: hidden[0].h } : u)));
    const masked = await withDb(db, (q) => q("SELECT DISTINCT project, tags::VARCHAR AS tags FROM usage WHERE project LIKE 'team %'"));
    expect(masked).toEqual([{ project: 'team AKIAZ7QW…masked', tags: '{"key":"ghp_…masked"}' }]);

    // a re-import of the same files finds them unchanged and adds nothing
    expect(JSON.parse(run('import', data, '--full', '--json').stdout)).toMatchObject({ totals: { imported: 0 } });
  }, 240_000);
});
