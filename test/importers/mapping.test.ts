import { describe, expect, it } from 'vitest';
import { RecountError } from '../../src/errors.js';
import { importFiles } from '../../src/import/import-run.js';
import { discoverFiles } from '../../src/import/discover.js';
import { mappingImporter } from '../../src/importers/mapping/index.js';
import { readMapping } from '../../src/importers/mapping/read-mapping.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import type { Ledger } from '../../src/db/ledger.js';
import { importPaths, newLedger, priceLedger, samples, writeTemp, tempDir } from '../helpers.js';

async function importMapped(ledger: Ledger, file: string, mappingFile: string) {
  const importer = mappingImporter(readMapping(mappingFile));
  return importFiles(ledger, discoverFiles([file]), { importer, modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z') });
}

function mappingError(text: string, name = 'm.yaml'): RecountError {
  const file = writeTemp(name, text);
  try {
    readMapping(file);
  } catch (err) {
    if (err instanceof RecountError) return err;
    throw err;
  }
  throw new Error('expected the mapping to be refused');
}

describe('any CSV by mapping (samples/mapping)', () => {
  it('imports the acme-gateway sample: local times, cents, cached tokens out of the prompt', async () => {
    const ledger = await newLedger();
    const report = await importMapped(ledger, samples('mapping', 'acme-gateway.csv'), samples('mapping', 'acme-gateway.mapping.yaml'));
    expect(report.files[0]).toMatchObject({ format: 'mapping:acme-gateway', rows_read: 41, imported: 40, duplicates: 1, rejected: 0 });

    const first = await ledger.one<Record<string, unknown>>(
      "SELECT started_at, model, model_raw, input_tokens, cache_read_tokens, output_tokens, project, tags, latency_ms, source_line FROM usage ORDER BY started_at LIMIT 1",
    );
    // the first row of the file, written in America/New_York local time (EDT, UTC-4)
    expect((first.started_at as Date).toISOString().slice(0, 13)).toBe('2026-10-05T13');
    expect(first.source_line).toBe(2);
    expect(first.model).toBe(String(first.model_raw).replace(/-\d{4}-\d{2}-\d{2}$/, ''));
    expect(JSON.parse(String(first.tags))).toHaveProperty('feature');

    await priceLedger(ledger);
    const totals = await ledger.one<{ billed: number; list: number; bad_input: number }>(
      'SELECT sum(billed_cost_usd) AS billed, sum(list_cost_usd) AS list, count(*) FILTER (WHERE input_tokens < 0) AS bad_input FROM usage_priced',
    );
    expect(totals.bad_input).toBe(0);
    // the sample's cents were computed from list prices: billed (cents → dollars) matches the catalog
    expect(totals.billed).toBeCloseTo(totals.list, 6);
    expect(totals.billed).toBeGreaterThan(0.1);
  });

  it('a folder import uses the <name>.mapping.yaml next to <name>.csv', async () => {
    const ledger = await newLedger();
    const report = await importPaths(ledger, [samples('mapping')]);
    expect(report.warnings).toEqual([]);
    expect(report.files).toEqual([expect.objectContaining({ format: 'mapping:acme-gateway', imported: 40, duplicates: 1 })]);
  });

  it('re-importing adds nothing', async () => {
    const ledger = await newLedger();
    await importMapped(ledger, samples('mapping', 'acme-gateway.csv'), samples('mapping', 'acme-gateway.mapping.yaml'));
    const again = await importMapped(ledger, samples('mapping', 'acme-gateway.csv'), samples('mapping', 'acme-gateway.mapping.yaml'));
    expect(again.totals).toMatchObject({ rows_read: 41, imported: 0, duplicates: 41, rejected: 0 });
  });
});

describe('any JSONL by mapping', () => {
  const mapping = `{"version": 1, "name": "bot-logs", "format": "jsonl", "provider": "anthropic",
    "timestamp": {"column": "ts", "format": "unix_ms"}, "identity": ["id"], "units": {"cost": "dollars"},
    "columns": {"model": "model", "input_tokens": "usage.in", "cache_read_tokens": "usage.cached",
                "output_tokens": "usage.out", "billed_cost_usd": "cost", "session_id": "conv"}, "tags": ["meta.feature"]}`;

  it('reads nested fields, rejects bad lines with their line number and keeps the raw text', async () => {
    const dir = tempDir();
    const mappingFile = writeTemp('bot.json', mapping, dir);
    const data = writeTemp(
      'bot.jsonl',
      [
        JSON.stringify({ id: 'a1', ts: 1791590400000, model: 'claude-haiku-4-5', usage: { in: 100, cached: 900, out: 50 }, cost: 0.00044, conv: 'c1', meta: { feature: 'faq' } }),
        '',
        JSON.stringify({ id: 'a2', ts: 1791590460000, model: 'claude-haiku-4-5', usage: { in: 'many', cached: 0, out: 5 }, cost: 0.1, conv: 'c1' }),
        '{"id": "a3", "ts": 17915905',
        JSON.stringify({ id: 'a1', ts: 1791590400000, model: 'claude-haiku-4-5', usage: { in: 100, cached: 900, out: 50 }, cost: 0.00044, conv: 'c1', meta: { feature: 'faq' } }),
      ].join('\n') + '\n',
      dir,
    );
    const ledger = await newLedger();
    const report = await importMapped(ledger, data, mappingFile);
    expect(report.files[0]).toMatchObject({ rows_read: 4, imported: 1, duplicates: 1, rejected: 2 });
    expect(await ledger.all('SELECT started_at, input_tokens, cache_read_tokens, output_tokens, billed_cost_usd, session_id, tags, source_line FROM usage')).toEqual([
      { started_at: new Date('2026-10-10T00:00:00Z'), input_tokens: 100, cache_read_tokens: 900, output_tokens: 50, billed_cost_usd: 0.00044, session_id: 'c1', tags: '{"meta.feature":"faq"}', source_line: 1 },
    ]);
    expect(await ledger.all('SELECT source_line, reason FROM rejects ORDER BY source_line')).toEqual([
      { source_line: 3, reason: 'a token, cost or latency value is not a number' },
      { source_line: 4, reason: 'not valid JSON (a truncated or corrupted line)' },
    ]);
  });
});

describe('mapping validation', () => {
  const valid = ['version: 1', 'name: x', 'format: csv', 'provider: openai', 'timestamp: { column: t }', 'columns:', '  model: m', '  input_tokens: i'];

  it('accepts a minimal mapping', () => {
    const file = writeTemp('ok.yaml', valid.join('\n'));
    expect(readMapping(file)).toMatchObject({ name: 'x', format: 'csv', role: 'requests', timestamp: { column: 't', format: 'iso', zone: 'UTC' } });
  });

  it.each([
    [[...valid, 'colour: blue'], ':9: colour: unknown field'],
    [valid.map((l) => (l === 'format: csv' ? 'format: xlsx' : l)), ":3: format: 'xlsx' is not csv or jsonl"],
    [valid.map((l) => (l === '  model: m' ? '  modle: m' : l)), ":6: columns: unknown ledger field 'modle'"],
    [valid.filter((l) => l !== '  model: m'), ':6: columns: model is required'],
    [valid.filter((l) => l !== 'provider: openai'), ': provider: is required (or columns.provider)'],
    [valid.map((l) => (l.startsWith('timestamp') ? 'timestamp: { column: t, zone: Mars/Base }' : l)), "timestamp: unknown time zone 'Mars/Base'"],
    [[...valid, 'units: { cost: euros }'], "units: cost 'euros' is not dollars or cents"],
  ])('names the field: %#', (lines, message) => {
    const err = mappingError((lines as string[]).join('\n'));
    expect(err.message).toContain(message);
    expect(err.hint).toBeTruthy();
  });

  it('names the mapping field whose column the file lacks', async () => {
    const dir = tempDir();
    const mappingFile = writeTemp('m.yaml', valid.join('\n'), dir);
    const csv = writeTemp('d.csv', 't,m,inputs\n2026-10-01T00:00:00Z,gpt-4.1,5\n', dir);
    const ledger = await newLedger();
    await expect(importMapped(ledger, csv, mappingFile)).rejects.toThrow("columns.input_tokens names column 'i', which");
  });
});
