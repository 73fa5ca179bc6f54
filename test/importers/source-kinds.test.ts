import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, writeTemp } from '../helpers.js';

describe('variants of one log share a source kind', () => {
  it('a LiteLLM request exported both as JSON lines and as a JSON page counts once', async () => {
    const firstLine = fs.readFileSync(samples('litellm', 'spend-logs.jsonl'), 'utf8').split('\n')[0];
    const asArray = writeTemp('spend-logs-copy.json', JSON.stringify({ data: [JSON.parse(firstLine)] }, null, 2));
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('litellm', 'spend-logs.jsonl'), asArray]);
    expect(report.files.map((f) => f.format)).toEqual(['litellm-spendlogs-jsonl', 'litellm-spendlogs-json']);
    expect(report.files[1]).toMatchObject({ rows_read: 1, imported: 0, duplicates: 1 });
    const id = JSON.parse(firstLine).request_id;
    expect(await ledger.all('SELECT source, count(*) AS n FROM usage WHERE record_key = $id GROUP BY source', { id })).toEqual([{ source: 'litellm', n: 1 }]);
  });
});
