import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { expectCountsBalance, usageTotals } from './util.js';

// Token counts that cannot overflow or poison a file (issue 14): every stager reads counts through
// token_count (queries/import/macros/token_count.sql). A count of 9e18, NaN, Infinity, 1e308, "nan" or
// a negative one rejects its own record with a reason naming the field and the value; the file's other
// records import, with the totals the file has without the damaged records.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Case {
  format: string;
  sample: string; // under samples/, copied to the same relative path (detection may read the path)
  field: string; // the count's path in a record (JSON) or its column (CSV)
  label: string; // how the reject reason names it
  records?: (doc: Json) => Json[][]; // a JSON document: the arrays that hold its records
  mapping?: string; // copied next to the file (a folder import picks it up)
}

const CASES: Case[] = [
  { format: 'claude-code', sample: 'claude-code/projects/-home-dev-acme-web/6661f48b-9a43-434a-af39-b2191812d92a.jsonl', field: 'message.usage.input_tokens', label: 'usage.input_tokens' },
  { format: 'codex', sample: 'codex/sessions/2026/10/14/rollout-2026-10-14T09-12-03-01a139ae-dca3-798e-9bcb-82034fba541e.jsonl', field: 'payload.info.total_token_usage.output_tokens', label: 'total_token_usage.output_tokens' },
  { format: 'openai-usage-csv', sample: 'openai/usage-dashboard.csv', field: 'input_tokens', label: 'input_tokens' },
  { format: 'anthropic-usage-csv', sample: 'anthropic/console-usage.csv', field: 'usage_output_tokens', label: 'usage_output_tokens' },
  { format: 'openai-usage-api', sample: 'openai/usage-api-completions.json', field: 'output_tokens', label: 'output_tokens', records: (d) => pages(d).map((b) => b.results as Json[]) },
  { format: 'anthropic-usage-api', sample: 'anthropic/usage-report.json', field: 'uncached_input_tokens', label: 'uncached_input_tokens', records: (d) => pages(d).map((b) => b.results as Json[]) },
  { format: 'helicone-csv', sample: 'helicone/requests.csv', field: 'prompt_tokens', label: 'prompt_tokens' },
  { format: 'helicone-jsonl', sample: 'helicone/requests.jsonl', field: 'completion_tokens', label: 'completion_tokens' },
  { format: 'helicone-json', sample: 'helicone/requests.json', field: 'prompt_tokens', label: 'prompt_tokens', records: (d) => [d as Json[]] },
  { format: 'portkey-jsonl', sample: 'portkey/logs-week-41.jsonl', field: 'req_units', label: 'req_units' },
  { format: 'langfuse-observations', sample: 'langfuse/observations-page-1.json', field: 'usageDetails.output', label: 'usageDetails.output', records: (d) => [(d as { data: Json[] }).data] },
  { format: 'litellm-csv', sample: 'litellm/spend-logs.csv', field: 'completion_tokens', label: 'completion_tokens' },
  { format: 'litellm-jsonl', sample: 'litellm/spend-logs.jsonl', field: 'prompt_tokens', label: 'prompt_tokens' },
  { format: 'litellm-json', sample: 'litellm/spend-logs.json', field: 'completion_tokens', label: 'completion_tokens', records: (d) => [d as Json[]] },
  { format: 'openrouter-generations', sample: 'openrouter/generations.jsonl', field: 'data.native_tokens_completion', label: 'native_tokens_completion' },
  { format: 'openrouter-activity-csv', sample: 'openrouter/activity.csv', field: 'tokens_prompt', label: 'tokens_prompt' },
  { format: 'gemini-responses', sample: 'gemini/vertex-responses.jsonl', field: 'usageMetadata.candidatesTokenCount', label: 'usageMetadata.candidatesTokenCount' },
  { format: 'bedrock-invocation-logs', sample: 'bedrock/invocation-logs-s3.jsonl', field: 'output.outputTokenCount', label: 'output.outputTokenCount' },
  { format: 'mapping', sample: 'mapping/acme-gateway.csv', field: 'completion_tokens', label: 'completion_tokens', mapping: 'mapping/acme-gateway.mapping.yaml' },
];

/** The bad counts, one per damaged record: as a JSON value, as CSV text, and as the number it reads as. */
const BAD: { json: Json; csv: string; reads: number }[] = [
  { json: 9e18, csv: '9e18', reads: 9e18 },
  { json: 'NaN', csv: 'NaN', reads: NaN },
  { json: 'Infinity', csv: 'Infinity', reads: Infinity },
  { json: 1e308, csv: '1e308', reads: 1e308 },
  { json: 'nan', csv: 'nan', reads: NaN },
  { json: -5, csv: '-5', reads: -5 },
];

const pages = (d: Json) => (d as { data: { results: Json[] }[] }).data;

function at(record: Json, field: string): { holder: Record<string, Json>; key: string } | undefined {
  const keys = field.split('.');
  let node = record;
  for (const k of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[k];
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const key = keys[keys.length - 1];
  return typeof node[key] === 'number' ? { holder: node, key } : undefined;
}

/** One CSV line's cells (quoted cells may hold commas and doubled quotes). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') (cur += '""'), i++;
    else if (ch === '"') (quoted = !quoted), (cur += ch);
    else if (ch === ',' && !quoted) out.push(cur), (cur = '');
    else cur += ch;
  }
  return [...out, cur];
}

/** The sample twice: with BAD written into the first six records that have the count, and without those records. */
function damage(c: Case): { damaged: string; removed: string } {
  const text = fs.readFileSync(samples(c.sample), 'utf8');
  if (c.sample.endsWith('.csv')) {
    const lines = text.split('\n');
    const col = cells(lines[0]).indexOf(c.field);
    const picked = lines.map((l, i) => i).filter((i) => i > 0 && /^-?\d/.test(cells(lines[i])[col] ?? '')).slice(0, BAD.length);
    const damaged = lines.map((l, i) => (picked.includes(i) ? cells(l).map((v, j) => (j === col ? BAD[picked.indexOf(i)].csv : v)).join(',') : l));
    return { damaged: damaged.join('\n'), removed: lines.filter((_, i) => !picked.includes(i)).join('\n') };
  }
  if (c.records) {
    const doc = JSON.parse(text) as Json;
    const gone = JSON.parse(text) as Json;
    const arrays = c.records(doc);
    const spots = arrays.flatMap((a, ai) => a.map((r, ri) => ({ ai, ri, at: at(r, c.field) }))).filter((s) => s.at).slice(0, BAD.length);
    spots.forEach((s, n) => (s.at!.holder[s.at!.key] = BAD[n].json));
    const goneArrays = c.records(gone);
    for (const s of [...spots].reverse()) goneArrays[s.ai].splice(s.ri, 1);
    return { damaged: JSON.stringify(doc, null, 2), removed: JSON.stringify(gone, null, 2) };
  }
  const lines = text.split('\n');
  const parsed = lines.map((l) => {
    try {
      return JSON.parse(l) as Json;
    } catch {
      return null;
    }
  });
  const picked = lines.map((_, i) => i).filter((i) => parsed[i] !== null && at(parsed[i], c.field)).slice(0, BAD.length);
  const damaged = lines.map((l, i) => {
    if (!picked.includes(i)) return l;
    const spot = at(parsed[i], c.field)!;
    spot.holder[spot.key] = BAD[picked.indexOf(i)].json;
    return JSON.stringify(parsed[i]);
  });
  return { damaged: damaged.join('\n'), removed: lines.filter((_, i) => !picked.includes(i)).join('\n') };
}

async function importCopy(c: Case, text: string) {
  const dir = tempDir();
  const file = path.join(dir, c.sample);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (c.mapping) fs.copyFileSync(samples(c.mapping), path.join(dir, c.mapping));
  const ledger = await newLedger();
  const report = await importPaths(ledger, [c.mapping ? path.dirname(file) : file]);
  return { ledger, report };
}

describe('a count past any plausible one rejects its record, never the file', () => {
  for (const c of CASES) {
    it(`${c.format}: 9e18, NaN, Infinity, 1e308, "nan" and -5 are six rejects naming ${c.label}; the rest imports exactly`, async () => {
      const { damaged, removed } = damage(c);
      const bad = await importCopy(c, damaged);
      const clean = await importCopy(c, removed);
      const reasons = await bad.ledger.all<{ reason: string }>('SELECT reason FROM rejects ORDER BY source_line');
      const named = reasons.map((r) => /^(.+)=(.+) is not a plausible token count$/.exec(r.reason)).filter((m) => m !== null);
      expect(named.map((m) => m[1])).toEqual(BAD.map(() => c.label));
      // each bad value named as written (NaN twice: "NaN" and "nan")
      expect(named.map((m) => Number(m[2].replace(/"/g, ''))).sort()).toEqual(BAD.map((b) => b.reads).sort());
      expect(bad.report.totals).toMatchObject({
        rows_read: clean.report.totals.rows_read + BAD.length,
        imported: clean.report.totals.imported,
        duplicates: clean.report.totals.duplicates,
        rejected: clean.report.totals.rejected + BAD.length,
      });
      expect(clean.report.totals.imported).toBeGreaterThan(0);
      expect(await usageTotals(bad.ledger)).toEqual(await usageTotals(clean.ledger));
      await expectCountsBalance(bad.ledger, bad.report);
      bad.ledger.close();
      clean.ledger.close();
    });
  }
});

describe('the one-pass import of a large OpenAI usage CSV', () => {
  it('leaves a file with such a count to the general path: the same rejects, rows and counts', async () => {
    const { damaged } = damage(CASES.find((c) => c.format === 'openai-usage-csv')!);
    const file = path.join(tempDir(), 'usage.csv');
    fs.writeFileSync(file, damaged);
    const via = async (directMinBytes: number) => {
      const ledger = await newLedger();
      const report = await importFiles(ledger, discoverFiles([file]), { modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z'), directMinBytes });
      const rows = {
        totals: report.totals,
        rejects: await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line'),
        usage: await usageTotals(ledger),
      };
      ledger.close();
      return rows;
    };
    const onePass = await via(0);
    expect(onePass.rejects).toHaveLength(BAD.length);
    expect(onePass).toEqual(await via(Number.POSITIVE_INFINITY));
  });
});

// ---- Codex: total_token_usage is the session's running total (codex-rs TokenUsageInfo adds each
// response's last_token_usage into it), so within one count it only grows ----------------------------

const rollout = (...lines: string[]) => `${lines.join('\n')}\n`;
const codexLine = (timestamp: string, type: string, payload: unknown) => JSON.stringify({ timestamp, type, payload });
const codexMeta = (ts: string) =>
  codexLine(ts, 'session_meta', { id: 'sess-replay', timestamp: ts, cwd: '/home/dev/widget', originator: 'codex_cli_rs', cli_version: '0.61.0', source: 'cli', model_provider: 'openai' });
const codexTurn = (ts: string) => codexLine(ts, 'turn_context', { cwd: '/home/dev/widget', model: 'gpt-5-codex', effort: 'medium' });
function codexTokens(ts: string, input: number, cached: number, output: number) {
  const total = { input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output };
  return codexLine(ts, 'event_msg', { type: 'token_count', info: { total_token_usage: total, last_token_usage: total, model_context_window: 272000 }, rate_limits: null });
}

async function importRollout(text: string) {
  const dir = tempDir();
  const file = path.join(dir, 'rollout-2026-10-22T10-00-00-01a1d0a0-0000-7000-8000-00000000beef.jsonl');
  fs.writeFileSync(file, text);
  const ledger = await newLedger();
  const report = await importPaths(ledger, [file]);
  await expectCountsBalance(ledger, report);
  const totals = await usageTotals(ledger);
  ledger.close();
  return { totals: report.totals, usage: totals };
}

describe('codex: a replayed block of token_count events adds nothing', () => {
  const a = codexTokens('2026-10-22T10:00:04.000Z', 1000, 0, 100);
  const b = codexTokens('2026-10-22T10:00:09.000Z', 2500, 900, 160);
  const c = codexTokens('2026-10-22T10:01:07.000Z', 4200, 2300, 460);
  const d = codexTokens('2026-10-22T10:02:00.000Z', 6000, 3000, 600);
  const head = [codexMeta('2026-10-22T10:00:00.000Z'), codexTurn('2026-10-22T10:00:01.000Z')];

  it('a block repeated mid-file (a file copied into itself) counts each response once', async () => {
    const once = await importRollout(rollout(...head, a, b, c, d));
    const replayed = await importRollout(rollout(...head, a, b, c, b, c, d));
    expect(once.usage).toEqual({ rows: 4, requests: 4, input: 3000, cache_read: 3000, cache_write_5m: 0, cache_write_1h: 0, output: 600 });
    expect(replayed.usage).toEqual(once.usage);
    expect(replayed.totals).toMatchObject({ rows_read: 6, imported: 4, duplicates: 2, rejected: 0 });
  });

  it('a whole rollout written twice into one file counts once', async () => {
    const once = await importRollout(rollout(...head, a, b, c));
    const twice = await importRollout(rollout(...head, a, b, c, ...head, a, b, c));
    expect(twice.usage).toEqual(once.usage);
    expect(twice.totals).toMatchObject({ rows_read: 6, imported: 3, duplicates: 3, rejected: 0 });
  });

  it('a total that starts again from zero (an older Codex resuming the session) still counts, replays of either count not', async () => {
    const x = codexTokens('2026-10-22T11:00:05.000Z', 800, 0, 90);
    const y = codexTokens('2026-10-22T11:00:14.000Z', 2000, 768, 150);
    const result = await importRollout(rollout(...head, a, b, c, b, c, codexTurn('2026-10-22T11:00:00.000Z'), x, y, x, y));
    // the first count's last total plus the second count's: 4200/2300/460 and 2000/768/150
    expect(result.usage).toEqual({ rows: 5, requests: 5, input: (4200 - 2300) + (2000 - 768), cache_read: 2300 + 768, cache_write_5m: 0, cache_write_1h: 0, output: 460 + 150 });
    expect(result.totals).toMatchObject({ rows_read: 9, imported: 5, duplicates: 4, rejected: 0 });
  });
});
