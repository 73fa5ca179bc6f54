import { describe, expect, it } from 'vitest';
import { escapeHtml, html, Html, unsafe } from '../../src/report/html.js';

describe('the html tagged template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const model = '<script>alert(1)</script>';
    const attr = '"onerror=alert(1)';
    const out = html`<td title="${attr}">${model}</td>`.value;
    expect(out).toBe('<td title="&quot;onerror=alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('passes Html through, joins arrays item by item and renders nothing for null, undefined and false', () => {
    const rows = ['<b>', 'x'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>`.value).toBe('<ul><li>&lt;b&gt;</li><li>x</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${unsafe('<svg></svg>')}`.value).toBe('<svg></svg>');
    expect(html`${new Html('<i>trusted</i>')}`).toBeInstanceOf(Html);
  });

  it('escapes objects by their string form, never as markup', () => {
    const sneaky = { toString: () => '<img src=x onerror=alert(1)>' };
    expect(html`${sneaky}`.value).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('report number formats', () => {
  it('prints dollars like recount, without a minus on an amount that rounds to nothing', async () => {
    const { usd, pct, compact, duration, utcMinute } = await import('../../src/report/format.js');
    expect([usd(1234.5), usd(0.0123), usd(-0.00002), usd(-0.0001), usd(null)]).toEqual(['$1,234.50', '$0.01', '$0.00', '-$0.0001', '—']);
    expect([pct(0.3788), pct(0.0042, 1), pct(null), pct(Infinity)]).toEqual(['38%', '0.4%', '—', '—']);
    expect([compact(215_354_741), compact(810_106)]).toEqual(['215.4M', '810.1K']);
    expect([duration(27.4), duration(300), duration(20_287)]).toEqual(['27 min', '5.0 h', '14.1 d']);
    expect(utcMinute('2026-10-20T09:01:59.499Z')).toBe('2026-10-20 09:01 UTC');
  });
});
