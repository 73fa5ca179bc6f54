import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { runCli, samples, tempDir, writeTemp } from '../helpers.js';
import { ccAssistant, ccUser } from './util.js';

// Secrets planted in every identifying field of several formats never reach the ledger (its tables
// and its file's bytes), an export or the report (queries/import/macros/mask_secrets.sql, hide_key.sql).

/** One secret of each common shape; distinct so a leak names its shape and field. */
const SHAPES: Record<string, string> = {
  openai: 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd',
  openaiProject: 'sk-proj-Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8',
  anthropic: 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa',
  openrouter: 'sk-or-v1-5f2e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e',
  bearer: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig9Xq',
  awsKey: 'AKIAQWERTYUIOPASDFGH',
  awsSession: 'ASIAZXCVBNMLKJHGFDSA',
  awsSecret: 'aws_secret_access_key=Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  google: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
  github: 'ghp_R4nd0mT0k3nV4lu3F0rT3st1ng0123456789',
  githubPat: 'github_pat_11AAAAAAA0123456789_abcdefghijklmnopqrstuvwxyz',
};
/** The part of each secret that must never be stored: all but a short prefix. */
const tails = Object.entries(SHAPES).map(([shape, s]) => ({ shape, tail: s.slice(-16) }));

function litellmLines(): string {
  const base = JSON.parse(fs.readFileSync(samples('litellm', 'spend-logs.jsonl'), 'utf8').split('\n')[0]) as Record<string, unknown>;
  const meta = base.metadata as Record<string, unknown>;
  return Object.entries(SHAPES)
    .map(([shape, s], k) =>
      JSON.stringify({
        ...base,
        request_id: `req-${shape}-${s}`,
        api_key: s,
        user: `user ${s}`,
        end_user: s,
        session_id: `sess ${s}`,
        request_tags: [`tag:${s}`],
        metadata: { ...meta, user_api_key_alias: s, user_api_key_team_alias: `team ${s}` },
        startTime: `2026-10-2${k % 8}T10:00:00.000`,
        endTime: `2026-10-2${k % 8}T10:00:01.000`,
      }),
    )
    .join('\n') + '\n';
}

function transcript(): string {
  const lines: string[] = [];
  Object.values(SHAPES).forEach((s, k) => {
    const ts = `2026-10-21T10:${String(k).padStart(2, '0')}:00Z`;
    lines.push(ccUser(`please use the key ${s} to deploy`, ts));
    lines.push(
      ccAssistant({
        msgId: `msg_${k}`,
        ts,
        cwd: /[/ =]/.test(s) ? '/home/dev/widget' : `/home/dev/${s}`, // a folder name can hold a key, not a path or spaces
        gitBranch: `fix/${s}`,
        sessionId: `sess-${k}`,
        content: [{ type: 'tool_use', id: `t${k}`, name: `mcp__${s}`, input: {} }],
        usage: { output: 10, write5m: 5000 },
      }),
    );
  });
  return lines.join('\n') + '\n';
}

function openaiCsv(): string {
  const header = fs.readFileSync(samples('openai', 'usage-dashboard.csv'), 'utf8').split('\n')[0];
  const rows = Object.values(SHAPES).map((s, k) => {
    const start = 1_790_812_800 + k * 86_400;
    return `${start},${start + 86_400},,,"proj ${s}",10.0,"${s}","${s}",gpt-4.1-mini-2025-04-14,FALSE,default,1000.0,10.0,0.0,0.0,0.0`;
  });
  return [header, ...rows, ''].join('\n');
}

function anthropicCostCsv(): string {
  const header = fs.readFileSync(samples('anthropic', 'console-cost.csv'), 'utf8').split('\n')[0];
  const rows = Object.values(SHAPES).map((s, k) => `2026-10-${String(k + 1).padStart(2, '0')},Claude Sonnet 4.5,"ws ${s}","${s}",message,≤ 200k,input_no_cache,1.5,1.5,token,global,,"${s}",active`);
  return [header, ...rows, ''].join('\n');
}

describe('secrets never reach the ledger, an export or the report', () => {
  const dir = tempDir('recount-secrets-');
  const db = path.join(dir, 'ledger.duckdb');
  const outputs: string[] = [];

  beforeAll(() => {
    const data = path.join(dir, 'data');
    writeTemp('gateway/spend.jsonl', litellmLines(), data);
    writeTemp('projects/p/s.jsonl', transcript(), data);
    writeTemp('openai/usage.csv', openaiCsv(), data);
    writeTemp('anthropic/cost.csv', anthropicCostCsv(), data);
    // a line that is rejected keeps its raw text, masked
    writeTemp('gateway/bad.jsonl', `{"request_id": "x", "api_key": "${SHAPES.openai}", "spend": "not json`, data);
    const imported = runCli(['import', data, '--db', db]);
    expect(imported.status, imported.stderr).toBe(0);
    for (const [format, ext] of [['csv', 'csv'], ['parquet', 'parquet'], ['arrow', 'arrow']]) {
      const out = path.join(dir, `export.${ext}`);
      const r = runCli(['export', '--format', format, '--out', out, '--db', db]);
      expect(r.status, r.stderr).toBe(0);
      outputs.push(out);
    }
    const report = path.join(dir, 'report.html');
    expect(runCli(['report', '--out', report, '--db', db]).status).toBe(0);
    outputs.push(report);
  });

  it('every text column of every ledger table is free of them', async () => {
    const ledger = await Ledger.open(db, { readOnly: true });
    const columns = await ledger.all<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON')",
    );
    expect(columns.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const { table_name, column_name } of columns) {
      for (const { shape, tail } of tails) {
        const [{ n }] = await ledger.all<{ n: number }>(`SELECT count(*) AS n FROM "${table_name}" WHERE contains(CAST("${column_name}" AS VARCHAR), $tail)`, { tail });
        if (n > 0) leaks.push(`${table_name}.${column_name}: ${shape}`);
      }
    }
    ledger.close();
    expect(leaks).toEqual([]);
  });

  it("the ledger file's bytes, the exports and the report hold none of them", () => {
    for (const file of [db, ...outputs]) {
      const bytes = fs.readFileSync(file).toString('latin1');
      const found = tails.filter(({ tail }) => bytes.includes(tail)).map((t) => t.shape);
      expect(found, path.basename(file)).toEqual([]);
    }
  });
});
