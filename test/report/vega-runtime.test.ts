import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { endCharts, renderAhead, renderSvg, roundGeometry } from '../../src/report/charts.js';
import { barChart, LONG } from './bar-chart.js';
import { cacheHitSpec, costPerRequestSpec, spendOverTimeSpec, taskTypeSpec, tierSpec, tokenMixSpec } from '../../src/report/chart-specs.js';
import { gatherReportData, type GatherOptions } from '../../src/report/data.js';
import type { ReportData } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import { tierDistributionSpec } from '../../src/report/tier-section.js';
import { measureItem, scenegraphCopies } from '../../src/report/text-width.js';
import { importPackages, installedVersion, installMetrics, loadVega, type VegaRuntime } from '../../src/report/vega-runtime.js';
import { policyCostSpec, tierMixSpec } from '../../src/report/whatif-section.js';
import { readPolicy } from '../../src/replay/policy.js';
import { importPaths, newLedger, root, samples, tempDir } from '../helpers.js';

const OCTOBER = resolvePeriod({ month: '2026-10' });

/** Every chart spec a report of `d` draws (the sections' own spec functions). */
function reportSpecs(d: ReportData): TopLevelSpec[] {
  const t = d.task_types;
  return [
    spendOverTimeSpec(d.spend_over_time),
    costPerRequestSpec(d.headline.cost_per_request),
    taskTypeSpec(t),
    tierSpec(t),
    tokenMixSpec(d.token_mix),
    cacheHitSpec(d.cache),
    ...(d.whatif ? [policyCostSpec(d.whatif), tierMixSpec(d.whatif)] : []),
    ...(d.tier_distribution ? [tierDistributionSpec(d.tier_distribution)] : []),
  ];
}

async function draw(rt: VegaRuntime, spec: TopLevelSpec): Promise<string> {
  const view = new rt.vega.View(rt.vega.parse(rt.compile(spec).spec), { renderer: 'none', logLevel: rt.vega.Error });
  try {
    return roundGeometry(await view.toSVG());
  } finally {
    view.finalize();
  }
}

let db = '';
const gather = (opts: GatherOptions = {}) =>
  withSession({ db }, (s) => {
    const policies = ['identity', 'task-tiers'].map((p) => readPolicy(samples('policies', `${p}.yaml`), s.prices));
    return gatherReportData(s, OCTOBER, { version: '0.0.0-test', generatedAt: new Date('2026-11-01T00:00:00Z'), policies, ...opts });
  });

beforeAll(async () => {
  const ledger = await newLedger();
  await ledger.run('SET threads = 1'); // sums in one order: the two reports compare to the last bit
  await importPaths(ledger, [samples('claude-code'), samples('anthropic'), samples('openai')]);
  db = ledger.path;
  ledger.close();
});

describe('charts rendered ahead of the page', () => {
  afterAll(() => endCharts());

  it('hands the page the chart rendered ahead, once', async () => {
    const { textMetrics } = await loadVega();
    const spec = barChart([LONG, 'gpt-5']);
    renderAhead(spec);
    await renderSvg(barChart(['queued after it'])); // charts render in turn: the one ahead is done
    // vega's own 0.8 em guess from here on: a chart drawn now cuts the long name, the one ahead does not
    for (const m of textMetrics) m.width = m.estimateWidth!;
    try {
      const taken = await renderSvg(spec);
      const drawnNow = await renderSvg(spec);
      expect(taken).toContain(`>${LONG}</text>`);
      expect(drawnNow).toContain('…');
    } finally {
      for (const m of textMetrics) m.width = measureItem;
      endCharts();
    }
  });

  it('gives the same page as charts drawn with it: samples with two policies', async () => {
    const drawn = await renderReport(await gather());
    const ahead = await gather({ chartsAhead: true }); // the charts render while the later queries run
    const page = await renderReport(ahead);
    expect((page.match(/<figure class="chart"/g) ?? []).length).toBe(reportSpecs(ahead).length);
    expect(page === drawn).toBe(true);
  });
});

describe('the vega bundle (scripts/vega-bundle.mjs)', () => {
  const vendor = tempDir();

  it('holds every copy of vega-scenegraph and draws the report charts as the packages do', async () => {
    const { bundleVega } = (await import(pathToFileURL(path.join(root, 'scripts', 'vega-bundle.mjs')).href)) as {
      bundleVega: (o: { root: string; vendor: string; copies: string[]; versions: Record<string, string> }) => Promise<void>;
    };
    const versions = { vega: installedVersion('vega'), 'vega-lite': installedVersion('vega-lite') };
    await bundleVega({ root, vendor, copies: scenegraphCopies(), versions });
    expect(JSON.parse(fs.readFileSync(path.join(vendor, 'vega.json'), 'utf8'))).toEqual(versions);
    const mod = (await import(pathToFileURL(path.join(vendor, 'vega.mjs')).href)) as VegaRuntime;
    const bundled = installMetrics({ ...mod, bundled: true });
    const packages = installMetrics(await importPackages());
    expect(bundled.textMetrics.length).toBe(scenegraphCopies().length);
    expect(bundled.vega.View).not.toBe(packages.vega.View); // its own copy, not the packages through it

    const specs = [...reportSpecs(await gather()), barChart([LONG, 'gpt-5'])];
    for (const spec of specs) expect(await draw(bundled, spec)).toBe(await draw(packages, spec));
    expect(await draw(bundled, barChart([LONG]))).toContain(`>${LONG}</text>`); // measured, not guessed
  }, 60_000);

  it('refuses a bundle whose copies of vega-scenegraph the width table does not patch', async () => {
    const { bundleVega } = (await import(pathToFileURL(path.join(root, 'scripts', 'vega-bundle.mjs')).href)) as {
      bundleVega: (o: { root: string; vendor: string; copies: string[]; versions: Record<string, string> }) => Promise<void>;
    };
    const out = tempDir();
    const versions = { vega: 'x', 'vega-lite': 'y' };
    await expect(bundleVega({ root, vendor: out, copies: scenegraphCopies().slice(1), versions })).rejects.toThrow(/vega-scenegraph/);
    expect(fs.readdirSync(out)).toEqual([]);
  }, 60_000);
});
