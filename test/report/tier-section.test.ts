import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../src/pricing/install.js';
import { matchesCondition, readPolicy } from '../../src/replay/policy.js';
import { evaluatePolicy, type WhatIfReport } from '../../src/replay/whatif.js';
import type { ReportData } from '../../src/report/model.js';
import { dearestOutputRates, tierDistributionData } from '../../src/report/tier-data.js';
import { bundledPriceBook, catalogBook, installPricing } from '../../src/pricing/book.js';
import { writePriceCache } from '../../src/pricing/price-cache.js';
import { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { defineReadViews } from '../../src/session.js';
import { rowLabel, tierDistributionSpec, tierSection } from '../../src/report/tier-section.js';
import { buildFrame, type RowSpec } from '../replay/frame-builder.js';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData } from '../../src/report/data.js';
import { importPaths, newLedger, runCli, samples, tempDir, writeTemp } from '../helpers.js';

const book = loadPriceBook('');

/** A what-if over a hand-built history: 8 of 10 calls on Opus now; the policy moves search to Haiku. */
function whatIf(names: string[]): WhatIfReport {
  const rows: RowSpec[] = [
    { t: 0, model: 'claude-opus-4-6', requests: 7, u: 70_000, o: 7_000, taskType: 'search' },
    { t: 1, model: 'claude-opus-4-6', requests: 1, u: 10_000, o: 1_000, taskType: 'architecture' },
    { t: 2, model: 'claude-haiku-4-5', requests: 2, u: 20_000, o: 2_000, taskType: 'search' },
  ];
  const policy = readPolicy(writeTemp('p.yaml', 'version: 1\nrules:\n  - { name: search, when: { task_type: search }, route: { model: claude-haiku-4-5 } }\n  - { name: default, when: {} }\n'), book);
  const frame = buildFrame(rows);
  const ruleIx = Int16Array.from(rows.map((r) => policy.rules.findIndex((x) => matchesCondition(x.when, { task_type: r.taskType ?? null, model: r.model }))));
  const outcome = evaluatePolicy(frame, policy, ruleIx);
  return {
    period: { since: null, until: null, tz: 'UTC' },
    price_catalog: { label: book.label, fingerprint: book.fingerprint },
    history: { requests: 10, billed_cost_usd: outcome.billed_cost_usd, list_cost_usd: outcome.baseline_cost_usd, unpriced_requests: 0 },
    policies: names.map((name) => ({ ...outcome, name })),
    caveat: '',
  };
}

describe('the tier distribution panel', () => {
  it('has the history and each policy, with unique labels, and flags the history', () => {
    const d = tierDistributionData(whatIf(['route-search', 'route-search']))!;
    expect(d.scenarios.map((s) => [s.label, s.kind])).toEqual([['now (history)', 'history'], ['route-search', 'policy'], ['route-search (2)', 'policy']]);
    expect(d.scenarios[0].tiers.map((t) => t.requests)).toEqual([2, 0, 8]);
    expect(d.scenarios[1].tiers.map((t) => t.requests)).toEqual([9, 0, 1]);
    expect(d.scenarios.map((s) => s.outside_targets.length)).toEqual([2, 0, 0]);
    expect(d.targets).toEqual({ tier12_min_request_share: 0.8, tier3_max_request_share: 0.15 });
    expect(rowLabel(d.scenarios[0])).toBe('now (history) (outside targets)');
    expect(tierDistributionData(undefined)).toBeNull();
    expect(tierDistributionData({ ...whatIf(['x']), policies: [] })).toBeNull();
  });

  it('draws the targets as reference lines on the calls chart only, and a flagged row in red', () => {
    const spec = JSON.stringify(tierDistributionSpec(tierDistributionData(whatIf(['route-search']))!));
    expect(spec).toContain('"tiers 1–2 target 80%"');
    expect(spec).toContain('"tier 3 at most 15%"');
    expect(spec).toContain('{"share":0.85}'); // tier 3's bar should start right of 85%
    expect(spec.match(/"type":"rule"/g)).toHaveLength(2);
    expect(spec).toContain('#c0392b');
  });

  it('renders a chart, an accessible table and the flag; is left out without calls', async () => {
    const data = { tier_distribution: tierDistributionData(whatIf(['route-search']))! } as ReportData;
    const page = String(await tierSection.render(data));
    expect(page).toContain('data-chart="tier-distribution"');
    expect(page).toContain('role="img"');
    expect(page).toContain('<p class="warn">Outside the targets: <strong>now (history)</strong>: tiers 1–2 carry 20% of calls (target about 80%), tier 3 carries 80% of calls (target at most 15%).</p>');
    expect(page).toContain('<caption>Share of calls and spend per tier');
    expect(page).toMatch(/<td class="nowrap">route-search<\/td><td class="num">10<\/td><td class="num">90\.0%<\/td><td class="num">0\.0%<\/td><td class="num">10\.0%<\/td>/);
    expect(page).toContain('<td>within</td>');
    expect(await tierSection.render({} as ReportData)).toBeNull();
  });
});

describe('the panel without --policy', () => {
  it("shows the history alone, tiered as the replay tiers it (transcripts: every call counted)", async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('claude-code')]);
    const db = ledger.path;
    ledger.close();
    const period = resolvePeriod({ month: '2026-10' });
    const alone = await withSession({ db }, (s) => gatherReportData(s, period));
    const replayed = await withSession({ db }, (s) => gatherReportData(s, period, { policies: [readPolicy(samples('policies', 'identity.yaml'), s.prices)] }));
    const [now] = alone.tier_distribution!.scenarios;
    expect(alone.tier_distribution!.scenarios).toHaveLength(1);
    expect(now.label).toBe('now (history)');
    expect(now.requests).toBeGreaterThan(0);
    const before = replayed.tier_distribution!.scenarios[0];
    expect(now.tiers.map((t) => t.requests)).toEqual(before.tiers.map((t) => t.requests));
    now.tiers.forEach((t, i) => expect(t.cost_usd).toBeCloseTo(before.tiers[i].cost_usd, 9));
    expect(String(await tierSection.render(alone))).toContain('<code>--policy FILE</code>');
  });
  it('takes the models’ dearest output rates from the session’s price rows, as the catalog’s own rows give them', async () => {
    const built = catalogBook();
    const ledger = await Ledger.open(':memory:');
    await installPricing(ledger, built);
    const rows = await ledger.all<{ model: string; output_usd_per_mtok: number }>(sql('pricing/model_dearest_output'));
    ledger.close();
    expect(rows.length).toBeGreaterThan(500);
    expect(new Map(rows.map((r) => [r.model, Number(r.output_usd_per_mtok)]))).toEqual(dearestOutputRates(built));
  });

  it('draws the history alone from the build’s price cache without building the catalog’s rows', async () => {
    const cacheDir = tempDir();
    const writer = await Ledger.open(':memory:');
    await installPricing(writer, catalogBook());
    await writePriceCache(writer, catalogBook(), cacheDir);
    writer.close();
    const cached = bundledPriceBook({ cacheDir });
    expect(cached.cache).toBeDefined();
    Object.defineProperty(cached, 'rows', { get: () => { throw new Error('the catalog’s rows were built'); } });
    const ledger = await newLedger();
    await importPaths(ledger, [samples('claude-code')]);
    const db = ledger.path;
    ledger.close();
    const period = resolvePeriod({ month: '2026-10' });
    const session = await Ledger.open(db, { readOnly: true });
    await defineReadViews(session, cached);
    const fromCache = await gatherReportData({ ledger: session, prices: cached }, period);
    session.close();
    const fromBook = await withSession({ db }, (s) => gatherReportData(s, period));
    const [now, then] = [fromCache.tier_distribution!.scenarios[0], fromBook.tier_distribution!.scenarios[0]];
    expect(now.requests).toBeGreaterThan(0);
    expect(now.tiers.map((t) => [t.tier, t.requests])).toEqual(then.tiers.map((t) => [t.tier, t.requests]));
    now.tiers.forEach((t, i) => expect(t.cost_usd).toBeCloseTo(then.tiers[i].cost_usd, 9)); // sums in DuckDB's order
  });
});

describe('recount report --policy', () => {
  it("prints a LiteLLM config's warnings as whatif does, and the panel is in the page", async () => {
    const ledger = await newLedger();
    const db = ledger.path;
    ledger.close();
    expect(runCli(['import', samples('anthropic'), '--db', db]).status).toBe(0);
    const config = samples('policies', 'litellm_config.yaml');
    const out = path.join(tempDir(), 'report.html');
    const report = runCli(['report', '--db', db, '--policy', config, '--out', out, '--json']);
    expect(report.status, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).path).toBe(out); // stdout stays data
    const whatif = runCli(['whatif', '--db', db, '--policy', config]);
    const warnings = (s: string) => s.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings(report.stderr)).toContain(`warning: ${config}:12,16,20: litellm_params.api_key is not read (no effect on the replay)`);
    expect(warnings(report.stderr)).toEqual(warnings(whatif.stderr));
    expect(fs.readFileSync(out, 'utf8')).toContain('id="tier-distribution"');
  });
});
