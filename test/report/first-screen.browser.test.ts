import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

// The demo report's first screen in a real browser (Debian's Chromium, as in browser.test.ts): at
// 1280×800, before any scrolling, it answers what it cost and on what, where the waste was, and what
// the best policy would have saved. The demo's data may change: this checks structure and that every
// figure is there and not zero, never exact dollars.
const CHROMIUM = process.env.RECOUNT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 800 };
const found = fs.existsSync(CHROMIUM);
if (!found) {
  const message = `first-screen browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set RECOUNT_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${message}: CI must run it`);
  process.stderr.write(`SKIPPED ${message}\n`);
}

interface Box {
  text: string;
  top: number;
  bottom: number;
  visible: boolean;
}

/** "$1,234.56" → 1234.56, "-$3.00" → -3 */
const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));

describe.skipIf(!found)('the demo report in Chromium: the first screen', () => {
  let browser: Browser;
  let boxes: Record<string, Box | null> = {};
  let lists: Record<string, string[]> = {};

  beforeAll(async () => {
    const cwd = tempDir();
    const out = path.join(cwd, 'demo.html');
    const r = runCli(['demo', '--out', out], {}, cwd);
    expect(r.status, r.stderr).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
    const url = pathToFileURL(out).href;
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    // where each part sits on the page as loaded (no scrolling), and what it says
    const selectors = {
      cost: '#answer-cost .tile',
      costFirstBar: '#answer-cost ol.bars li',
      waste: '#answer-waste .tile',
      wasteFirst: '#answer-waste ol.top-findings li',
      policy: '#answer-policy .tile',
      costPerRequest: '#cost-per-request',
    };
    for (const [name, selector] of Object.entries(selectors)) {
      const el = await page.$(selector);
      boxes[name] = el
        ? await el.evaluate((e) => {
            const r = e.getBoundingClientRect();
            const style = getComputedStyle(e);
            return { text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(), top: r.top, bottom: r.bottom, visible: r.width > 0 && r.height > 0 && style.visibility !== 'hidden' };
          })
        : null;
    }
    lists = {
      models: await page.$$eval('#answer-cost ol.bars li .bar-value', (els) => els.map((e) => (e.textContent ?? '').trim())),
      findings: await page.$$eval('#answer-waste ol.top-findings li .impact', (els) => els.map((e) => (e.textContent ?? '').trim())),
    };
    await context.close();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  const onFirstScreen = (name: string) => {
    const b = boxes[name];
    expect(b, `${name} is on the page`).not.toBeNull();
    expect(b!.visible, `${name} is visible`).toBe(true);
    expect(b!.top, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(b!.bottom, `${name} ends above the fold (${VIEWPORT.height}px)`).toBeLessThanOrEqual(VIEWPORT.height);
    return b!.text;
  };

  it('says what it cost and on what: total, the top model, spend by model', () => {
    const m = onFirstScreen('cost').match(/^(\$[\d,.]+) spent · (\$[\d,.]+) of it on (\S+)$/);
    expect(m, boxes.cost!.text).not.toBeNull();
    const [, total, top, model] = m!;
    expect(dollars(total)).toBeGreaterThan(0);
    expect(dollars(top)).toBeGreaterThan(0);
    expect(dollars(top)).toBeLessThanOrEqual(dollars(total));
    // the bars: spend by model, the top model first, costliest first, all above the fold
    expect(onFirstScreen('costFirstBar')).toContain(model);
    const spends = lists.models.map((v) => dollars(v.split(' · ')[0]));
    expect(spends.length).toBeGreaterThan(1);
    expect(spends[0]).toBe(dollars(top));
    expect(spends.every((s) => s > 0)).toBe(true);
  });

  it('says where the waste was: a dollar total and the findings behind it', () => {
    const m = onFirstScreen('waste').match(/^(\$[\d,.]+) of waste found$/);
    expect(m, boxes.waste!.text).not.toBeNull();
    expect(dollars(m![1])).toBeGreaterThan(0);
    expect(onFirstScreen('wasteFirst')).toMatch(/^\$[\d,.]+ \S/);
    expect(lists.findings.length).toBeGreaterThan(0);
    expect(lists.findings.every((v) => dollars(v) > 0)).toBe(true);
  });

  it('says what the best policy would have saved, with its low–high range', () => {
    const m = onFirstScreen('policy').match(/^best policy: (\S+) saves (\$[\d,.]+) \((-?\$[\d,.]+)(?:–| to )(-?\$[\d,.]+)\)$/);
    expect(m, boxes.policy!.text).not.toBeNull();
    const [, name, central, low, high] = m!;
    expect(name).not.toBe('identity');
    expect(dollars(central)).toBeGreaterThan(0);
    expect(dollars(low)).toBeLessThanOrEqual(dollars(central));
    expect(dollars(high)).toBeGreaterThanOrEqual(dollars(central));
  });

  it('puts spend by model first: cost per request comes later, below the fold', () => {
    expect(boxes.costPerRequest, 'the cost-per-request section is still in the report').not.toBeNull();
    expect(boxes.costPerRequest!.top).toBeGreaterThan(VIEWPORT.height);
  });
});
