import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData } from '../../src/report/data.js';
import { fixtures, runCli, tempDir } from '../helpers.js';

describe("the report's rejected rows", () => {
  it('equal what recount rejects lists, also after a re-import rejected the same line again', async () => {
    const db = path.join(tempDir(), 'l.duckdb');
    const file = fixtures('bad', 'truncated.jsonl'); // one line cut off
    expect(runCli(['import', file, '--db', db]).status).toBe(0);
    expect(runCli(['import', file, '--full', '--db', db]).status).toBe(0); // rejects line 11 again
    const listed = JSON.parse(runCli(['rejects', '--json', '--db', db]).stdout) as unknown[];
    expect(listed).toHaveLength(1);
    const data = await withSession({ db }, (s) => gatherReportData(s, resolvePeriod({})));
    expect(data.provenance.totals.rejected).toBe(2); // per import run, as the imports table says
    expect(data.provenance.rejects_kept).toBe(listed.length);
  });
});
