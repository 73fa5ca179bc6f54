import { describe, expect, it } from 'vitest';
import { readerFault } from '../../src/import/reader-fault.js';
import { importPaths, newLedger, writeTemp } from '../helpers.js';

// an OpenAI usage dashboard export (its header as the dashboard writes it) and LiteLLM spend-log
// lines, our own values; one line of each broken
const USAGE_HEADER =
  'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_audio_tokens,output_audio_tokens';
const usageRow = (day: number, model: string) => {
  const start = Date.UTC(2026, 9, day) / 1000;
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', '+00:00');
  return `${start},${start + 86400},${iso(start)},${iso(start + 86400)},proj_test01,12.0,,key_test01,${model},FALSE,default,5000.0,800.0,1024.0,0.0,0.0`;
};
const spendLine = (id: string) =>
  JSON.stringify({
    request_id: `chatcmpl-${id}`, call_type: 'acompletion', api_key: 'a'.repeat(64), spend: 0.0125, total_tokens: 1500, prompt_tokens: 1200,
    completion_tokens: 300, startTime: '2026-10-21T10:00:00.000', endTime: '2026-10-21T10:00:02.000', model: 'claude-sonnet-4-5-20250929',
    model_group: 'claude-sonnet', custom_llm_provider: 'anthropic', user: 'dev-1', metadata: {}, cache_hit: 'False', request_tags: [],
  });

describe('a damaged line is rejected at its own line, the rest imports', () => {
  async function importRejects(name: string, content: string | Buffer): Promise<{ rows: number; rejects: { source_line: number; reason: string }[] }> {
    const ledger = await newLedger();
    try {
      await importPaths(ledger, [writeTemp(name, content)]);
      const rows = (await ledger.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM usage')).n;
      return { rows, rejects: await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line') };
    } finally {
      ledger.close();
    }
  }

  it('a CSV whose line 2 opens a quote it never closes: the cut record from line 2 is rejected', async () => {
    const bad = `${USAGE_HEADER}\n${usageRow(1, 'gpt-4.1-mini').replace('proj_test01', '"proj_test01')}\n${usageRow(2, 'gpt-4.1')}\n`;
    const r = await importRejects('usage.csv', bad);
    expect(r.rejects[0]).toEqual({ source_line: 2, reason: 'the file ends inside a quoted cell (cut while it was written)' });
  });

  it('a CSV with bytes that are not UTF-8 on line 3: line 3 rejected, line 2 imported', async () => {
    const bad = Buffer.concat([Buffer.from(`${USAGE_HEADER}\n${usageRow(1, 'gpt-4.1')}\n`), Buffer.from(usageRow(2, 'gpt-4.1').replace('proj_test01', 'proj_\xff\xfe'), 'latin1'), Buffer.from('\n')]);
    expect(await importRejects('usage.csv', bad)).toEqual({ rows: 1, rejects: [{ source_line: 3, reason: 'invalid UTF-8' }] });
  });

  it('a JSON-lines file with a broken line 2: line 2 rejected, lines 1 and 3 imported', async () => {
    const bad = Buffer.concat([Buffer.from(`${spendLine('a1')}\n`), Buffer.from(`${spendLine('a2').slice(0, -2)}\xff"}\n`, 'latin1'), Buffer.from(`${spendLine('a3')}\n`)]);
    expect(await importRejects('spend.jsonl', bad)).toEqual({ rows: 2, rejects: [{ source_line: 2, reason: 'invalid UTF-8' }] });
  });
});

describe('readerFault', () => {
  it('takes the line from the reader, never from the "LINE n:" of the statement', () => {
    const sniff = 'Invalid Input Error: Error when sniffing file "".\nIt was not possible to automatically detect the CSV parsing dialect\n\nLINE 8: FROM read_csv(files, header = true\n     ^';
    expect(readerFault(sniff, undefined)).toEqual({ detail: 'its CSV layout (delimiter, quoting, encoding) could not be recognised' });
    const json = 'Invalid Input Error: Malformed JSON in file "/x/a.json", at byte 6 in record/value 3: unexpected character. \n\nLINE 9: SELECT';
    expect(readerFault(json, '/x/a.json')).toEqual({ detail: 'malformed JSON in record 3: unexpected character' });
    const ndjson = 'Invalid Input Error: Malformed JSON in file "/x/a.jsonl", at byte 15 in line 3: unexpected end of data. \n\nLINE 2: SELECT';
    expect(readerFault(ndjson, '/x/a.jsonl')).toEqual({ line: 3, detail: 'malformed JSON: unexpected end of data' });
    const csv = 'Invalid Input Error: CSV Error on Line: 7\nOriginal Line: 3,4,5,6\nExpected Number of Columns: 2 Found: 3\nPossible fixes:\n* …\n\n  file = /x/w.csv';
    expect(readerFault(csv, '/x/w.csv')).toEqual({ line: 7, detail: 'Expected Number of Columns: 2 Found: 3' });
  });
});
