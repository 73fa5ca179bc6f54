import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData } from '../../src/report/data.js';
import { renderReport } from '../../src/report/render.js';
import { readPolicy } from '../../src/replay/policy.js';
import { importPaths, newLedger, root, samples } from '../helpers.js';

// The whole report of a small ledger (Claude Code transcripts, Anthropic and OpenAI usage and cost
// exports from samples/, three bundled what-if policies) against test/golden/report-october.html, with the clock (RECOUNT_NOW) and the
// version pinned and the machine's paths replaced. On a mismatch the new page is written next to it as
// report-october-changed.html for review; UPDATE_GOLDEN=1 accepts it.
const GOLDEN = path.join(root, 'test', 'golden', 'report-october.html');
const CHANGED = GOLDEN.replace(/\.html$/, '-changed.html');

describe('golden report', () => {
  it('renders the October samples exactly as reviewed', async () => {
    const ledger = await newLedger();
    // one thread: rows land and are summed in the same order every run, so float sums agree to the last bit
    await ledger.run('SET threads = 1');
    await importPaths(ledger, [samples('claude-code'), samples('anthropic'), samples('openai')]);
    const db = ledger.path;
    ledger.close();
    const data = await withSession({ db }, async (s) => {
      await s.ledger.run('SET threads = 1');
      const policies = ['identity', 'task-tiers', 'stable-prefix'].map((p) => readPolicy(samples('policies', `${p}.yaml`), s.prices));
      return gatherReportData(s, resolvePeriod({ month: '2026-10' }), { version: '0.0.0-golden', policies });
    });
    const page = (await renderReport(data)).split(samples()).join('samples').split(db).join('ledger.duckdb');
    expect(page).not.toContain(root); // nothing of this machine is left

    if (process.env.UPDATE_GOLDEN === '1') {
      fs.writeFileSync(GOLDEN, page);
      fs.rmSync(CHANGED, { force: true });
      return;
    }
    const expected = fs.existsSync(GOLDEN) ? fs.readFileSync(GOLDEN, 'utf8') : null;
    if (page !== expected) fs.writeFileSync(CHANGED, page);
    else fs.rmSync(CHANGED, { force: true });
    expect(expected, `no golden file yet: review ${path.relative(root, CHANGED)}, then run with UPDATE_GOLDEN=1`).not.toBeNull();
    expect(page === expected, `the report changed: compare ${path.relative(root, CHANGED)} with ${path.relative(root, GOLDEN)}; UPDATE_GOLDEN=1 accepts it`).toBe(true);
  });
});
