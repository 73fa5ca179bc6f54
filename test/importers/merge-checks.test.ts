import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newLedger, samples, tempDir } from '../helpers.js';
import { ccAssistant, ccUser, expectCountsBalance, outcome } from './util.js';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { loadCatalog } from '../../src/pricing/catalog.js';

// The merge counts first what its optional statements would touch (queries/import/staged_merge_checks.sql)
// and skips those with nothing to do: the counts must test exactly what the statements themselves test.

/** An incremental import, as `recount import` runs it: only the new file is staged and merged. */
const importDir = (ledger: Ledger, dir: string) =>
  importFiles(ledger, discoverFiles([dir]), { modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z'), incremental: true });

const flat = (text: string) => text.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
const after = (text: string, marker: string) => flat(text).slice(flat(text).indexOf(marker) + marker.length).trim();

describe('merge checks', () => {
  it("test what mask_staged_usage, reject_implausible_usage and staged_usage_is_new test, word for word", () => {
    const checks = flat(sql('import/staged_merge_checks'));
    const maskWhere = after(sql('import/mask_staged_usage'), ' WHERE ');
    const implausible = after(sql('import/reject_implausible_usage'), "WHERE row_kind = 'usage' AND ");
    const isNew = after(sql('import/staged_usage_is_new'), 'SELECT ').replace(/ AS is_new$/, '');
    expect(maskWhere).toMatch(/^regexp_matches\(concat_ws/);
    expect(checks).toContain(`count(*) FILTER (WHERE ${maskWhere})`);
    expect(implausible).toMatch(/^implausible_usage\(.*\) IS NOT NULL$/);
    expect(checks).toContain(`count(*) FILTER (WHERE row_kind = 'usage' AND ${implausible})`);
    expect(checks).toContain(`(SELECT ${isNew}) AS is_new`);
  });

  it('a re-import still masks a secret and rejects an implausible row in the new file; a clean one skips both', async () => {
    const dir = path.join(tempDir(), 'projects');
    fs.cpSync(samples('claude-code', 'projects'), dir, { recursive: true });
    const ledger = await newLedger();
    await importDir(ledger, dir); // the source is in the ledger now: what follows is merged
    const key = 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
    fs.mkdirSync(path.join(dir, '-home-dev-new'));
    // the key in a message id, so in the record key (hidden by the merge's mask, not by the reader); a
    // time before 2020 (a rule of the merge's plausibility check, not of the reader's token counts)
    const session = 'sess-9';
    fs.writeFileSync(path.join(dir, '-home-dev-new', 'sess-9.jsonl'), [
      ccUser('deploy it please', '2026-11-02T10:00:00Z', { sessionId: session }),
      ccAssistant({ msgId: `msg_${key}`, ts: '2026-11-02T10:00:05Z', sessionId: session, usage: { output: 12 } }),
      ccAssistant({ msgId: 'msg_b', ts: '2019-06-01T10:00:09Z', sessionId: session, usage: { output: 9 } }),
      '',
    ].join('\n'));
    const report = await importDir(ledger, dir);
    expect(outcome(report, 'sess-9.jsonl')).toMatchObject({ rows_read: 2, imported: 1, rejected: 1 });
    await expectCountsBalance(ledger, report);
    const keys = await ledger.all<{ record_key: string }>("SELECT record_key FROM usage WHERE source_file LIKE '%sess-9.jsonl'");
    expect(keys).toHaveLength(1);
    expect(keys[0].record_key).not.toContain(key.slice(12));
    const rejects = await ledger.all<{ reason: string }>("SELECT reason FROM rejects WHERE source_file LIKE '%sess-9.jsonl'");
    expect(rejects.map((r) => r.reason)).toEqual([expect.stringContaining('is before 2020-01-01')]);

    fs.writeFileSync(path.join(dir, '-home-dev-new', 'sess-10.jsonl'), [
      ccUser('a clean prompt', '2026-11-03T10:00:00Z', { sessionId: 'sess-10' }),
      ccAssistant({ msgId: 'msg_c', ts: '2026-11-03T10:00:05Z', sessionId: 'sess-10', usage: { output: 7 } }),
      '',
    ].join('\n'));
    const clean = await importDir(ledger, dir);
    expect(outcome(clean, 'sess-10.jsonl')).toMatchObject({ rows_read: 1, imported: 1, rejected: 0 });
    await expectCountsBalance(ledger, clean);
    expect(await ledger.all("SELECT reason FROM rejects WHERE source_file LIKE '%sess-10.jsonl'")).toEqual([]);
  });
});
