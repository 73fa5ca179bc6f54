import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { discoverFiles } from '../../src/import/discover.js';
import { openaiUsageCsv } from '../../src/importers/openai-usage-csv/index.js';
import type { Importer } from '../../src/importers/format.js';
import { importFiles, type ImportReport } from '../../src/import/import-run.js';
import type { Ledger } from '../../src/db/ledger.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { ccAssistant, ccUser, expectCountsBalance, jsonl, toolResult, toolUse } from './util.js';

// The one-pass import (src/import/direct-import.ts) takes large exports only, and any first import
// of Claude Code transcripts; these tests set the threshold to 0 (or out of reach, for the general
// path) and compare every ledger row and count with the general path's on the same files.

const HEADER =
  'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_audio_tokens,output_audio_tokens';

/** Every usage column but import_id, row by row; source_line only where asked. */
async function ledgerRows(ledger: Ledger, withLine: boolean) {
  const cols = await ledger.all<{ name: string }>(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'usage' AND column_name NOT IN ('import_id', 'source_line') ORDER BY ordinal_position",
  );
  const list = [...cols.map((c) => c.name), ...(withLine ? ['source_line'] : [])].join(', ');
  return ledger.all(`SELECT ${list} FROM usage ORDER BY source, record_key, source_file`);
}

async function importVia(paths: string[], oneP: boolean, opts: { importer?: Importer; ledger?: Ledger } = {}) {
  const ledger = opts.ledger ?? (await newLedger());
  const report = await importFiles(ledger, discoverFiles(paths), {
    importer: opts.importer,
    modelIds: loadCatalog().modelIds,
    now: new Date('2026-11-15T12:00:00Z'),
    directMinBytes: oneP ? 0 : Number.POSITIVE_INFINITY,
  });
  return { ledger, report };
}

const counts = (r: ImportReport) => r.files.map(({ path: _p, ...c }) => c);

describe('one-pass import of an OpenAI usage CSV', () => {
  // a BOM, CRLF line ends, a quoted comma, an empty user_id; and float counts, batch, flex, a raw key
  const clean = [
    fixtures('bad', 'crlf-bom-usage.csv'),
    writeTemp(
      'clean.csv',
      [
        HEADER,
        '1791676800,1791763200,,,proj_a,388.0,user-1,key_a,gpt-5-2025-08-07,FALSE,default,1000.0,10.0,200.0,0,0',
        '1791676800,1791763200,,,proj_a,12,,sk-proj-abcdefghijklmnopqrstuvwxyz,gpt-5-2025-08-07,TRUE,default,500,5,,0,0',
        '1791676800,1791763200,,,proj_b,1,user-2,key_b,o4-mini-2025-04-16,FALSE,flex,70,7,0,0,0',
        '1791763200,1791849600,,,,2,,key_b,unknown-model-x,FALSE,,30,3,0,0,0',
      ].join('\n') + '\n',
    ),
  ];

  it('writes the same rows and counts as the general path, without line numbers', async () => {
    for (const file of clean) {
      const general = await importVia([file], false);
      const onePass = await importVia([file], true);
      expect(counts(onePass.report)).toEqual(counts(general.report));
      expect(await ledgerRows(onePass.ledger, false)).toEqual(await ledgerRows(general.ledger, false));
      expect(await onePass.ledger.all('SELECT DISTINCT source_line FROM usage')).toEqual([{ source_line: null }]);
      expect(await onePass.ledger.all('SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0 }]);
      await expectCountsBalance(onePass.ledger, onePass.report);
    }
  });

  it('fills in model ids and labels for names the sampled model map missed', async () => {
    const blind: Importer = { ...openaiUsageCsv, direct: { ...openaiUsageCsv.direct!, sampleModelNames: () => [] } };
    const general = await importVia([clean[1]], false);
    const onePass = await importVia([clean[1]], true, { importer: blind });
    expect(await ledgerRows(onePass.ledger, false)).toEqual(await ledgerRows(general.ledger, false));
    expect(await onePass.ledger.all('SELECT count(*) AS n FROM usage WHERE model IS NULL')).toEqual([{ n: 0 }]);
    expect(await onePass.ledger.all('SELECT DISTINCT source_line FROM usage')).toEqual([{ source_line: null }]); // one pass it was
  });

  it('hands files that need the general path over to it: rows to reject, skip, sum or dedupe', async () => {
    const collision = writeTemp(
      'collision.csv',
      [
        HEADER,
        // no project and user 'u', or project 'u' and no user: the same bucket key
        '1791676800,1791763200,,,,3,u,key_a,gpt-5-2025-08-07,FALSE,default,100,10,0,0,0',
        '1791676800,1791763200,,,u,4,,key_a,gpt-5-2025-08-07,FALSE,default,200,20,0,0,0',
      ].join('\n') + '\n',
    );
    const files = [
      samples('openai', 'usage-dashboard.csv'), // a day without usage (skipped), two rows summed
      fixtures('bad', 'wrong-types.csv'), // a count that is not a number (rejected)
      collision,
    ];
    for (const file of files) {
      const general = await importVia([file], false);
      const onePass = await importVia([file], true);
      expect(onePass.report.totals).toEqual(general.report.totals);
      expect(await ledgerRows(onePass.ledger, true)).toEqual(await ledgerRows(general.ledger, true));
      expect(await onePass.ledger.all('SELECT source_line, reason, raw FROM rejects ORDER BY ALL')).toEqual(
        await general.ledger.all('SELECT source_line, reason, raw FROM rejects ORDER BY ALL'),
      );
      await expectCountsBalance(onePass.ledger, onePass.report);
    }
  });

  it('runs only while the ledger has no rows of the source: a re-import merges the general way', async () => {
    const general = await importVia([clean[1]], false);
    const again = await importVia([clean[1]], false, { ledger: general.ledger });
    const onePass = await importVia([clean[1]], true);
    const onePassAgain = await importVia([clean[1]], true, { ledger: onePass.ledger });
    expect(onePassAgain.report.totals).toEqual(again.report.totals);
    expect(onePassAgain.report.totals).toMatchObject({ rows_read: 4, imported: 0, duplicates: 4 });
    expect(await ledgerRows(onePass.ledger, false)).toEqual(await ledgerRows(general.ledger, false));
  });

  it('imports alongside other formats in one run, and falls back with them', async () => {
    const claude = samples('claude-code');
    for (const csv of [clean[1], samples('openai', 'usage-dashboard.csv')]) {
      const general = await importVia([csv, claude], false);
      const onePass = await importVia([csv, claude], true);
      expect(counts(onePass.report)).toEqual(counts(general.report));
      expect(await ledgerRows(onePass.ledger, false)).toEqual(await ledgerRows(general.ledger, false));
      expect(await onePass.ledger.all("SELECT count(*) AS n FROM usage WHERE source = 'claude-code' AND source_line IS NULL")).toEqual([{ n: 0 }]);
      // the clean export went in one pass; the sample (a skipped day, summed rows) the general way
      const csvLines = await onePass.ledger.all<{ lines: boolean }>("SELECT bool_or(source_line IS NOT NULL) AS lines FROM usage WHERE source = 'openai-usage-csv'");
      expect(csvLines).toEqual([{ lines: csv !== clean[1] }]);
      await expectCountsBalance(onePass.ledger, onePass.report);
    }
  });

  it('a file cut inside a quoted cell gives the same rows and rejects on both paths', async () => {
    const broken = writeTemp('broken.csv', `${HEADER}\n"1791676800,1791763200,,,proj_a,3\n`);
    const general = await importVia([broken], false, { importer: openaiUsageCsv });
    const onePass = await importVia([broken], true, { importer: openaiUsageCsv });
    expect(counts(onePass.report)).toEqual(counts(general.report));
    const rejects = (l: Ledger) => l.all('SELECT source_line, reason FROM rejects ORDER BY ALL');
    expect(await rejects(onePass.ledger)).toEqual(await rejects(general.ledger));
    expect(await rejects(general.ledger)).toEqual([{ source_line: 2, reason: 'the file ends inside a quoted cell (cut while it was written)' }]);
  });
});

describe('one-pass import of Claude Code transcripts', () => {
  const same = async (paths: string[]) => {
    const general = await importVia(paths, false);
    const onePass = await importVia(paths, true);
    expect(counts(onePass.report)).toEqual(counts(general.report));
    expect(await ledgerRows(onePass.ledger, true)).toEqual(await ledgerRows(general.ledger, true));
    const rejects = (l: Ledger) => l.all('SELECT source_file, source_line, reason, raw FROM rejects ORDER BY ALL');
    expect(await rejects(onePass.ledger)).toEqual(await rejects(general.ledger));
    const prompts = (l: Ledger) => l.all('SELECT prompt_hash, prompt_text FROM prompts ORDER BY ALL');
    expect(await prompts(onePass.ledger)).toEqual(await prompts(general.ledger));
    await expectCountsBalance(onePass.ledger, onePass.report);
    return onePass;
  };

  it('writes the same rows, line numbers, rejects and counts as the general path (the samples, one read line by line)', async () => {
    // the main sample ends in a cut-off line: the one pass leaves that file to the general path
    const { report } = await same([samples('claude-code')]);
    expect(report.totals).toMatchObject({ files: 3, imported: 58, duplicates: 23, rejected: 1, skipped: 66 });
  });

  it('a line read line by line that wins over a row the one pass wrote makes that row its file\'s duplicate', async () => {
    const dir = tempDir();
    const ts = '2026-10-22T20:00:00.000Z';
    const partial = ccAssistant({ msgId: 'msg_grow', ts, usage: { output: 1 } });
    const final = ccAssistant({ msgId: 'msg_grow', ts, usage: { output: 90 } });
    writeTemp('a.jsonl', jsonl(partial, ccAssistant({ msgId: 'msg_other', ts, usage: { output: 3 } })), dir);
    writeTemp('b.jsonl', [ccUser('go', ts), '', final].join('\n') + '\n', dir); // a blank line: read line by line
    const { report, ledger } = await same([dir]);
    expect(report.files.map(({ path: p, imported, duplicates }) => ({ file: p.slice(-7), imported, duplicates }))).toEqual([
      { file: 'a.jsonl', imported: 1, duplicates: 1 },
      { file: 'b.jsonl', imported: 1, duplicates: 0 },
    ]);
    expect(await ledger.all("SELECT output_tokens FROM usage WHERE record_key = 'msg:msg_grow'")).toEqual([{ output_tokens: 90 }]);
  });

  it('a backup copy in the same run, and a re-import, count every response once', async () => {
    const copy = tempDir();
    fs.cpSync(samples('claude-code'), copy, { recursive: true });
    await same([samples('claude-code'), copy]);
    const onePass = await importVia([samples('claude-code')], true);
    const again = await importVia([samples('claude-code')], true, { ledger: onePass.ledger });
    expect(again.report.totals).toMatchObject({ imported: 0, duplicates: 81, rejected: 1 });
  });

  it('a tie between a file read line by line and a one-pass row keeps the first file\'s line, as the general path does', async () => {
    const dir = tempDir();
    const ts = '2026-10-22T20:00:00.000Z';
    const line = ccAssistant({ msgId: 'msg_tie', ts, usage: { output: 5 } });
    writeTemp('a.jsonl', [ccUser('go', ts), '', line].join('\n') + '\n', dir); // a blank line: read line by line
    writeTemp('b.jsonl', jsonl(line), dir);
    const { ledger } = await same([dir]);
    expect(await ledger.all('SELECT source_line, prompt_text FROM usage_with_prompts')).toEqual([{ source_line: 3, prompt_text: 'go' }]);
  });

  it('writes the same agent events as the general path, and gives the session its threads back', async () => {
    // every kind of signal line: prompts, an interrupt, tool calls on a usage line (two streamed lines
    // of one response), results (one failed), and a subagent file repeating a call
    const dir = tempDir();
    const ts = (s: number) => `2026-10-22T20:00:${String(s).padStart(2, '0')}.000Z`;
    const bash = { ...toolUse('Bash', 'toolu_bash'), input: { command: 'npx vitest run' } };
    const read = toolUse('Read', 'toolu_read');
    const failed = { ...toolResult('toolu_read'), is_error: true, content: 'Exit code 2\nno such file' };
    const call = ccAssistant({ msgId: 'msg_1', ts: ts(2), usage: { output: 4 }, content: [bash] });
    writeTemp('a.jsonl', jsonl(
      ccUser('run the tests', ts(1)),
      call,
      ccAssistant({ msgId: 'msg_1', ts: ts(3), usage: { output: 9 }, content: [read] }),
      ccUser([toolResult('toolu_bash'), failed], ts(4)),
      ccUser('[Request interrupted by user]', ts(5)),
      ccUser([{ type: 'text', text: 'again' }], ts(6)),
      ccAssistant({ msgId: 'msg_2', ts: ts(7), usage: { output: 2 } }),
    ), dir);
    writeTemp('agent-b.jsonl', jsonl(call, ccAssistant({ msgId: 'msg_3', ts: ts(8), usage: { output: 1 }, sidechain: true, content: [toolUse('Grep')] })), dir);
    const events = (l: Ledger) => l.all('SELECT * EXCLUDE (import_id) FROM agent_events ORDER BY ALL');
    const general = await importVia([dir], false);
    const ledger = await newLedger();
    await ledger.run('SET threads = 2');
    await importVia([dir], true, { ledger });
    const written = await events(ledger);
    expect(written).toEqual(await events(general.ledger));
    expect(new Set(written.map((e) => e.event))).toEqual(new Set(['prompt', 'interrupt', 'tool_call', 'tool_result']));
    expect(written.filter((e) => e.event === 'tool_call')).toHaveLength(3);
    expect(await ledger.all("SELECT current_setting('threads') AS threads")).toEqual([{ threads: 2 }]);
  });

  it('a line that is not UTF-8 is rejected alike on both paths, and leaves the ledger ready for the next import', async () => {
    const dir = tempDir();
    const ts = '2026-10-22T20:00:00.000Z';
    const bad = path.join(dir, 'a.jsonl');
    const good = jsonl(ccAssistant({ msgId: 'msg_1', ts, usage: { output: 5 } }));
    fs.writeFileSync(bad, Buffer.concat([Buffer.from(good), Buffer.from([0xff, 0xfe, 0x0a])])); // not UTF-8
    const ledger = await newLedger();
    const settings = () => ledger.all("SELECT current_setting('memory_limit') AS m, current_setting('preserve_insertion_order') AS p");
    const before = await settings();
    await same([dir]);
    const onePass = await importVia([dir], true, { ledger });
    expect(onePass.report.totals).toMatchObject({ imported: 1, rejected: 1 });
    expect(await ledger.all('SELECT source_line, reason FROM rejects')).toEqual([{ source_line: 2, reason: 'invalid UTF-8' }]);
    expect(await settings()).toEqual(before);
    fs.appendFileSync(bad, jsonl(ccAssistant({ msgId: 'msg_2', ts, usage: { output: 7 } })));
    const again = await importVia([dir], true, { ledger }); // the one-pass functions are still there
    expect(again.report.totals).toMatchObject({ imported: 1 });
  });
});
