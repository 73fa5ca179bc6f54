import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importers } from '../../src/importers/registry.js';
import { importPaths, newLedger, root, tempDir } from '../helpers.js';
import { usageTotals } from './util.js';

// A path handed to a DuckDB reader is a glob pattern: 'g/[a].jsonl' would read g/a.jsonl. Every
// format must take a file whose name (or folder) holds [, ?, * literally (src/import/tail-read.ts).

/** Copies a sample (a file, or a folder's files) to `dir`, with `name` in place of each file's stem. */
function copySample(sample: string, dir: string, name: (stem: string) => string): void {
  const src = path.join(root, sample);
  const files = fs.statSync(src).isDirectory() ? fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(src, f)).isFile()) : [''];
  for (const f of files) {
    const from = f ? path.join(src, f) : src;
    const rel = f || path.basename(src);
    const ext = rel.match(/(\.[a-z]+)+$/)![0];
    const to = path.join(dir, path.dirname(rel), name(path.basename(rel, ext)) + ext);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

describe('file names with glob characters are read literally, by every reader', () => {
  for (const importer of importers) {
    it(importer.id, async () => {
      const plain = tempDir('recount-glob-');
      copySample(importer.sample, plain, (stem) => stem);
      // in a plain folder: a pattern that matches no file is read as a name, so the decoys must match
      const weird = tempDir('recount-glob-');
      copySample(importer.sample, weird, (stem) => `${stem}[1]?`);
      // decoys a pattern would match: the same rows under names without the brackets
      copySample(importer.sample, weird, (stem) => `${stem}1x`);
      const wanted = fs.readdirSync(weird, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('[1]?')).map((f) => path.join(weird, f));

      const expected = await newLedger();
      await importPaths(expected, [plain], importer.id);
      const ledger = await newLedger();
      const report = await importPaths(ledger, wanted, importer.id);
      expect(report.files.map((f) => f.path).sort()).toEqual(wanted.sort());
      const files = await ledger.all<{ source_file: string }>('SELECT DISTINCT source_file FROM usage UNION SELECT DISTINCT source_file FROM invoice_lines');
      for (const { source_file } of files) expect(wanted).toContain(source_file);
      expect(await usageTotals(ledger)).toEqual(await usageTotals(expected));
      expected.close();
      ledger.close();
    });
  }
});
