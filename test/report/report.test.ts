import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withSession } from '../../src/session.js';
import { resolvePeriod } from '../../src/period.js';
import { gatherReportData, type GatherOptions } from '../../src/report/data.js';
import { html } from '../../src/report/html.js';
import type { ReportData } from '../../src/report/model.js';
import { defaultSections, insertSection, renderReport, type ReportSection } from '../../src/report/render.js';
import { reportFileName } from '../../src/report/write.js';
import { importPaths, newLedger, runCli, samples, tempDir } from '../helpers.js';
import { HOSTILE, PAYLOADS, seedHostileLedger } from './hostile-ledger.js';

const OCTOBER = resolvePeriod({ month: '2026-10' });

async function report(db: string, opts: GatherOptions = {}): Promise<{ data: ReportData; page: string }> {
  const data = await withSession({ db }, (s) => gatherReportData(s, OCTOBER, opts));
  return { data, page: await renderReport(data) };
}

/** The inline SVGs of a page. */
const svgs = (page: string) => page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

let samplesDb = '';
let hostileDb = '';

beforeAll(async () => {
  const a = await newLedger();
  await importPaths(a, [samples()]);
  samplesDb = a.path;
  a.close();
  const b = await newLedger();
  await seedHostileLedger(b);
  hostileDb = b.path;
  b.close();
});

describe('recount report over the samples', () => {
  it('renders every section, seven charts, no script and nothing to fetch', async () => {
    const { data, page } = await report(samplesDb);
    for (const s of defaultSections.filter((x) => x.id !== 'whatif' && x.id !== 'plans')) expect(page, s.id).toContain(`<section id="${s.id}">`);
    expect(page).not.toContain('<section id="whatif">'); // only with --policy (test/report/whatif-section.test.ts)
    expect(page).not.toContain('<section id="plans">'); // only with plan policies (test/report/plans-section.test.ts)
    expect(svgs(page)).toHaveLength(7); // the tier panel shows the history without --policy too
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(http|src="http|href="http/i);
    expect(page).toContain("default-src 'none'"); // the CSP forbids loading anything
    expect(data.reconciliation).not.toBeNull(); // the samples carry cost exports
    expect(page).toContain('Invoiced against priced usage');
    expect(data.headline.records).toBeGreaterThan(0);
    expect(data.provenance.totals.duplicates).toBeGreaterThan(0);
    expect(data.provenance.totals.rejected).toBe(1); // the cut-off transcript line
    expect(data.findings.length).toBeGreaterThan(0);
    expect(page).toContain(data.price_catalog.fingerprint);
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
  });

  it('is the same string for the same data (pinned clock and version)', async () => {
    const { data, page } = await report(samplesDb, { version: '0.0.0-test' });
    expect(data.generated_at).toBe('2026-11-15T12:00:00.000Z'); // RECOUNT_NOW
    expect(data.version).toBe('0.0.0-test');
    expect(await renderReport(structuredClone(data))).toBe(page);
  });

  it('says so when no invoices are imported', async () => {
    const { data, page } = await report(hostileDb);
    expect(data.reconciliation).toBeNull();
    expect(page).toContain('No invoices imported for this period');
  });
});

describe('a ledger with hostile values', () => {
  it('escapes every ledger value, in the page and inside the SVG charts', async () => {
    const { page } = await report(hostileDb);
    // nothing that runs, loads or carries an event handler
    expect(page).not.toMatch(/<script|<img|<iframe|<object|<embed/i);
    expect(page).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    // …while the values are there, escaped
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;onerror=alert(1) x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const charts = svgs(page).join('\n');
    expect(charts).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</text>'); // a legend or axis label, escaped by vega
    expect(charts).not.toContain(PAYLOADS.script);
  });

  it('never shows prompt text', async () => {
    const { data, page } = await report(hostileDb);
    expect(page).not.toContain('SECRET-PROMPT');
    expect(JSON.stringify(data)).not.toContain('SECRET-PROMPT');
  });

  it('draws the long model name whole in the charts', async () => {
    const { page } = await report(hostileDb);
    const charts = svgs(page).join('\n');
    expect(charts).toContain(`>${HOSTILE.longModel}</text>`);
    expect(charts).not.toContain('…');
  });

  it('--redact replaces keys, users, projects, sessions and paths with stable pseudonyms', async () => {
    const { data, page } = await report(hostileDb, { redact: true });
    const escaped = (s: string) => html`${s}`.value;
    for (const secret of [HOSTILE.session, HOSTILE.project, HOSTILE.apiKey, HOSTILE.user, HOSTILE.file, hostileDb, path.dirname(hostileDb)]) {
      expect(page, secret).not.toContain(escaped(secret));
      expect(JSON.stringify(data), secret).not.toContain(secret);
    }
    expect(data.top_sessions[0].session_id).toBe('session-1');
    expect(data.top_sessions[0].projects).toEqual(['project-1']);
    expect(data.cache.breaks.every((b) => /^session-\d+$/.test(b.session_id))).toBe(true);
    expect(data.provenance.ledger).toBe('file-1.duckdb');
    expect(data.provenance.files[0].path).toBe('file-2.jsonl');
    expect(page).toContain('Redacted: keys, users, projects, sessions and file paths are pseudonyms');
    expect(page).toContain(escaped(HOSTILE.model)); // models are not secrets
    // the same ledger and flags give the same names
    expect((await report(hostileDb, { redact: true })).page).toBe(page);
  });
});

describe('sections', () => {
  it('takes an extra section where asked', async () => {
    const appendix: ReportSection = {
      id: 'appendix',
      title: 'Appendix',
      async render(d) {
        return d.title.includes('appendix') ? html`<p>${d.title}</p>` : null;
      },
    };
    const sections = insertSection(defaultSections, appendix, { before: 'methodology' });
    expect(sections.map((s) => s.id).slice(-2)).toEqual(['appendix', 'methodology']);
    expect(insertSection(defaultSections, appendix, { after: 'headline' })[1].id).toBe('appendix');
    const { data } = await report(hostileDb);
    expect(await renderReport(data, sections)).not.toContain('<section id="appendix">'); // it returned null: left out
    const page = await renderReport({ ...data, title: '<b>appendix</b>' }, sections);
    expect(page).toMatch(/<section id="appendix">[\s\S]*&lt;b&gt;appendix&lt;\/b&gt;[\s\S]*<section id="methodology">/);
    expect(page).toContain('<a href="#appendix">Appendix</a>');
  });
});

describe('recount report (CLI)', () => {
  it('writes reports/recount-<period>.html under the working folder and prints its path', () => {
    const cwd = tempDir();
    const r = runCli(['report', '--db', samplesDb, '--month', '2026-10', '--title', 'October <spend>'], {}, cwd);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = path.join(fs.realpathSync(cwd), 'reports', 'recount-2026-10.html');
    expect(fs.realpathSync(r.stdout.trim())).toBe(out);
    const page = fs.readFileSync(out, 'utf8');
    expect(page).toContain('<title>October &lt;spend&gt;</title>');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['recount-2026-10.html']); // no temp file left
  });

  it('--out and --json; --redact', () => {
    const dir = tempDir();
    const out = path.join(dir, 'nested', 'r.html');
    const r = runCli(['report', '--db', hostileDb, '--out', out, '--json', '--redact']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ path: out, redacted: true, period: { since: null, until: null, tz: 'UTC' } });
    expect(json.bytes).toBe(fs.statSync(out).size);
    expect(fs.readFileSync(out, 'utf8')).not.toContain('&quot;onerror=alert(1) x');
  });

  it('says what is wrong in one line with a hint', () => {
    const dir = tempDir();
    const folder = runCli(['report', '--db', samplesDb, '--out', dir]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toBe(`recount: --out ${dir} is a folder\nhint: name a file, e.g. --out ${path.join(dir, 'recount-all.html')}\n`);
    const missing = runCli(['report', '--db', path.join(dir, 'none.duckdb')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^recount: no ledger at .*none\.duckdb\nhint: /);
    const month = runCli(['report', '--db', samplesDb, '--month', '2026-13']);
    expect(month.stderr).toMatch(/^recount: --month '2026-13' is not a month\n/);
  });

  it('names the default file after the period', () => {
    expect(reportFileName({ since: '2026-10-01', until: '2026-10-31', tz: 'UTC' })).toBe('recount-2026-10.html');
    expect(reportFileName({ since: '2024-02-01', until: '2024-02-29', tz: 'UTC' })).toBe('recount-2024-02.html');
    expect(reportFileName({ since: '2026-10-01', until: '2026-10-30', tz: 'UTC' })).toBe('recount-2026-10-01_2026-10-30.html');
    expect(reportFileName({ since: '2026-10-05', until: null, tz: 'UTC' })).toBe('recount-from-2026-10-05.html');
    expect(reportFileName({ since: null, until: '2026-10-05', tz: 'UTC' })).toBe('recount-until-2026-10-05.html');
    expect(reportFileName({ since: null, until: null, tz: 'UTC' })).toBe('recount-all.html');
  });
});
