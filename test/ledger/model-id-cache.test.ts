import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newLedger, samples, tempDir } from '../helpers.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { catalogKey } from '../../src/import/model-id-cache.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { ModelIds } from '../../src/pricing/model-ids.js';

// An import remembers the canonical ids it asked the catalog for (src/import/model-id-cache.ts), so the
// next import of the same models does not load the catalog; ids from another catalog are not used.

/** The catalog's ids, counting the names asked. */
class CountingIds extends ModelIds {
  readonly asked: string[] = [];
  constructor() {
    super(new Map());
  }
  override canonical(raw: string | null | undefined): string | null {
    if (raw != null) this.asked.push(raw);
    return loadCatalog().modelIds.canonical(raw);
  }
}

const NOW = new Date('2026-11-15T12:00:00Z');

async function importWith(ledger: Ledger, dir: string, ids: ModelIds) {
  return importFiles(ledger, discoverFiles([dir]), { modelIds: ids, now: NOW, incremental: true });
}

/** The sample transcripts in a temp folder. */
function transcripts(): string {
  const dir = path.join(tempDir(), 'projects');
  fs.cpSync(samples('claude-code', 'projects'), dir, { recursive: true });
  return dir;
}

/** A sample transcript again under a new name: the same models, in a new file. */
function addCopy(dir: string): void {
  const src = path.join(dir, '-home-dev-acme-api', 'a6deca95-bec2-49a4-b5b0-124ec6348ff6.jsonl');
  fs.mkdirSync(path.join(dir, '-home-dev-copy'));
  fs.copyFileSync(src, path.join(dir, '-home-dev-copy', 'copy.jsonl'));
}

const models = (ledger: Ledger) => ledger.all('SELECT DISTINCT model_raw, model FROM usage ORDER BY model_raw');

describe('remembered model ids', () => {
  it('a later import of the same models asks the catalog nothing, and its rows carry the same ids', async () => {
    const dir = transcripts();
    const ledger = await newLedger();
    const first = new CountingIds();
    await importWith(ledger, dir, first);
    expect(first.asked.length).toBeGreaterThan(0);
    const before = await models(ledger);
    addCopy(dir);
    const second = new CountingIds();
    const report = await importWith(ledger, dir, second);
    expect(report.totals.rows_read).toBeGreaterThan(0);
    expect(second.asked).toEqual([]);
    expect(await models(ledger)).toEqual(before);
    ledger.close();
  });

  it('ids remembered under another catalog are forgotten: the catalog says, and is remembered again', async () => {
    const dir = transcripts();
    const ledger = await newLedger();
    const stale = { key: 'another-catalog', ids: { 'claude-sonnet-4-5-20250929': 'not-this-id' } };
    await ledger.run(sql('ledger/put_setting'), { key: 'model_ids', value: JSON.stringify(stale) });
    const ids = new CountingIds();
    await importWith(ledger, dir, ids);
    expect(ids.asked).toContain('claude-sonnet-4-5-20250929');
    const rows = await ledger.all<{ model: string }>("SELECT DISTINCT model FROM usage WHERE model_raw = 'claude-sonnet-4-5-20250929'");
    expect(rows).toEqual([{ model: 'claude-sonnet-4-5' }]);
    const stored = JSON.parse((await ledger.one<{ value: string }>(sql('ledger/get_setting'), { key: 'model_ids' })).value);
    expect(stored.key).toBe(catalogKey());
    expect(stored.ids['claude-sonnet-4-5-20250929']).toBe('claude-sonnet-4-5');
    ledger.close();
  });
});
