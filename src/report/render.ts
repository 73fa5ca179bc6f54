import { endCharts, resetChartIds } from './charts.js';
import { utcMinute } from './format.js';
import { html, unsafe, type Html } from './html.js';
import type { ReportData } from './model.js';
import { defaultSections, type ReportSection } from './sections.js';
import { REPORT_FONT } from './text-width.js';

export { defaultSections, insertSection, type ReportSection } from './sections.js';

/**
 * No script, no request: the page loads nothing (not even an image or a font) and runs nothing, so a
 * value that slipped through escaping still could not execute or call home.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: ${REPORT_FONT}; font-size: 14px; line-height: 1.45; color: #1d1d1f; background: #fff; margin: 0; }
main, header, nav, footer { max-width: 980px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d9d9de; break-after: avoid; page-break-after: avoid; }
.subtitle { color: #55565b; margin: 0; }
.redacted { display: inline-block; margin-top: 8px; padding: 2px 8px; border-radius: 4px; background: #eef2ff; color: #2c3e8c; font-size: 12px; }
nav { margin-top: 14px; font-size: 13px; }
nav ol { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #2c5fb3; text-decoration: none; }
.answers { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; margin: 8px 0 10px; break-inside: avoid; }
.answer { border: 1px solid #e1e1e6; border-radius: 8px; padding: 10px 14px 8px; min-width: 0; }
.answer .question { margin: 0 0 4px; color: #55565b; font-size: 12px; font-weight: bold; text-transform: uppercase; letter-spacing: 0.03em; }
.answer .tile { margin: 0 0 8px; font-size: 15px; line-height: 1.35; overflow-wrap: anywhere; }
.answer .tile .big { font-size: 22px; }
.answer .note { margin: 4px 0; }
.answer ol { list-style: none; padding: 0; margin: 6px 0; font-size: 12.5px; }
.answer li { margin: 0 0 5px; overflow-wrap: anywhere; }
ol.bars li, ol.policies li { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 8px; }
.bar-label { font-weight: bold; }
.bar-value { font-variant-numeric: tabular-nums; white-space: nowrap; text-align: right; }
.bar { grid-column: 1 / -1; height: 6px; margin-top: 2px; background: #eef0f4; border-radius: 3px; }
.bar > span { display: block; height: 100%; background: #4269d0; border-radius: 3px; }
ol.top-findings .impact { min-width: 0; margin-right: 4px; }
.facts-line { margin-top: 0; }
@media (max-width: 760px) { .answers { grid-template-columns: 1fr; } }
.warn { background: #fff6e5; border-left: 4px solid #efb118; padding: 8px 12px; }
.note { color: #55565b; font-size: 12.5px; }
figure.chart { margin: 12px 0 16px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #55565b; font-size: 12.5px; margin-top: 4px; }
.pair { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
.pair figure.chart { flex: 1 1 400px; min-width: 0; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: 12.5px; break-inside: auto; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ececf0; vertical-align: top; overflow-wrap: break-word; }
td.any { overflow-wrap: anywhere; }
th { border-bottom: 1px solid #b9b9c0; font-weight: bold; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nowrap, .nobr { white-space: nowrap; }
code { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: 12px; background: #f4f4f6; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
ol.findings { padding-left: 24px; }
ol.findings li { margin: 6px 0; break-inside: avoid; }
.impact { display: inline-block; min-width: 84px; font-weight: bold; }
.impact.unknown { color: #b3261e; }
.detail { margin-top: 2px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 13px; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
footer { color: #55565b; font-size: 12px; padding-top: 28px; padding-bottom: 28px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 11.5px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main, header, footer { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { margin-top: 22px; }
  section { break-inside: auto; }
  .pair { display: block; }
  table { font-size: 10.5px; break-inside: avoid; page-break-inside: avoid; }
  th, td { padding: 3px 5px; }
  a { color: inherit; text-decoration: none; }
}
`;

/** A section as the page shows it: an anchored heading and the section's body. */
async function renderSection(section: ReportSection, data: ReportData): Promise<{ section: ReportSection; body: Html } | null> {
  const body = await section.render(data);
  return body ? { section, body } : null;
}

/**
 * The whole report as one self-contained HTML document: inline CSS, charts as inline SVG, no script, no
 * external resource. Pure: the same data and sections give the same string. `sections` defaults to
 * `defaultSections`; pass `insertSection(defaultSections, mySection, { before: 'methodology' })` to add one.
 */
export async function renderReport(data: ReportData, sections: readonly ReportSection[] = defaultSections): Promise<string> {
  await resetChartIds();
  const rendered: { section: ReportSection; body: Html }[] = [];
  try {
    for (const s of sections) {
      const r = await renderSection(s, data); // one at a time: vega's SVG ids count up in page order
      if (r) rendered.push(r);
    }
  } finally {
    endCharts();
  }
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${unsafe(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="recount ${data.version}">
<title>${data.title}</title>
<style>${unsafe(CSS)}</style>
</head>
<body>
<header>
<h1>${data.title}</h1>
<p class="subtitle">${data.period_label} · generated ${utcMinute(data.generated_at)} by recount ${data.version} · prices: ${data.price_catalog.label}</p>
${data.redacted ? html`<span class="redacted">Redacted: keys, users, projects, sessions and file paths are pseudonyms</span>` : ''}
</header>
<nav aria-label="Contents"><ol>${rendered.map(({ section }) => html`<li><a href="#${section.id}">${section.title}</a></li>`)}</ol></nav>
<main>
${rendered.map(({ section, body }) => html`<section id="${section.id}">
<h2>${section.title}</h2>
${body}
</section>
`)}</main>
<footer>Made offline by recount ${data.version} from the ledger named under Methodology. This file loads nothing from the network and runs no scripts.</footer>
</body>
</html>
`;
  return page.value;
}
