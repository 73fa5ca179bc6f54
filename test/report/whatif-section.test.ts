import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { readPolicy } from '../../src/replay/policy.js';
import { gatherReportData } from '../../src/report/data.js';
import { renderReport } from '../../src/report/render.js';
import type { ReportData } from '../../src/report/model.js';
import { policyCostSpec, tierMixSpec, whatifSection } from '../../src/report/whatif-section.js';
import { importPaths, newLedger, runCli, samples, tempDir, writeTemp } from '../helpers.js';

const OCTOBER = resolvePeriod({ month: '2026-10' });

describe('the what-if section of the report', () => {
  let db = '';
  let tightCap = '';
  beforeAll(async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples()]);
    db = ledger.path;
    ledger.close();
    // a cap the sample keys cross, so budget events (and their keys) show
    tightCap = writeTemp('tight-cap.yaml', 'version: 1\nrules:\n  - { name: default, when: {} }\nbudgets:\n  - { per: api_key, window: day, cap_usd: 0.05, on_exceed: { route: claude-haiku-4-5 } }\n');
  });

  const gather = (files: string[], redact = false) =>
    withSession({ db }, (s) => gatherReportData(s, OCTOBER, { redact, policies: files.map((f) => readPolicy(f, s.prices)) }));

  it('is left out when the report replays no policy', async () => {
    const data = await withSession({ db }, (s) => gatherReportData(s, OCTOBER));
    expect(data.whatif).toBeUndefined();
    expect(await whatifSection.render(data)).toBeNull();
    expect(await renderReport(data)).not.toContain('id="whatif"');
  });

  it('compares every policy with the history: chart with bounds, table, tier mix, details', async () => {
    const files = ['identity', 'cheap-by-default', 'task-tiers'].map((p) => samples('policies', `${p}.yaml`));
    const data = await gather([...files, tightCap]);
    const w = data.whatif!;
    expect(w.policies.map((p) => p.name)).toEqual(['identity', 'cheap-by-default', 'task-tiers', 'tight-cap']);
    const page = await renderReport(data);
    expect(page).toContain('<section id="whatif">');
    expect(page).toContain('data-chart="whatif-cost"');
    expect(page).toContain('data-chart="whatif-tiers"');
    // identity changes nothing, and says so in one line
    expect(page).toMatch(/<h3>identity<\/h3>\s*<p>[^<]*changes nothing: the replay equals the history at list prices/);
    // cheap-by-default: bounds, break-even and its assumptions with the policy fingerprint
    const cheap = w.policies[1];
    expect(page).toContain(`fingerprint <code>${cheap.fingerprint}</code>`);
    expect(page).toMatch(/saves money while fewer than [\d.]+% of routed tasks need redoing|never saves money|saves money even if every/);
    expect(page).toContain(`Prices: ${w.price_catalog.label}, fingerprint <code>${w.price_catalog.fingerprint}</code>`);
    // the tight cap trips: its budget events are listed
    expect(w.policies[3].budget_events.length).toBeGreaterThan(0);
    expect(page).toMatch(/Budget events \(\d+/);
  });

  it('chart specs carry one bar per policy with its bounds, and history plus each policy by tier', async () => {
    const data = await gather([samples('policies', 'identity.yaml'), samples('policies', 'cheap-by-default.yaml')]);
    const cost = policyCostSpec(data.whatif!) as unknown as { data: { values: { policy: string; low: number; central: number; high: number }[] } };
    expect(cost.data.values.map((v) => v.policy)).toEqual(['identity', 'cheap-by-default']);
    for (const v of cost.data.values) expect(v.low).toBeLessThanOrEqual(v.high);
    const tiers = tierMixSpec(data.whatif!) as unknown as { data: { values: { scenario: string; cost_usd: number }[] } };
    const total = (scenario: string) => tiers.data.values.filter((v) => v.scenario === scenario).reduce((a, v) => a + v.cost_usd, 0);
    expect(total('history')).toBeCloseTo(data.whatif!.policies[0].baseline_cost_usd, 6);
    expect(total('cheap-by-default')).toBeCloseTo(data.whatif!.policies[1].cost_usd.central, 6);
  });

  it('with --redact, policy paths and budget keys are pseudonyms like everywhere else in the report', async () => {
    const plain = await gather([tightCap]);
    const rawKeys = plain.whatif!.policies[0].budget_events.map((e) => e.group).filter((g): g is string => g != null);
    expect(rawKeys.length).toBeGreaterThan(0);
    const data: ReportData = await gather([tightCap], true);
    const p = data.whatif!.policies[0];
    expect(p.file).toMatch(/^file-\d+\.yaml$/);
    for (const e of p.budget_events) expect(e.group).toMatch(/^key-\d+$/);
    const page = await renderReport(data);
    expect(page).not.toContain(tightCap);
    for (const k of rawKeys) expect(page).not.toContain(`>${k}<`);
  });
});

describe('recount demo', () => {
  it('imports the samples into its own ledger, replays the bundled policies and writes the report', () => {
    const cwd = tempDir();
    const out = path.join(cwd, 'out', 'demo.html');
    const r = runCli(['demo', '--out', out], {}, cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    expect(r.stderr).toMatch(/imported \d+ sample files/);
    expect(r.stderr).toMatch(/what-if identity\s+\$[\d,.]+\s+\(savings \$0\.00/);
    const page = fs.readFileSync(out, 'utf8');
    expect(page).toContain('<section id="whatif">');
    for (const p of ['identity', 'cheap-by-default', 'task-tiers', 'budget-cap', 'stable-prefix', 'compact-long-context']) expect(page).toContain(`<h3>${p}</h3>`);
    expect(page.indexOf('<h3>identity</h3>')).toBeLessThan(page.indexOf('<h3>budget-cap</h3>'));
    expect(fs.existsSync(path.join(cwd, 'out', 'demo.duckdb'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'recount.duckdb'))).toBe(false); // never the user's ledger
    // a second run starts from a fresh ledger: same figures, nothing imported twice
    const again = runCli(['demo', '--out', out], {}, cwd);
    expect(again.stderr).toBe(r.stderr);
    // the demo's ledger is the bundled month: the runaway day and the policies' effects show
    expect(r.stderr).toMatch(/imported \d+ sample files of a team's month \([\d,]+ rows, [\d,]+ duplicates, 0 rejected\)/);
    expect(r.stderr).toMatch(/is claude-opus-4-6/);
    for (const p of ['cheap-by-default', 'task-tiers', 'budget-cap', 'stable-prefix', 'compact-long-context']) {
      expect(r.stderr).toMatch(new RegExp(`what-if ${p}\\s+\\$[\\d,.]+\\s+\\(savings \\$[1-9]`)); // a positive saving
    }
  }, 240_000); // two demo runs over the month's ~3,000 requests
});
