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
