import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';
import { usageTotals } from './util.js';

/** A gzip copy of a sample under another name, as an S3 delivery or a download would be. */
function gzipCopy(sample: string, name: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, zlib.gzipSync(fs.readFileSync(sample)));
  return file;
}

describe('gzip-compressed exports', () => {
  it.each([
    ['bedrock', 'invocation-logs-s3.jsonl', 'logs.json.gz', 'bedrock-invocation-logs'],
    ['openai', 'usage-dashboard.csv', 'usage.csv.gz', 'openai-usage-csv'],
    ['anthropic', 'usage-report.json', 'usage-report.json.gz', 'anthropic-usage-api'],
  ])('%s/%s imports the same rows compressed', async (dir, sample, name, format) => {
    const plain = await newLedger();
    await importPaths(plain, [samples(dir, sample)]);
    const packed = await newLedger();
    const report = await importPaths(packed, [gzipCopy(samples(dir, sample), name)]);
    expect(report.files[0].format).toBe(format);
    expect(await usageTotals(packed)).toEqual(await usageTotals(plain));
  });

  it('a folder import picks up .gz files', async () => {
    const file = gzipCopy(samples('bedrock', 'invocation-logs-s3.jsonl'), 'logs.json.gz');
    const report = await importPaths(await newLedger(), [path.dirname(file)]);
    expect(report.files.map((f) => path.basename(f.path))).toEqual(['logs.json.gz']);
  });

  it('a compressed transcript is refused with a hint to unpack it', async () => {
    const file = gzipCopy(samples('claude-code', 'projects', '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl'), 't.jsonl.gz');
    await expect(importPaths(await newLedger(), [file])).rejects.toThrow('are read as plain text');
  });
});
