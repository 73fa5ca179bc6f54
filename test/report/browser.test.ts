import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData } from '../../src/report/data.js';
import { renderReport } from '../../src/report/render.js';
import { textWidth } from '../../src/report/text-width.js';
import { readPolicy } from '../../src/replay/policy.js';
import { importPaths, newLedger, samples, tempDir, writeTemp } from '../helpers.js';
import { HOSTILE, PAYLOADS, seedHostileLedger } from './hostile-ledger.js';

// The report in a real browser: Debian's Chromium (`apt-get install chromium`; .ci/run installs it),
// driven by playwright-core. Skipped, saying so, only where no Chromium is installed outside CI.
const CHROMIUM = process.env.RECOUNT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const found = fs.existsSync(CHROMIUM);
if (!found) {
  const message = `browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set RECOUNT_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${message}: CI must run it`);
  process.stderr.write(`SKIPPED ${message}\n`);
}

interface PageReport {
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
  trapped: number;
  charts: { id: string; marks: number; emptyPaths: number }[];
  injected: string[];
  longLabelWidth: number | null;
  fontFound: boolean;
}

describe.skipIf(!found)('the report in Chromium', () => {
  let browser: Browser;
  let file = '';

  beforeAll(async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples()]);
    await seedHostileLedger(ledger);
    const db = ledger.path;
    ledger.close();
    // the what-if section too, with a policy whose name, description and rule name are hostile
    const hostilePolicy = writeTemp(
      'hostile-policy.yaml',
      `version: 1\nname: ${JSON.stringify(PAYLOADS.script)}\ndescription: ${JSON.stringify(PAYLOADS.img)}\nrules:\n  - name: ${JSON.stringify(PAYLOADS.attr)}\n    when: { tier: 1 }\n    route: { model: claude-haiku-4-5 }\n  - { name: default, when: {} }\n`,
    );
    // and the "Plan or API?" section: two bundled plans and one whose name and description are hostile
    const hostilePlan = writeTemp(
      'hostile-plan.yaml',
      `version: 1\nname: ${JSON.stringify(PAYLOADS.attr)}\ndescription: ${JSON.stringify(PAYLOADS.img)}\nplan:\n  fee_usd_per_month: [10, 20, 30]\n  allowance: { unit: usd, per_5h: [1, 2, 4] }\n  on_limit: wait\n`,
    );
    // and a plan file with routing rules of its own (tier-1 work on Haiku first)
    const plans = [samples('plans', 'claude-max-5x.yaml'), samples('plans', 'api.yaml'), hostilePlan, samples('plans', 'claude-max-5x-haiku-tier1.yaml')];
    // and the tier panel's flag: every call on a frontier model is far outside the guides' targets
    const allFrontier = writeTemp('all-frontier.yaml', 'version: 1\nname: all-frontier\nallow_upgrade: true\nrules:\n  - { name: all, when: {}, route: { model: claude-opus-4-6 } }\n');
    const data = await withSession({ db }, (s) =>
      gatherReportData(s, resolvePeriod({ month: '2026-10' }), {
        policies: [samples('policies', 'identity.yaml'), samples('policies', 'budget-cap.yaml'), hostilePolicy, allFrontier, ...plans].map((f) => readPolicy(f, s.prices)),
      }),
    );
    expect(data.whatif?.plans?.plans.map((p) => p.trips_total > 0)).toEqual([true, false, true, true]); // the timeline has trips to draw
    // the samples' tier-1 work on Haiku first: Max 5x runs out of fewer windows (13 → 4 at the central allowance)
    const [max5x, , , haiku] = data.whatif!.plans!.plans;
    expect([max5x.limited_windows.central, haiku.limited_windows.central]).toEqual([13, 4]);
    file = path.join(tempDir(), 'report.html');
    fs.writeFileSync(file, await renderReport(data));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(javaScriptEnabled: boolean): Promise<PageReport> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const dialogs: string[] = [];
    // every request is recorded; anything but the report itself is refused, so nothing leaves the machine
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // a trap: an injected alert(1) would count here (the init script runs only with JavaScript on)
    await page.addInitScript(() => {
      const w = window as unknown as { __trapped: number; alert: unknown; confirm: unknown; prompt: unknown };
      w.__trapped = 0;
      w.alert = w.confirm = w.prompt = () => void (w.__trapped += 1);
    });
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart svg', (svgs) =>
      svgs.map((svg) => ({
        id: svg.getAttribute('data-chart') ?? '',
        marks: svg.querySelectorAll('g.role-mark path').length,
        emptyPaths: [...svg.querySelectorAll('g.role-mark path')].filter((p) => !(p.getAttribute('d') ?? '').trim()).length,
      })),
    );
    const injected = await page.$$eval('*', (els) => {
      const bad: string[] = [];
      for (const el of els) {
        if (['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED', 'LINK'].includes(el.tagName.toUpperCase())) bad.push(el.tagName);
        for (const a of el.getAttributeNames()) if (a.toLowerCase().startsWith('on')) bad.push(`${el.tagName}[${a}]`);
      }
      return bad;
    });
    const longLabelWidth = await page.$$eval(
      'figure.chart svg text',
      (texts, label) => {
        const t = texts.find((x) => x.textContent === label) as SVGTextElement | undefined;
        return t ? t.getComputedTextLength() : null;
      },
      HOSTILE.longModel,
    );
    // is the report's font (or Arial, its metric twin) installed? a monospace fallback would measure differently
    const fontFound = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('2d');
      if (!c) return true; // no canvas (JavaScript off): the width check alone decides
      const width = (font: string) => ((c.font = font), c.measureText('mmmmmmmmmmiiiiiWWW').width);
      return width('20px "Liberation Sans", monospace') !== width('20px monospace') || width('20px Arial, monospace') !== width('20px monospace');
    }).catch(() => true);
    const trapped = javaScriptEnabled ? await page.evaluate(() => (window as unknown as { __trapped: number }).__trapped) : 0;
    await context.close();
    return { requests, consoleErrors, dialogs, trapped, charts, injected, longLabelWidth, fontFound };
  }

  it('loads from file:// with no console errors and no request but the file itself', async () => {
    const r = await open(true);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([pathToFileURL(file).href]);
  });

  it('draws every chart as SVG with marks, also with JavaScript off', async () => {
    for (const js of [true, false]) {
      const r = await open(js);
      expect(r.charts.map((c) => c.id)).toEqual(['spend-over-time', 'cost-per-request', 'task-types', 'tiers', 'token-mix', 'cache-hit-ratio', 'whatif-cost', 'whatif-tiers', 'tier-distribution', 'plans-cost', 'plans-timeline']);
      for (const c of r.charts) {
        expect(c.marks, c.id).toBeGreaterThan(0);
        expect(c.emptyPaths, c.id).toBe(0);
      }
    }
  });

  it('shows the "Plan or API?" section after the routing what-if, with a cost bar and a whisker per plan', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const ids = await page.$$eval('section[id]', (els) => els.map((e) => e.id));
    expect(ids.indexOf('plans')).toBeGreaterThan(ids.indexOf('whatif'));
    const text = await page.$eval('section#plans', (e) => e.textContent ?? '');
    expect(text).toContain('Plan or API?');
    expect(text).toContain('claude-max-5x');
    expect(text).toContain('pays off above');
    expect(text).toContain('claude-max-5x-haiku-tier1 routes first, and its plan meters the routed requests');
    // the cost chart: four bars and two whisker ticks each (vega draws both as rects), and the rules
    const rects = await page.$$eval('#chart-plans-cost g.mark-rect.role-mark path', (ps) => ps.length);
    const rules = await page.$$eval('#chart-plans-cost g.mark-rule.role-mark line, #chart-plans-cost g.mark-rule.role-mark path', (ps) => ps.length);
    expect(rects).toBe(4 + 2 * 4);
    expect(rules).toBe(4 + 1); // a low–high rule per plan, and the usage at list prices
    expect(await page.$$eval('#chart-plans-timeline g.role-mark path', (ps) => ps.length)).toBeGreaterThan(2);
    await context.close();
  });

  it('shows the tier distribution panel with the target lines labelled and a policy flagged outside them', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const ids = await page.$$eval('section[id]', (els) => els.map((e) => e.id));
    expect(ids.indexOf('tier-distribution')).toBe(ids.indexOf('whatif') + 1);
    const texts = await page.$$eval('#chart-tier-distribution svg text', (ts) => ts.map((t) => ({ text: t.textContent ?? '', fill: t.getAttribute('fill') })));
    expect(texts.map((t) => t.text)).toEqual(expect.arrayContaining(['tiers 1–2 target 80%', 'tier 3 at most 15%', 'share of calls', 'share of spend (list prices)']));
    // two dashed target lines, drawn on the calls chart
    expect(await page.$$eval('#chart-tier-distribution g.mark-rule.role-mark line, #chart-tier-distribution g.mark-rule.role-mark path', (ls) => ls.length)).toBe(2);
    // the flagged policy: its row label in red on both charts, a warning above, and "outside" in its table row
    expect(texts.filter((t) => t.text === 'all-frontier (outside targets)').map((t) => t.fill)).toEqual(['#c0392b', '#c0392b']);
    expect(await page.$eval('section#tier-distribution p.warn', (e) => e.textContent)).toContain('all-frontier: tiers 1–2 carry 0% of calls');
    const row = await page.$$eval('section#tier-distribution tbody tr', (trs) => trs.map((tr) => tr.textContent ?? '').find((t) => t.startsWith('all-frontier')));
    expect(row).toContain('outside: tiers 1–2 carry 0% of calls (target about 80%); tier 3 carries 100% of calls (target at most 15%)');
    await context.close();
  });

  it('shows "Cost per completed task" from the samples\' agent turns, with a column per routing policy', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const text = await page.$eval('section#completed-tasks', (e) => e.textContent ?? '');
    expect(text).toContain('Cost per completed task');
    expect(text).toContain('per successful turn');
    const headers = await page.$$eval('section#completed-tasks table:first-of-type th', (ths) => ths.map((t) => t.textContent));
    // a column per routing policy; plans replay no routing, so none of theirs
    expect(headers).toEqual(expect.arrayContaining(['identity (replayed)', 'budget-cap (replayed)']));
    expect(headers).not.toContain('claude-max-5x (replayed)');
    expect(await page.$$eval('section#completed-tasks tbody tr', (trs) => trs.length)).toBeGreaterThan(2);
    await context.close();
  });

  it('runs nothing from the hostile ledger values: no dialog, no trapped alert, no injected element or handler', async () => {
    const r = await open(true);
    expect(r.dialogs).toEqual([]);
    expect(r.trapped).toBe(0);
    expect(r.injected).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;'); // the values were there
  });

  it('sets chart text in the font the width table measures', async () => {
    const r = await open(true);
    expect(r.fontFound, 'Liberation Sans or Arial is installed (Debian: fonts-liberation)').toBe(true);
    expect(r.longLabelWidth).not.toBeNull();
    // the browser's own layout of the long model name agrees with the table (kerning may take a hair off)
    const expected = textWidth(HOSTILE.longModel, 11);
    expect(Math.abs(r.longLabelWidth! - expected) / expected).toBeLessThan(0.01);
  });
});
