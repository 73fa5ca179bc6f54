import { describe, expect, it } from 'vitest';
import { RecountError } from '../../src/errors.js';
import { readOverrides } from '../../src/pricing/overrides.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { writeTemp } from '../helpers.js';

function errorOf(fn: () => unknown): RecountError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecountError) return err;
    throw err;
  }
  throw new Error('expected a RecountError');
}

describe('price overrides file', () => {
  it('names the file and line of an unknown field, with the known ones as a hint', () => {
    const file = writeTemp('p.yaml', 'prices:\n  - model: a\n    input_usd_per_mtok: 1\n    output_usd_per_mtok: 2\n  - model: b\n    input_usd_per_mtok: 1\n    ouput_usd_per_mtok: 2\n');
    const err = errorOf(() => readOverrides(file));
    expect(err.message).toBe(`${file}:5: unknown field 'ouput_usd_per_mtok'`);
    expect(err.hint).toContain('output_usd_per_mtok');
  });

  it('rejects a negative or non-numeric rate on its CSV line', () => {
    const file = writeTemp('p.csv', 'model,input_usd_per_mtok,output_usd_per_mtok\nok,1,2\nbad,-1,2\n');
    expect(errorOf(() => readOverrides(file)).message).toBe(`${file}:3: input_usd_per_mtok '-1' is not a non-negative number`);
  });

  it('needs both input and output rates unless it is a discount', () => {
    const file = writeTemp('p.csv', 'model,input_usd_per_mtok\nx,1\n');
    expect(errorOf(() => readOverrides(file)).message).toContain("'x' needs input_usd_per_mtok and output_usd_per_mtok");
  });

  it('refuses a discount on a model the catalog does not have', () => {
    const file = writeTemp('p.yaml', '- model: nobody-knows\n  discount_pct: 10\n');
    expect(errorOf(() => loadPriceBook(file)).message).toContain("'nobody-knows' is not in the catalog");
  });

  it('reports YAML syntax errors with a line', () => {
    const file = writeTemp('p.yaml', 'prices:\n  - model: [unclosed\n');
    expect(errorOf(() => readOverrides(file)).message).toMatch(new RegExp(`^${file}:\\d+: `));
  });

  it('changes the fingerprint', () => {
    const file = writeTemp('p.csv', 'model,discount_pct\nclaude-opus-4-6,10\n');
    const book = loadPriceBook(file);
    expect(book.fingerprint).not.toBe(loadCatalog().fingerprint);
    expect(book.label).toContain('overrides');
  });
});
