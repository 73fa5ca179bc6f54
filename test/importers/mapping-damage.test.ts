import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { mappingImporter } from '../../src/importers/mapping/index.js';
import { readMapping } from '../../src/importers/mapping/read-mapping.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { newLedger, samples, tempDir } from '../helpers.js';

// A mapped file is read one record per line like the built-in line formats, so a line that is not
// UTF-8 (a crash mid-write) loses only that line (line-repair.ts), not the whole file.
const MAPPING = samples('mapping', 'acme-gateway.mapping.yaml');

async function importMapped(file: string) {
  const ledger = await newLedger();
  const importer = mappingImporter(readMapping(MAPPING));
  const report = await importFiles(ledger, discoverFiles([file]), { importer, modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z') });
  const totals = await ledger.one('SELECT count(*) AS n, sum(input_tokens) AS input, sum(output_tokens) AS output FROM usage');
  const rejects = await ledger.all<{ source_line: number; reason: string; raw: string }>('SELECT source_line, reason, raw FROM rejects ORDER BY source_line');
  ledger.close();
  return { report: report.files[0], totals, rejects };
}

const lines = () => fs.readFileSync(samples('mapping', 'acme-gateway.csv')).toString('utf8').split(/(?<=\n)/);
const write = (parts: (string | Buffer)[]) => {
  const file = path.join(tempDir(), 'acme-gateway.csv');
  fs.writeFileSync(file, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return file;
};

describe('a mapped CSV with a line that is not UTF-8', () => {
  it('a stray invalid byte: that line is one reject at its line, the rest imports as without it', async () => {
    const all = lines();
    const n = 5; // 0-based: the file's line 6
    const bad = write(all.map((l, i) => (i === n ? Buffer.concat([Buffer.from(l.slice(0, 20)), Buffer.from([0xff]), Buffer.from(l.slice(20))]) : l)));
    const without = write(all.filter((_l, i) => i !== n));
    const got = await importMapped(bad);
    const expected = await importMapped(without);
    expect(got.totals).toEqual(expected.totals);
    expect(got.rejects.map((r) => [r.source_line, r.reason])).toEqual([[n + 1, 'invalid UTF-8']]);
    expect(got.rejects[0].raw).toContain('\uFFFD');
    expect(got.report.rows_read).toBe(expected.report.rows_read + 1);
    expect(got.report.rejected).toBe(1);
  });

});
